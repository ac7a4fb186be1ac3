// --cleanup_shm: remove the shared-memory segments of one HDF5 file.
#pragma once

#include <iosfwd>

#include "train/train_options.h"

namespace glint::train {

// Removes the segments of options.h5 (by its MD5, and older versions of the
// same path) from options.cache.shm_dir, printing what was removed to `out`.
// Returns the exit code; errors are one line on `err`.
int run_cleanup_shm(const TrainOptions& options, std::ostream& out, std::ostream& err);

}  // namespace glint::train
