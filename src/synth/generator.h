// Writing a whole synthetic glint dataset to an HDF5 file.
//
//   glint::synth::GeneratorOptions options;
//   options.count = 64;
//   options.size = 32;
//   glint::Status s = glint::synth::write_dataset("/tmp/tiny.h5", options);
//
// Layout (at the file root): "images" (N,H,W) uint8 or float32,
// "heatmaps" (N,1,H,W) float16 or float32, "glints" (N,K,2) float32 (x, y)
// with NaN rows for absent glints; see docs/DATASET.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "glint/status.h"
#include "synth/options.h"

namespace glint::synth {

// Called from the calling thread after each block with the number of
// samples written so far and the total. Returning false stops the run.
using Progress = std::function<bool(uint64_t done, uint64_t total)>;

// Renders options.count samples on options.threads threads and writes them,
// block by block, to a temporary file next to `path`, renamed to `path` only
// once complete. On any failure, or when `progress` asks to stop, the
// temporary file is removed and `path` is left as it was.
//
// Errors: kInvalidArgument for bad options, an existing `path` without
// options.overwrite, or a directory; kNotFound / kPermissionDenied when the
// output directory is missing or not writable; kNoSpace or kIOError when
// writing fails; kIOError "interrupted" when stopped by `progress`.
// One call at a time per process: HDF5 calls are not serialised (no
// h5_lock()) and H5QuietErrors swaps the process-wide error handler.
Status write_dataset(const std::string& path, const GeneratorOptions& options,
                     const Progress& progress = nullptr);

}  // namespace glint::synth
