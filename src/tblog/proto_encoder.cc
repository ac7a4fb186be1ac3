#include "tblog/proto_encoder.h"

#include <bit>
#include <cstring>

namespace glint::tblog {
namespace {

template <typename T>
void append_little_endian(std::string& out, T value) {
  static_assert(std::endian::native == std::endian::little, "a big-endian host needs byte swapping here");
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof raw);
  out.append(raw, sizeof raw);
}

}  // namespace

void ProtoEncoder::raw_varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ProtoEncoder::tag(int field, int wire_type) {
  raw_varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type));
}

ProtoEncoder& ProtoEncoder::varint(int field, uint64_t value) {
  tag(field, 0);
  raw_varint(value);
  return *this;
}

ProtoEncoder& ProtoEncoder::float64(int field, double value) {
  tag(field, 1);
  append_little_endian(out_, value);
  return *this;
}

ProtoEncoder& ProtoEncoder::float32(int field, float value) {
  tag(field, 5);
  append_little_endian(out_, value);
  return *this;
}

ProtoEncoder& ProtoEncoder::bytes(int field, std::string_view value) {
  tag(field, 2);
  raw_varint(value.size());
  out_.append(value);
  return *this;
}

}  // namespace glint::tblog
