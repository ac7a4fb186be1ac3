// Filling a segment's payload from the HDF5 file, without a second copy.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "glint/h5.h"
#include "glint/status.h"
#include "segment_writer.h"

namespace glint {

// Called with the bytes done so far; from any of the copying threads, serialised.
using FillProgress = std::function<void(uint64_t done_bytes)>;

struct FillTuning {
  int threads = 1;        // ranges copied at once (fill_by_copy); < 1 means 1
  uint64_t step = 32ull << 20;  // see CacheOptions::fill_step_bytes; < 4096 means 4096
};

// Contiguous, unfiltered data stored in the native type: the kernel copies
// the file's bytes straight into the segment (sendfile), `tuning.threads`
// ranges at once. No HDF5 call, no user-space buffer.
Status fill_by_copy(SegmentWriter& writer, const std::string& h5_path, int64_t file_offset, FillTuning tuning,
                    const FillProgress& progress);

// Anything else (chunked, compressed, converted): HDF5 reads row slabs of
// about `tuning.step` bytes directly into a writable mapping of the segment.
Status fill_by_hdf5(SegmentWriter& writer, H5Source& source, const DatasetInfo& info, FillTuning tuning,
                    const FillProgress& progress);

}  // namespace glint
