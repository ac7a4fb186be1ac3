#include "h5_inflate.h"

#include <libdeflate.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace glint {
namespace {

struct FreeDecompressor {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

libdeflate_decompressor* thread_decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(libdeflate_alloc_decompressor());
  return d.get();
}

bool with_zlib(const uint8_t* src, uint64_t src_len, uint8_t* dst, uint64_t dst_len) {
  if (src_len > std::numeric_limits<uLong>::max() || dst_len > std::numeric_limits<uLongf>::max()) return false;
  uLongf out = static_cast<uLongf>(dst_len);
  return ::uncompress(dst, &out, src, static_cast<uLong>(src_len)) == Z_OK && out == dst_len;
}

// libdeflate needs the whole output buffer up front, which a chunk of known
// size gives it; it refuses rather than guesses otherwise (then zlib runs).
bool with_libdeflate(const uint8_t* src, uint64_t src_len, uint8_t* dst, uint64_t dst_len) {
  libdeflate_decompressor* d = thread_decompressor();
  if (d == nullptr) return false;
  size_t out = 0;
  return libdeflate_zlib_decompress(d, src, src_len, dst, dst_len, &out) == LIBDEFLATE_SUCCESS && out == dst_len;
}

}  // namespace

Inflater preferred_inflater() {
  static const Inflater chosen = [] {
    const char* v = std::getenv("GLINT_INFLATE");
    return (v != nullptr && std::strcmp(v, "zlib") == 0) ? Inflater::kZlib : Inflater::kLibdeflate;
  }();
  return chosen;
}

bool inflate_exact(const uint8_t* src, uint64_t src_len, uint8_t* dst, uint64_t dst_len) {
  if (preferred_inflater() == Inflater::kLibdeflate && with_libdeflate(src, src_len, dst, dst_len)) return true;
  return with_zlib(src, src_len, dst, dst_len);
}

}  // namespace glint
