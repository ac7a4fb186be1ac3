#include "predict/image_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/temp_dir.h"

namespace glint::predict {
namespace {

using glint::testing::TempDir;

std::string error_of(const std::string& path) {
  try {
    read_gray_image(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ImageFileTest, SixteenBitPngIsReadBackScaledLikeUint16Data) {
  TempDir dir;
  const std::vector<uint16_t> pixels = {0, 1, 256, 65535, 32768, 7};
  ASSERT_EQ(write_gray16_png(dir.file("a.png"), 2, 3, pixels), "");
  const GrayImage g = read_gray_image(dir.file("a.png"));
  ASSERT_EQ(g.height, 2);
  ASSERT_EQ(g.width, 3);
  for (size_t i = 0; i < pixels.size(); ++i) EXPECT_FLOAT_EQ(g.pixels[i], pixels[i] / 65535.0f) << i;
}

TEST(ImageFileTest, PgmOfEightAndSixteenBitsIsRead) {
  TempDir dir;
  {
    std::ofstream f(dir.file("a.pgm"), std::ios::binary);
    f << "P5\n# a comment\n2 1\n255\n" << static_cast<char>(0) << static_cast<char>(255);
  }
  GrayImage g = read_gray_image(dir.file("a.pgm"));
  ASSERT_EQ(g.width, 2);
  EXPECT_FLOAT_EQ(g.pixels[0], 0.0f);
  EXPECT_FLOAT_EQ(g.pixels[1], 1.0f);
  {
    std::ofstream f(dir.file("b.pgm"), std::ios::binary);
    f << "P5 1 1 65535\n" << static_cast<char>(0x80) << static_cast<char>(0x00);  // big-endian
  }
  g = read_gray_image(dir.file("b.pgm"));
  EXPECT_FLOAT_EQ(g.pixels[0], 32768 / 65535.0f);
}

TEST(ImageFileTest, DamagedOrForeignFilesGiveOneLineNamingTheFile) {
  TempDir dir;
  std::ofstream(dir.file("x.jpg")) << "JFIF not really";
  EXPECT_EQ(error_of(dir.file("x.jpg")),
            dir.file("x.jpg") + ": neither PNG nor binary PGM (P5); convert it to a grey PNG");
  ASSERT_EQ(write_gray16_png(dir.file("t.png"), 8, 8, std::vector<uint16_t>(64, 9)), "");
  std::filesystem::resize_file(dir.file("t.png"), 40);
  EXPECT_EQ(error_of(dir.file("t.png")), dir.file("t.png") + ": not a readable PNG (truncated or damaged)");
  std::ofstream(dir.file("short.pgm"), std::ios::binary) << "P5 4 4 255\nab";
  EXPECT_EQ(error_of(dir.file("short.pgm")), dir.file("short.pgm") + ": PGM data ends early (2 of 16 bytes)");
  EXPECT_EQ(error_of(dir.file("none.png")), dir.file("none.png") + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace glint::predict
