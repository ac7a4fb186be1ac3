// Inflating one zlib stream (HDF5's deflate filter) whose decoded size is
// known: with libdeflate, several times faster than zlib on whole buffers,
// and zlib as the fallback.
#pragma once

#include <cstdint>

namespace glint {

enum class Inflater { kLibdeflate, kZlib };

// True when `src` decodes to exactly `dst_len` bytes in `dst`. Thread-safe
// (one libdeflate decompressor per thread). Tries libdeflate first, then
// zlib, unless GLINT_INFLATE=zlib is set in the environment (to measure or
// to rule out libdeflate: every chunk then goes through zlib).
bool inflate_exact(const uint8_t* src, uint64_t src_len, uint8_t* dst, uint64_t dst_len);

// Which inflater inflate_exact tries first in this process.
Inflater preferred_inflater();

}  // namespace glint
