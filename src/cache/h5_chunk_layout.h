// Where the chunks of a chunked HDF5 dataset lie in its file, so that they can
// be read and decoded without HDF5, by several threads at once (HDF5 itself
// decompresses on the calling thread only, one chunk after the other).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "glint/h5.h"
#include "glint/segment_format.h"
#include "glint/status.h"

namespace glint {

// The two filters decoded here, by their HDF5 filter ids.
enum class ChunkFilter : int { kDeflate = 1, kShuffle = 2 };

struct ChunkLayout {
  std::vector<uint64_t> shape;        // the dataset's
  std::vector<uint64_t> chunk_shape;  // every chunk's; edge chunks stick out of `shape`
  uint64_t element_bytes = 0;
  std::vector<ChunkFilter> filters;   // pipeline (write) order; reading undoes them backwards

  struct Chunk {
    std::array<uint64_t, kMaxRank> offset{};  // first element, in dataset coordinates
    uint64_t file_offset = 0;                 // stored bytes: [file_offset, file_offset + stored_bytes)
    uint64_t stored_bytes = 0;
    uint32_t filter_mask = 0;                 // bit i set: filter i was skipped for this chunk
  };
  std::vector<Chunk> chunks;  // in row-major order of the chunk grid

  // Bytes of one whole (decoded) chunk.
  uint64_t chunk_bytes() const;
};

// Reads the chunk index of `info` (as returned by H5Source::info) from the
// file at `h5_path`. kUnsupported, with the reason, when the dataset is not
// chunked, is stored in another type or byte order than it is read in, uses a
// filter other than shuffle and deflate, or has chunks that were never
// written: such datasets are read through HDF5 instead.
Result<ChunkLayout> read_chunk_layout(const std::string& h5_path, const DatasetInfo& info);

}  // namespace glint
