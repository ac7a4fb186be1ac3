#include "tblog/record_file.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include "support/temp_dir.h"
#include "tblog/crc32c.h"

namespace glint::tblog {
namespace {

using glint::testing::TempDir;

uint64_t read_le(const std::string& bytes, size_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(bytes[at + i]);
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses framed records back, checking both CRCs; fails on any mismatch.
std::vector<std::string> parse_records(const std::string& bytes) {
  std::vector<std::string> records;
  size_t at = 0;
  while (at < bytes.size()) {
    EXPECT_GE(bytes.size() - at, 16u);
    const uint64_t n = read_le(bytes, at, 8);
    EXPECT_EQ(read_le(bytes, at + 8, 4), mask_crc(crc32c(bytes.substr(at, 8))));
    const std::string data = bytes.substr(at + 12, n);
    EXPECT_EQ(read_le(bytes, at + 12 + n, 4), mask_crc(crc32c(data)));
    records.push_back(data);
    at += 16 + n;
  }
  return records;
}

TEST(RecordFileTest, FrameIsLengthCrcDataCrc) {
  const std::string framed = frame_record("hello");
  ASSERT_EQ(framed.size(), 5u + 16u);
  EXPECT_EQ(framed.substr(0, 8), std::string("\x05\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(read_le(framed, 8, 4), 0x3E04B2EAu);  // tensorboard's masked_crc32c of those 8 bytes
  EXPECT_EQ(framed.substr(12, 5), "hello");
  EXPECT_EQ(read_le(framed, 17, 4), mask_crc(crc32c("hello")));
  EXPECT_EQ(frame_record("").size(), 16u);
}

TEST(RecordFileTest, RecordsReachTheFileOnlyWhenFlushedOrTheBufferFills) {
  TempDir dir;
  const std::string path = dir.file("records");
  RecordFile file(path, /*buffer_bytes=*/100);
  ASSERT_TRUE(file.ok()) << file.error();
  file.append("a");
  file.append(std::string(30, 'b'));
  EXPECT_EQ(read_file(path), "") << "written before a flush";
  file.flush();
  EXPECT_EQ(parse_records(read_file(path)), (std::vector<std::string>{"a", std::string(30, 'b')}));
  file.append(std::string(90, 'c'));  // 106 bytes framed: over the buffer size
  EXPECT_EQ(parse_records(read_file(path)).size(), 3u);
}

TEST(RecordFileTest, DestructionFlushes) {
  TempDir dir;
  { RecordFile(dir.file("r"), 1 << 20).append("last words"); }
  EXPECT_EQ(parse_records(read_file(dir.file("r"))), std::vector<std::string>{"last words"});
}

TEST(RecordFileTest, AnExistingFileIsNeverOverwritten) {
  TempDir dir;
  std::ofstream(dir.file("taken")) << "mine";
  RecordFile file(dir.file("taken"), 16);
  EXPECT_FALSE(file.ok());
  EXPECT_EQ(file.error(), "cannot create " + dir.file("taken") + ": File exists");
  file.append("x");
  file.flush();
  EXPECT_EQ(read_file(dir.file("taken")), "mine");
}

}  // namespace
}  // namespace glint::tblog
