// Filling a segment from a chunked (and possibly shuffled and deflated)
// dataset: the chunks are read with pread and decoded by several threads,
// straight into the segment when a chunk is a contiguous run of it. Neither
// HDF5's chunk cache nor its single-threaded filter pipeline is involved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fill_contiguous.h"
#include "h5_chunk_layout.h"
#include "segment_writer.h"

namespace glint {

// Reverses the filters of one chunk. `stored` holds its stored bytes, `out`
// receives chunk_bytes() bytes; `scratch` is reused between calls. kCorrupt
// names the chunk when its bytes do not decode to exactly one chunk.
Status decode_chunk(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk, const uint8_t* stored,
                    uint8_t* out, std::vector<uint8_t>& scratch);

// Copies the part of a decoded chunk that lies inside the dataset to its
// place in `payload` (row-major, the dataset's shape).
void place_chunk(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk, const uint8_t* decoded,
                 uint8_t* payload);

// Fills the whole payload of `writer` from the chunks of `layout`, `threads`
// chunks at a time. Errors name the chunk; the caller adds dataset and file.
Status fill_by_chunks(SegmentWriter& writer, const std::string& h5_path, const ChunkLayout& layout, int threads,
                      const FillProgress& progress);

}  // namespace glint
