#pragma once

#include <string>

#include "glint/cache.h"
#include "glint/segment_format.h"
#include "mapping.h"

namespace glint {

struct SharedDataset::Impl {
  std::string dataset;
  std::string segment;
  std::string md5;
  SegmentLayout layout;
  Mapping mapping;
  bool loaded_here = false;
};

}  // namespace glint
