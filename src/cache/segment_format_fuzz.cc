// libFuzzer target for everything a segment reader trusts least: the 64-byte
// header (against any claimed segment size), the JSON trailer and segment
// file names. Input: 8 bytes of claimed segment size, then the bytes.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "glint/segment_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t claimed = 0;
  if (size >= sizeof claimed) {
    std::memcpy(&claimed, data, sizeof claimed);
    data += sizeof claimed;
    size -= sizeof claimed;
  }
  // The real size and a size taken from the input, to reach the size checks.
  auto as_is = glint::parse_header(data, size, size, "fuzz");
  auto layout = glint::parse_header(data, size, claimed, "fuzz");
  if (as_is.ok()) {
    // A header that passed must describe exactly the bytes given.
    if (glint::kSegmentHeaderBytes + as_is->payload_bytes + as_is->trailer_bytes != size) __builtin_trap();
    uint64_t expect = glint::dtype_size(as_is->dtype);
    for (uint64_t d : as_is->shape) expect *= d;
    if (expect != as_is->payload_bytes || as_is->shape.empty() || as_is->shape.size() > glint::kMaxRank) {
      __builtin_trap();
    }
  }
  (void)layout;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)glint::parse_trailer(text);
  auto parsed = glint::parse_segment_name(text);
  if (parsed.ok()) {
    // Names that parse must map back to themselves.
    auto again = glint::segment_name(parsed->md5, parsed->dataset);
    if (!again.ok() || *again != text) __builtin_trap();
  }
  return 0;
}
