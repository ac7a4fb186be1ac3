#pragma once

#include <string>

#include "glint/cache.h"
#include "glint/segment_format.h"
#include "mapping.h"
#include "util/unique_fd.h"

namespace glint {

struct SharedDataset::Impl {
  std::string dataset;
  std::string segment;
  std::string md5;
  SegmentLayout layout;
  Mapping mapping;
  bool loaded_here = false;
  Tier tier = Tier::kSharedMemory;
  std::string path;
  std::string tier_note;
  UniqueFd fd;  // disk tier only: for pread read-ahead
};

}  // namespace glint
