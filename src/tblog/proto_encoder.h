// A minimal protocol-buffers wire-format encoder, enough for TensorBoard's
// Event, Summary and HParams messages (tblog/event.h). Fields are written in
// the order they are added and always written, defaults included: a proto3
// parser accepts explicit defaults, and members of a oneof (bool_value =
// false, number_value = 0) must be present to be seen at all.
//
// Why our own encoder and not Debian's libprotobuf: six messages need about
// a hundred lines; no protoc step in the build; and LibTorch processes
// (train_glint_unet) do not get a second protobuf runtime beside the one
// some LibTorch builds carry. Its output is checked by TensorBoard's own
// Python reader (tests/tensorboard/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace glint::tblog {

class ProtoEncoder {
 public:
  // Wire type 0: int32, int64, uint64, bool and enum fields (negative
  // values as ten-byte two's complement, as protobuf does for int64).
  ProtoEncoder& varint(int field, uint64_t value);
  ProtoEncoder& int64(int field, int64_t value) { return varint(field, static_cast<uint64_t>(value)); }
  ProtoEncoder& boolean(int field, bool value) { return varint(field, value ? 1 : 0); }
  // Wire type 1 (double) and 5 (float), little-endian IEEE 754.
  ProtoEncoder& float64(int field, double value);
  ProtoEncoder& float32(int field, float value);
  // Wire type 2: string, bytes, and an embedded message's encoding.
  ProtoEncoder& bytes(int field, std::string_view value);
  ProtoEncoder& message(int field, const ProtoEncoder& value) { return bytes(field, value.data()); }

  const std::string& data() const { return out_; }

 private:
  void tag(int field, int wire_type);
  void raw_varint(uint64_t value);

  std::string out_;
};

}  // namespace glint::tblog
