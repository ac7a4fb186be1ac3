#include "fill_chunked.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "h5_inflate.h"
#include "read_at.h"
#include "util/posix_error.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

std::string chunk_name(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk) {
  std::string s = "chunk at (";
  for (size_t d = 0; d < layout.shape.size(); ++d) s += (d ? ", " : "") + std::to_string(chunk.offset[d]);
  return s + ")";
}

// One pass over `dst` in order, reading the K planes side by side: the
// compiler keeps K streams and writes whole elements (vectorised for 2, 4, 8).
template <uint64_t K>
void unshuffle_fixed(const uint8_t* src, uint8_t* dst, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    for (uint64_t j = 0; j < K; ++j) dst[i * K + j] = src[j * n + i];
  }
}

// HDF5's shuffle stores byte j of every element together; this puts them back.
void unshuffle(const uint8_t* src, uint8_t* dst, uint64_t bytes, uint64_t element_bytes) {
  const uint64_t n = bytes / element_bytes;
  switch (element_bytes) {
    case 2: unshuffle_fixed<2>(src, dst, n); break;
    case 4: unshuffle_fixed<4>(src, dst, n); break;
    case 8: unshuffle_fixed<8>(src, dst, n); break;
    default:
      for (uint64_t j = 0; j < element_bytes; ++j) {
        const uint8_t* plane = src + j * n;
        for (uint64_t i = 0; i < n; ++i) dst[i * element_bytes + j] = plane[i];
      }
  }
  std::memcpy(dst + n * element_bytes, src + n * element_bytes, bytes - n * element_bytes);
}

// True when the chunk is whole rows of the dataset, inside it: it can be
// decoded straight into its place.
bool lands_contiguously(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk) {
  for (size_t d = 1; d < layout.shape.size(); ++d) {
    if (layout.chunk_shape[d] != layout.shape[d]) return false;
  }
  return chunk.offset[0] + layout.chunk_shape[0] <= layout.shape[0];
}

uint64_t bytes_inside(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk) {
  uint64_t n = layout.element_bytes;
  for (size_t d = 0; d < layout.shape.size(); ++d) {
    n *= std::min(layout.chunk_shape[d], layout.shape[d] - chunk.offset[d]);
  }
  return n;
}

uint64_t payload_offset(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk) {
  uint64_t off = 0;
  for (size_t d = 0; d < layout.shape.size(); ++d) off = off * layout.shape[d] + chunk.offset[d];
  return off * layout.element_bytes;
}

Status read_exactly(int fd, uint64_t offset, uint64_t bytes, uint8_t* dst, const std::string& what) {
  auto done = read_at(fd, offset, dst, bytes, what);
  if (!done.ok()) return done.status();
  if (*done != bytes) return Status(Code::kCorrupt, what + ": the file ends inside it (truncated file?)");
  return Status::Ok();
}

}  // namespace

Status decode_chunk(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk, const uint8_t* stored,
                    uint8_t* out, std::vector<uint8_t>& scratch) {
  const uint64_t bytes = layout.chunk_bytes();
  std::vector<ChunkFilter> undo;  // reading order: the last filter applied comes off first
  for (size_t i = layout.filters.size(); i-- > 0;) {
    if ((chunk.filter_mask & (1u << i)) == 0) undo.push_back(layout.filters[i]);
  }
  auto corrupt = [&](const char* why) {
    return Status(Code::kCorrupt, chunk_name(layout, chunk) + " " + why + " (damaged file? copy or regenerate it)");
  };
  if (undo.empty()) {
    if (chunk.stored_bytes != bytes) return corrupt("has the wrong size");
    std::memcpy(out, stored, bytes);
    return Status::Ok();
  }
  // Two filters at most (read_chunk_layout admits each once): the first of
  // two writes to scratch, the last always to `out`.
  if (undo.size() > 1) scratch.resize(bytes);
  const uint8_t* src = stored;
  uint64_t src_len = chunk.stored_bytes;
  for (size_t k = 0; k < undo.size(); ++k) {
    uint8_t* dst = (k + 1 == undo.size()) ? out : scratch.data();
    if (undo[k] == ChunkFilter::kDeflate) {
      if (!inflate_exact(src, src_len, dst, bytes)) return corrupt("does not inflate to one chunk");
    } else {
      if (src_len != bytes) return corrupt("has the wrong size to unshuffle");
      unshuffle(src, dst, bytes, layout.element_bytes);
    }
    src = dst;
    src_len = bytes;
  }
  return Status::Ok();
}

void place_chunk(const ChunkLayout& layout, const ChunkLayout::Chunk& chunk, const uint8_t* decoded,
                 uint8_t* payload) {
  const size_t rank = layout.shape.size();
  const uint64_t es = layout.element_bytes;
  std::array<uint64_t, kMaxRank> extent{}, src_stride{}, dst_stride{}, idx{};
  uint64_t s = es, t = es;
  for (size_t d = rank; d-- > 0;) {
    extent[d] = std::min(layout.chunk_shape[d], layout.shape[d] - chunk.offset[d]);
    src_stride[d] = s;
    dst_stride[d] = t;
    s *= layout.chunk_shape[d];
    t *= layout.shape[d];
  }
  const uint64_t run = extent[rank - 1] * es;
  uint8_t* base = payload + payload_offset(layout, chunk);
  for (;;) {
    uint64_t from = 0, to = 0;
    for (size_t d = 0; d + 1 < rank; ++d) {
      from += idx[d] * src_stride[d];
      to += idx[d] * dst_stride[d];
    }
    std::memcpy(base + to, decoded + from, run);
    size_t d = rank - 1;  // odometer over every dimension but the last
    while (d-- > 0) {
      if (++idx[d] < extent[d]) break;
      idx[d] = 0;
    }
    if (d == static_cast<size_t>(-1)) return;
  }
}

Status fill_by_chunks(SegmentWriter& writer, const std::string& h5_path, const ChunkLayout& layout, int threads,
                      const FillProgress& progress) {
  auto payload = writer.map_payload();
  if (!payload.ok()) return payload.status();
  UniqueFd file(::open(h5_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return posix_error("open " + h5_path, errno);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;
  uint64_t done = 0;
  auto work = [&] {
    std::vector<uint8_t> stored, decoded, scratch;
    for (size_t i = next++; i < layout.chunks.size() && !failed.load(); i = next++) {
      const auto& chunk = layout.chunks[i];
      stored.resize(chunk.stored_bytes);
      Status st = read_exactly(file.get(), chunk.file_offset, chunk.stored_bytes, stored.data(),
                               chunk_name(layout, chunk));
      if (st.ok()) {
        if (lands_contiguously(layout, chunk)) {
          st = decode_chunk(layout, chunk, stored.data(), *payload + payload_offset(layout, chunk), scratch);
        } else {
          decoded.resize(layout.chunk_bytes());
          st = decode_chunk(layout, chunk, stored.data(), decoded.data(), scratch);
          if (st.ok()) place_chunk(layout, chunk, decoded.data(), *payload);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok()) {
        if (first_error.ok()) first_error = std::move(st);
        failed = true;
        return;
      }
      done += bytes_inside(layout, chunk);
      if (progress) progress(done);
    }
  };
  const size_t n = std::clamp<size_t>(static_cast<size_t>(threads), 1, std::max<size_t>(1, layout.chunks.size()));
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < n; ++i) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones running share the rest
    }
  }
  work();
  for (auto& h : helpers) h.join();
  return first_error;
}

}  // namespace glint
