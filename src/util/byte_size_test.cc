#include "util/byte_size.h"

#include <gtest/gtest.h>

namespace glint {
namespace {

TEST(ByteSizeTest, UsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(format_bytes(0), "0.0 MiB");
  EXPECT_EQ(format_bytes(512), "0.5 KiB");
  EXPECT_EQ(format_bytes(100 * 1024 - 1), "100.0 KiB");
  EXPECT_EQ(format_bytes(100 * 1024), "0.1 MiB");
  EXPECT_EQ(format_bytes(256901120), "245.0 MiB");
}

}  // namespace
}  // namespace glint
