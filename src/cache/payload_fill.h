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

// Contiguous, unfiltered data stored in the native type: the kernel copies
// the file's bytes straight into the segment (sendfile), `threads` ranges at
// once. No HDF5 call, no user-space buffer.
Status fill_by_copy(SegmentWriter& writer, const std::string& h5_path, int64_t file_offset, int threads,
                    const FillProgress& progress);

// Anything else (chunked, compressed, converted): HDF5 reads row slabs
// directly into a writable mapping of the segment.
Status fill_by_hdf5(SegmentWriter& writer, H5Source& source, const DatasetInfo& info,
                    const FillProgress& progress);

// Progress granularity, and the most one system call copies: 32 MiB. Only the
// reliability probe (tests/probe) lowers it, so that a small load reports in
// many steps and a test can kill the loader at many points of it.
void set_fill_step_for_testing(uint64_t bytes);

}  // namespace glint
