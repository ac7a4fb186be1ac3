#include "tblog/proto_encoder.h"

#include <gtest/gtest.h>

namespace glint::tblog {
namespace {

// Byte strings from the protocol buffers encoding guide and protoc output.
TEST(ProtoEncoderTest, WritesTagsAndValuesInWireFormat) {
  EXPECT_EQ(ProtoEncoder().varint(1, 150).data(), "\x08\x96\x01");
  EXPECT_EQ(ProtoEncoder().bytes(2, "testing").data(), "\x12\x07testing");
  EXPECT_EQ(ProtoEncoder().boolean(4, false).data(), std::string("\x20\x00", 2));
  EXPECT_EQ(ProtoEncoder().int64(2, -1).data(), "\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
  EXPECT_EQ(ProtoEncoder().float32(2, 1.0f).data(), std::string("\x15\x00\x00\x80\x3f", 5));
  EXPECT_EQ(ProtoEncoder().float64(1, 2.0).data(), std::string("\x09\0\0\0\0\0\0\0\x40", 9));
  EXPECT_EQ(ProtoEncoder().varint(16, 1).data(), "\x80\x01\x01");  // field 16 needs a two-byte tag
}

TEST(ProtoEncoderTest, EmbedsAMessageAsLengthDelimitedBytes) {
  ProtoEncoder inner;
  inner.varint(1, 150);
  EXPECT_EQ(ProtoEncoder().message(3, inner).data(), "\x1a\x03\x08\x96\x01");
}

}  // namespace
}  // namespace glint::tblog
