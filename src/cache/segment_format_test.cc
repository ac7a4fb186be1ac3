#include <gtest/gtest.h>

#include <cstring>

#include "glint/segment_format.h"

namespace glint {
namespace {

const std::string kMd5 = "0123456789abcdef0123456789abcdef";

TEST(SegmentNameTest, PlainDatasetKeepsItsName) {
  auto name = segment_name(kMd5, "images");
  ASSERT_TRUE(name.ok()) << name.status().message();
  EXPECT_EQ(*name, "glint_" + kMd5 + "_images");
  EXPECT_EQ(*segment_name(kMd5, "/images"), *name);
}

TEST(SegmentNameTest, GroupsAndDotsAreEncodedAndRoundTrip) {
  for (std::string ds : {"/train/images", "/v1.0/x y", "/a%2Fb", "/a/b_c-d", "/\xc3\xa9t\xc3\xa9"}) {
    auto name = segment_name(kMd5, ds);
    ASSERT_TRUE(name.ok()) << ds << ": " << name.status().message();
    EXPECT_EQ(name->find('/'), std::string::npos);
    EXPECT_EQ(name->find('.'), std::string::npos);
    auto back = parse_segment_name(*name);
    ASSERT_TRUE(back.ok()) << *name;
    EXPECT_EQ(back->dataset, ds);
    EXPECT_EQ(back->md5, kMd5);
  }
  EXPECT_EQ(*segment_name(kMd5, "/train/images"), "glint_" + kMd5 + "_train%2Fimages");
}

TEST(SegmentNameTest, DistinctDatasetsNeverShareAName) {
  EXPECT_NE(*segment_name(kMd5, "/a/b"), *segment_name(kMd5, "/a%2Fb"));
  EXPECT_NE(*segment_name(kMd5, "/a.b"), *segment_name(kMd5, "/a%2Eb"));
}

TEST(SegmentNameTest, RejectsNamesThatCouldEscapeOrCollide) {
  struct Case {
    std::string dataset, fragment;
  } cases[] = {{"", "empty"},          {"/", "empty"},
               {"/a/../b", "'..'"},    {"/..", "'..'"},
               {"/a//b", "empty path component"},
               {"/a/./b", "'.'"},      {std::string("/a\nb"), "control character"},
               {std::string(300, 'x'), "exceeds"}};
  for (const auto& c : cases) {
    auto name = segment_name(kMd5, c.dataset);
    ASSERT_FALSE(name.ok()) << c.dataset;
    EXPECT_EQ(name.status().code(), Code::kInvalidArgument);
    EXPECT_NE(name.status().message().find(c.fragment), std::string::npos) << name.status().message();
  }
  EXPECT_FALSE(segment_name("ABCDEF", "images").ok());
  EXPECT_FALSE(segment_name(std::string(32, 'A'), "images").ok());
}

TEST(SegmentNameTest, LockFilesAndForeignNamesAreNotSegments) {
  std::string seg = *segment_name(kMd5, "images");
  EXPECT_FALSE(parse_segment_name(seg + std::string(kLockSuffix)).ok());
  EXPECT_FALSE(parse_segment_name("glint_xyz_images").ok());
  EXPECT_FALSE(parse_segment_name("other_" + kMd5 + "_images").ok());
  EXPECT_FALSE(parse_segment_name("glint_" + kMd5 + "_a%2fb").ok());  // non-canonical hex
}

std::vector<uint8_t> segment_bytes(DType dtype, std::vector<uint64_t> shape, uint32_t trailer) {
  auto h = make_header(dtype, shape, trailer);
  EXPECT_TRUE(h.ok());
  std::vector<uint8_t> bytes(kSegmentHeaderBytes + h->payload_bytes + trailer);
  std::memcpy(bytes.data(), &*h, sizeof *h);
  return bytes;
}

TEST(SegmentHeaderTest, RoundTripsEveryDtype) {
  for (int d = 0; d <= static_cast<int>(DType::kFloat64); ++d) {
    DType dtype = static_cast<DType>(d);
    auto bytes = segment_bytes(dtype, {3, 5, 7}, 11);
    auto layout = parse_header(bytes.data(), bytes.size(), bytes.size(), "test");
    ASSERT_TRUE(layout.ok()) << dtype_name(dtype) << ": " << layout.status().message();
    EXPECT_EQ(layout->dtype, dtype);
    EXPECT_EQ(layout->shape, (std::vector<uint64_t>{3, 5, 7}));
    EXPECT_EQ(layout->payload_bytes, 105 * dtype_size(dtype));
    EXPECT_EQ(layout->trailer_bytes, 11u);
  }
}

TEST(SegmentHeaderTest, RankAboveFourIsUnsupported) {
  auto h = make_header(DType::kUInt8, {1, 2, 3, 4, 5}, 0);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Code::kUnsupported);
  EXPECT_NE(h.status().message().find("rank 5"), std::string::npos);
}

TEST(SegmentHeaderTest, RejectsEachKindOfDamage) {
  auto good = segment_bytes(DType::kFloat32, {2, 4}, 3);
  struct Case {
    const char* name;
    void (*damage)(std::vector<uint8_t>&);
    const char* fragment;
  } cases[] = {
      {"magic", [](auto& b) { b[0] = 'X'; }, "wrong magic"},
      {"version", [](auto& b) { b[8] = 9; }, "format version"},
      {"rank", [](auto& b) { b[10] = 7; }, "rank"},
      {"typestr", [](auto& b) { b[13] = 'q'; }, "unknown dtype"},
      {"payload", [](auto& b) { b[16] ^= 1; }, "shape and dtype"},
      {"shape", [](auto& b) { b[24] = 3; }, "shape and dtype"},
      {"unused dim", [](auto& b) { b[48] = 1; }, "unused shape"},
      {"trailer", [](auto& b) { b[56] = 9; }, "describes"},
      {"truncated", [](auto& b) { b.resize(b.size() - 1); }, "describes"},
      {"tiny", [](auto& b) { b.resize(10); }, "less than the 64-byte header"},
  };
  for (const auto& c : cases) {
    auto bytes = good;
    c.damage(bytes);
    auto layout = parse_header(bytes.data(), bytes.size(), bytes.size(), "seg");
    ASSERT_FALSE(layout.ok()) << c.name;
    EXPECT_EQ(layout.status().code(), Code::kCorrupt) << c.name;
    EXPECT_NE(layout.status().message().find(c.fragment), std::string::npos)
        << c.name << ": " << layout.status().message();
  }
}

TEST(SegmentHeaderTest, VersionTwoCarriesTheChecksumAndVersionOneNone) {
  auto good = segment_bytes(DType::kFloat32, {2, 4}, 3);
  RawSegmentHeader h;
  std::memcpy(&h, good.data(), sizeof h);
  EXPECT_EQ(h.version, kSegmentFormatVersionNoChecksum);
  set_checksum(h, 0xdeadbeef);
  auto v2 = good;
  std::memcpy(v2.data(), &h, sizeof h);
  EXPECT_EQ(v2[8], 2);
  EXPECT_EQ(v2[11], kSegmentFlagChecksum);
  auto layout = parse_header(v2.data(), v2.size(), v2.size(), "seg");
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_TRUE(layout->has_checksum);
  EXPECT_EQ(layout->crc32, 0xdeadbeefu);
  auto v1 = parse_header(good.data(), good.size(), good.size(), "seg");
  ASSERT_TRUE(v1.ok());
  EXPECT_FALSE(v1->has_checksum);
  struct Case {
    const char* name;
    void (*damage)(std::vector<uint8_t>&);
    const char* fragment;
  } cases[] = {
      {"flag in version 1", [](auto& b) { b[8] = 1; }, "reserved fields"},
      {"version 2 without the flag", [](auto& b) { b[11] = 0; }, "format version 2 without its checksum flag"},
      {"other flag bits", [](auto& b) { b[11] = 3; }, "reserved fields"},
  };
  for (const auto& c : cases) {
    auto bytes = v2;
    c.damage(bytes);
    auto bad = parse_header(bytes.data(), bytes.size(), bytes.size(), "seg");
    ASSERT_FALSE(bad.ok()) << c.name;
    EXPECT_NE(bad.status().message().find(c.fragment), std::string::npos) << c.name << ": " << bad.status().message();
  }
}

TEST(SegmentHeaderTest, HugeShapesDoNotOverflow) {
  auto bytes = segment_bytes(DType::kUInt8, {2}, 0);
  uint64_t big = ~uint64_t{0} / 2 + 1;
  std::memcpy(bytes.data() + 24, &big, 8);
  std::memcpy(bytes.data() + 32, &big, 8);
  bytes[10] = 2;
  EXPECT_FALSE(parse_header(bytes.data(), bytes.size(), bytes.size(), "seg").ok());
}

TEST(SegmentTrailerTest, RoundTripsAndRejectsGarbage) {
  SegmentTrailer t;
  t.source_path = "/data/train.h5";
  t.dataset = "/images";
  t.md5 = kMd5;
  t.source_size = 123;
  t.source_mtime_ns = -5;
  t.creator_pid = 42;
  auto back = parse_trailer(serialize_trailer(t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->source_path, t.source_path);
  EXPECT_EQ(back->source_size, 123u);
  EXPECT_EQ(back->source_mtime_ns, -5);
  EXPECT_EQ(back->creator_pid, 42);
  EXPECT_FALSE(parse_trailer("{not json").ok());
  EXPECT_FALSE(parse_trailer("[1,2]").ok());
}

}  // namespace
}  // namespace glint
