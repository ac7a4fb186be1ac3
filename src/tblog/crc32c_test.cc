#include "tblog/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace glint::tblog {
namespace {

TEST(Crc32cTest, MatchesTheCheckValueAndRfc3720Vectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
}

// Expected values from tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
TEST(Crc32cTest, MaskIsTensorFlowsRotateAndAdd) {
  EXPECT_EQ(mask_crc(crc32c("123456789")), 0xC78AB0E5u);
  EXPECT_EQ(mask_crc(0), 0xA282EAD8u);
  EXPECT_EQ(mask_crc(crc32c(std::string("\x05\0\0\0\0\0\0\0", 8))), 0x3E04B2EAu);
}

}  // namespace
}  // namespace glint::tblog
