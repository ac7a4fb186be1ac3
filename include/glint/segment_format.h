// The on-memory format of one segment: one dataset of one HDF5 file.
//
// A segment is a file in the shared-memory file system (/dev/shm), or in the
// disk tier's cache directory (~/.cache/glint), named
//   glint_{md5}_{encoded dataset path}
// and laid out as
//   [0, 64)                    SegmentHeader, little-endian
//   [64, 64 + payload_bytes)   the dataset, C order, elements of `dtype`
//   [64 + payload_bytes, end)  trailer: UTF-8 JSON describing the source
// docs/FORMAT.md is the reference for other languages (numpy in five lines).
//
// A segment is only ever visible under its final name once complete, so there
// is no "loading" state in the header. Readers must still validate every
// header before trusting a byte: anyone may place a file under that name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "glint/dtype.h"
#include "glint/status.h"

namespace glint {

inline constexpr char kSegmentMagic[8] = {'G', 'L', 'I', 'N', 'T', 'S', 'H', 'M'};
// Version 2 adds a checksum (flags bit 0, payload_crc32); a segment without
// one is still written as version 1, so that readers of version 1 keep
// reading /dev/shm segments. Readers accept both.
inline constexpr uint16_t kSegmentFormatVersion = 2;
inline constexpr uint16_t kSegmentFormatVersionNoChecksum = 1;
// flags bit 0 (version 2 only): payload_crc32 holds the CRC-32 (zlib's,
// ISO-HDLC) of every byte after the header, payload and trailer.
inline constexpr uint8_t kSegmentFlagChecksum = 1;
inline constexpr size_t kSegmentHeaderBytes = 64;
inline constexpr size_t kMaxRank = 4;
inline constexpr uint32_t kMaxTrailerBytes = 64 * 1024;
inline constexpr std::string_view kSegmentPrefix = "glint_";
inline constexpr std::string_view kLockSuffix = ".lock";

// Raw header, exactly as stored. Byte offsets in comments.
struct RawSegmentHeader {
  char magic[8];           //  0: "GLINTSHM"
  uint16_t version;        //  8: kSegmentFormatVersion
  uint8_t rank;            // 10: 1..kMaxRank
  uint8_t flags;           // 11: kSegmentFlagChecksum or 0; other bits 0
  char typestr[4];         // 12: numpy typestr, NUL padded ("<f4")
  uint64_t payload_bytes;  // 16: product(shape) * itemsize
  uint64_t shape[kMaxRank];// 24: dims, unused ones 0
  uint32_t trailer_bytes;  // 56: JSON after the payload, <= kMaxTrailerBytes
  uint32_t payload_crc32;  // 60: with kSegmentFlagChecksum, CRC-32 of [64, end); else 0
};
static_assert(sizeof(RawSegmentHeader) == kSegmentHeaderBytes);

// A header that passed validation.
struct SegmentLayout {
  DType dtype = DType::kUInt8;
  // The header records a CRC-32 of everything after it (disk tier).
  bool has_checksum = false;
  uint32_t crc32 = 0;
  std::vector<uint64_t> shape;
  uint64_t payload_bytes = 0;
  uint32_t trailer_bytes = 0;
};

// Builds the header for a dataset (version 1, no checksum: see
// set_checksum). Fails (kUnsupported) for rank 0 or above
// kMaxRank, or if the byte count overflows 64 bits; kInvalidArgument for a
// trailer over kMaxTrailerBytes.
Result<RawSegmentHeader> make_header(DType dtype, const std::vector<uint64_t>& shape,
                                     uint32_t trailer_bytes);

// Records `crc32` of [64, end) in `header`, which becomes version 2.
void set_checksum(RawSegmentHeader& header, uint32_t crc32);

// Checks `bytes` (the first min(64, segment_bytes) bytes of a segment whose
// real size is `segment_bytes`) and returns the layout it describes. Never
// reads past `available`; every field is checked, including that
// 64 + payload + trailer == segment_bytes. `what` names the segment in errors.
Result<SegmentLayout> parse_header(const void* bytes, size_t available,
                                   uint64_t segment_bytes, std::string_view what);

// Source metadata kept in the trailer.
struct SegmentTrailer {
  std::string source_path;    // absolute path of the HDF5 file when loaded
  std::string dataset;        // dataset path inside the file ("/images")
  std::string md5;            // 32 lower-case hex digits
  uint64_t source_size = 0;   // file identity at load time, for staleness
  uint64_t source_dev = 0;
  uint64_t source_ino = 0;
  int64_t source_mtime_ns = 0;
  int64_t created_unix_ns = 0;
  int64_t creator_pid = 0;
  std::string creator_host;
};

std::string serialize_trailer(const SegmentTrailer& trailer);
// Lenient: unknown keys are ignored; malformed JSON is kCorrupt.
Result<SegmentTrailer> parse_trailer(std::string_view json);

// Segment file name for a dataset: "glint_" + md5 + "_" + encoded path.
// The dataset path is encoded injectively: a leading '/' is dropped, bytes
// outside [A-Za-z0-9_-] become "%XX" in upper-case hex (so "/train/images" ->
// "train%2Fimages", "v1.0" -> "v1%2E0"). Names never contain '.', so the
// loader's lock file "<segment name>.lock" cannot collide with a segment.
// Rejects (kInvalidArgument) empty paths, components "", "." or "..", control
// characters, and names that with ".lock" would exceed NAME_MAX; rejects md5
// that is not 32 lower hex.
Result<std::string> segment_name(std::string_view md5, std::string_view dataset);

// Inverse of segment_name for listing: splits a file name into md5 and dataset
// path ("/train/images"). kInvalidArgument for names that are not segments.
struct ParsedSegmentName {
  std::string md5;
  std::string dataset;
};
Result<ParsedSegmentName> parse_segment_name(std::string_view file_name);

}  // namespace glint
