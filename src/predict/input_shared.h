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
// process did). Without: when a valid, current segment of this file's
// `dataset` is listed in options.shm_dir (e.g. a trainer's; found without
// hashing the file), open_shared() with attach_only, so that nothing is ever
// loaded even if that segment goes away before the attach (no segment:
// nullopt, silently). `dataset` is the full path ("/images"). Throws
// std::runtime_error "--shared_memory: ..." when open_shared() fails with
// kInvalidArgument, or, with the flag, kNotFound (e.g. a missing --shm_dir,
// an empty dataset). nullopt means: read the file; after any other cache
// failure one "warning: ..." line on `err` says so first.
std::optional<CachedImages> cached_images(const PredictOptions& options, const std::string& dataset,
                                          std::ostream& err);

}  // namespace glint::predict
