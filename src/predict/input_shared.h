// The images of an HDF5 file from the shared-memory cache, as the trainer
// reads them: zero-copy rows of a read-only segment.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "glint/cache.h"
#include "predict/predict_options.h"

namespace glint::predict {

struct CachedImages {
  SharedDataset segment;
  std::string how;  // "attached glint_<md5>_images" or "loaded glint_<md5>_images"
};

// With options.shared_memory: open_shared() on `dataset` (loads it when no
// process did). Without: attaches only when a valid, current segment of this
// file's `dataset` is already in options.shm_dir (e.g. a trainer's), and
// never loads. `dataset` is the full path ("/images"). nullopt means: read
// the file; a cache failure the user cannot fix by a flag prints one
// "warning: ..." line on `err` first. Throws std::runtime_error (one line)
// for a bad --shm_dir or a segment that disagrees with the file.
std::optional<CachedImages> cached_images(const PredictOptions& options, const std::string& dataset,
                                          std::ostream& err);

}  // namespace glint::predict
