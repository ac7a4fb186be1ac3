// Building and validating the 64-byte segment header.
#include <cstring>
#include <string>

#include "glint/segment_format.h"

namespace glint {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the segment format is little-endian; big-endian hosts are not supported");

Status corrupt(std::string_view what, const std::string& why) {
  return Status(Code::kCorrupt, "segment " + std::string(what) + " is invalid: " + why +
                                    "; remove it with 'shm_manager --cleanup' and it will be rebuilt");
}

}  // namespace

Result<RawSegmentHeader> make_header(DType dtype, const std::vector<uint64_t>& shape,
                                     uint32_t trailer_bytes) {
  if (shape.empty() || shape.size() > kMaxRank) {
    return Status(Code::kUnsupported, "rank " + std::to_string(shape.size()) +
                                          " cannot be stored: segments hold ranks 1 to " +
                                          std::to_string(kMaxRank));
  }
  if (trailer_bytes > kMaxTrailerBytes) {
    return Status(Code::kInvalidArgument, "segment trailer of " + std::to_string(trailer_bytes) +
                                              " bytes exceeds the limit");
  }
  RawSegmentHeader h{};
  std::memcpy(h.magic, kSegmentMagic, sizeof h.magic);
  h.version = kSegmentFormatVersionNoChecksum;
  h.rank = static_cast<uint8_t>(shape.size());
  std::string_view ts = dtype_typestr(dtype);
  std::memcpy(h.typestr, ts.data(), ts.size());
  uint64_t bytes = dtype_size(dtype);
  for (size_t i = 0; i < shape.size(); ++i) {
    h.shape[i] = shape[i];
    if (__builtin_mul_overflow(bytes, shape[i], &bytes)) {
      return Status(Code::kUnsupported, "dataset size overflows 64 bits");
    }
  }
  h.payload_bytes = bytes;
  h.trailer_bytes = trailer_bytes;
  return h;
}

void set_checksum(RawSegmentHeader& header, uint32_t crc32) {
  header.version = kSegmentFormatVersion;
  header.flags |= kSegmentFlagChecksum;
  header.payload_crc32 = crc32;
}

Result<SegmentLayout> parse_header(const void* bytes, size_t available, uint64_t segment_bytes,
                                   std::string_view what) {
  if (available < kSegmentHeaderBytes || segment_bytes < kSegmentHeaderBytes) {
    return corrupt(what, "it holds " + std::to_string(segment_bytes) +
                             " bytes, less than the 64-byte header");
  }
  RawSegmentHeader h;
  std::memcpy(&h, bytes, sizeof h);
  if (std::memcmp(h.magic, kSegmentMagic, sizeof h.magic) != 0) {
    return corrupt(what, "wrong magic (not a glint segment)");
  }
  if (h.version != kSegmentFormatVersion && h.version != kSegmentFormatVersionNoChecksum) {
    return corrupt(what, "format version " + std::to_string(h.version) + ", expected " +
                             std::to_string(kSegmentFormatVersionNoChecksum) + " or " +
                             std::to_string(kSegmentFormatVersion));
  }
  if (h.rank < 1 || h.rank > kMaxRank) return corrupt(what, "rank " + std::to_string(h.rank));
  // Version 2 is version 1 plus the checksum: one meaning per version.
  if (h.version == kSegmentFormatVersion && (h.flags & kSegmentFlagChecksum) == 0) {
    return corrupt(what, "format version 2 without its checksum flag");
  }
  const uint8_t allowed_flags = h.version == kSegmentFormatVersion ? kSegmentFlagChecksum : 0;
  const bool has_checksum = (h.flags & kSegmentFlagChecksum) != 0 && allowed_flags != 0;
  if ((h.flags & ~allowed_flags) != 0 || (!has_checksum && h.payload_crc32 != 0)) {
    return corrupt(what, "reserved fields are not zero");
  }
  size_t ts_len = strnlen(h.typestr, sizeof h.typestr);
  auto dtype = dtype_from_typestr(std::string_view(h.typestr, ts_len));
  if (!dtype) return corrupt(what, "unknown dtype");
  SegmentLayout layout;
  layout.dtype = *dtype;
  uint64_t expect = dtype_size(*dtype);
  for (size_t i = 0; i < kMaxRank; ++i) {
    if (i >= h.rank) {
      if (h.shape[i] != 0) return corrupt(what, "unused shape entries are not zero");
      continue;
    }
    if (__builtin_mul_overflow(expect, h.shape[i], &expect)) return corrupt(what, "shape overflows");
    layout.shape.push_back(h.shape[i]);
  }
  if (expect != h.payload_bytes) {
    return corrupt(what, "shape and dtype give " + std::to_string(expect) +
                             " bytes but the header says " + std::to_string(h.payload_bytes));
  }
  if (h.trailer_bytes > kMaxTrailerBytes) return corrupt(what, "trailer too large");
  uint64_t total = 0;
  if (__builtin_add_overflow(kSegmentHeaderBytes, h.payload_bytes, &total) ||
      __builtin_add_overflow(total, uint64_t{h.trailer_bytes}, &total) || total != segment_bytes) {
    return corrupt(what, "header describes " + std::to_string(total) + " bytes but the segment holds " +
                             std::to_string(segment_bytes));
  }
  layout.payload_bytes = h.payload_bytes;
  layout.trailer_bytes = h.trailer_bytes;
  layout.has_checksum = has_checksum;
  layout.crc32 = h.payload_crc32;
  return layout;
}

}  // namespace glint
