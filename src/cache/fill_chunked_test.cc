// Chunked datasets decoded in parallel without HDF5, checked against the
// bytes written through HDF5, and the layouts that must fall back to it.
#include "fill_chunked.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "glint/cache.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

using testing::FixtureDataset;
using testing::pattern_dataset;
using testing::write_h5;

FixtureDataset chunked(const std::string& name, hid_t type, std::vector<hsize_t> shape, std::vector<hsize_t> chunk,
                       bool shuffle, int deflate) {
  FixtureDataset d = pattern_dataset(name, type, std::move(shape), static_cast<uint32_t>(name.size()));
  // Compressible: repeat short runs so deflate has something to find.
  for (size_t i = 0; i < d.bytes.size(); ++i) d.bytes[i] = d.bytes[i / 7 * 7];
  if (H5Tget_class(type) == H5T_FLOAT) {
    size_t es = H5Tget_size(type);
    for (size_t i = es - 1; i < d.bytes.size(); i += es) d.bytes[i] &= 0x3f;
  }
  d.chunk = std::move(chunk);
  d.shuffle = shuffle;
  d.deflate = deflate;
  return d;
}

class FillChunkedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = tmp_.file("chunked.h5");
    options_.shm_dir = shm_.path();
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
  }

  DatasetInfo info_of(const std::string& name) {
    auto src = H5Source::open(h5_);
    EXPECT_TRUE(src.ok()) << src.status().message();
    auto i = (*src)->info(name);
    EXPECT_TRUE(i.ok()) << i.status().message();
    return *i;
  }

  size_t shm_entries() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(shm_.path()),
                                             std::filesystem::directory_iterator()));
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_;
  CacheOptions options_;
};

TEST_F(FillChunkedTest, EveryFilterCombinationRankAndEdgeChunkDecodesToTheWrittenBytes) {
  std::vector<FixtureDataset> sets = {
      chunked("rows_shuffle_deflate", H5T_NATIVE_FLOAT, {10, 6, 5}, {1, 6, 5}, true, 4),
      chunked("rows_deflate", H5T_NATIVE_UINT16, {9, 4, 4}, {2, 4, 4}, false, 1),  // last chunk half outside
      chunked("rows_shuffle", H5T_NATIVE_INT64, {5, 3}, {2, 3}, true, -1),
      chunked("plain_chunks", H5T_NATIVE_UINT8, {7, 9}, {3, 4}, false, -1),
      chunked("rank1", H5T_NATIVE_DOUBLE, {1001}, {64}, true, 9),
      chunked("tiles_rank4", H5T_NATIVE_INT16, {3, 5, 7, 6}, {2, 2, 3, 4}, true, 2),
      chunked("one_chunk", H5T_NATIVE_INT32, {4, 4}, {4, 4}, false, 6),
      chunked("bytes_shuffle", H5T_NATIVE_UINT8, {6, 10}, {2, 10}, true, 3),
  };
  write_h5(h5_, sets);
  for (const auto& s : sets) {
    auto layout = read_chunk_layout(h5_, info_of(s.name));
    ASSERT_TRUE(layout.ok()) << s.name << ": " << layout.status().message();
    EXPECT_EQ(layout->filters.size(), (s.shuffle ? 1u : 0u) + (s.deflate >= 0 ? 1u : 0u)) << s.name;
    auto ds = open_shared(h5_, {s.name}, options_);
    ASSERT_TRUE(ds.ok()) << s.name << ": " << ds.status().message();
    ASSERT_EQ((*ds)[0].bytes(), s.bytes.size()) << s.name;
    EXPECT_EQ(0, std::memcmp((*ds)[0].data(), s.bytes.data(), s.bytes.size())) << s.name;
  }
}

TEST_F(FillChunkedTest, LayoutsItCannotDecodeAreNamedAndStillLoadThroughHdf5) {
  FixtureDataset checksummed = chunked("checksummed", H5T_NATIVE_FLOAT, {6, 4}, {2, 4}, true, 3);
  checksummed.fletcher32 = true;
  FixtureDataset unwritten = chunked("unwritten", H5T_NATIVE_INT32, {6, 4}, {2, 4}, false, 3);
  unwritten.write_data = false;
  FixtureDataset big_endian = chunked("big_endian", H5T_STD_I32BE, {6, 4}, {2, 4}, false, 3);
  FixtureDataset contiguous = pattern_dataset("contiguous", H5T_NATIVE_UINT8, {6, 4});
  write_h5(h5_, {checksummed, unwritten, big_endian, contiguous});
  struct Case {
    std::string name, reason;
  } cases[] = {{"checksummed", "filter 3 is decoded by HDF5 only"},
               {"unwritten", "never written"},
               {"big_endian", "another type or byte order than int32"},
               {"contiguous", "not chunked"}};
  for (const auto& c : cases) {
    auto layout = read_chunk_layout(h5_, info_of(c.name));
    ASSERT_FALSE(layout.ok()) << c.name;
    EXPECT_EQ(layout.status().code(), Code::kUnsupported) << c.name;
    EXPECT_NE(layout.status().message().find(c.reason), std::string::npos) << layout.status().message();
    EXPECT_NE(layout.status().message().find("'/" + c.name + "'"), std::string::npos) << layout.status().message();
  }
  auto ds = open_shared(h5_, {"checksummed", "unwritten", "big_endian"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(0, std::memcmp((*ds)[0].data(), checksummed.bytes.data(), checksummed.bytes.size()));
  std::vector<uint8_t> zeros(unwritten.bytes.size(), 0);
  EXPECT_EQ(0, std::memcmp((*ds)[1].data(), zeros.data(), zeros.size()));
  // Converted from big endian by HDF5: element 0 read back in native order.
  int32_t first = 0;
  std::memcpy(&first, (*ds)[2].data(), 4);
  const uint8_t* b = big_endian.bytes.data();
  EXPECT_EQ(static_cast<uint32_t>(first), (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]);
}

TEST_F(FillChunkedTest, ChunkSkippedByTheOptionalDeflateIsTakenAsStored) {
  // HDF5 stores a chunk uncompressed (filter mask bit set) when deflate would
  // enlarge it; write one such chunk directly.
  FixtureDataset d = chunked("mixed", H5T_NATIVE_UINT8, {4, 8}, {2, 8}, false, 5);
  write_h5(h5_, {d});
  {
    hid_t file = H5Fopen(h5_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "mixed", H5P_DEFAULT);
    const hsize_t offset[2] = {2, 0};
    std::vector<uint8_t> raw(16, 0xA5);
    ASSERT_GE(H5Dwrite_chunk(ds, H5P_DEFAULT, /*filters=*/1u, offset, raw.size(), raw.data()), 0);
    H5Dclose(ds);
    H5Fclose(file);
    std::memset(d.bytes.data() + 16, 0xA5, 16);
  }
  auto layout = read_chunk_layout(h5_, info_of("mixed"));
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  ASSERT_EQ(layout->chunks.size(), 2u);
  EXPECT_EQ(layout->chunks[0].filter_mask, 0u);
  EXPECT_EQ(layout->chunks[1].filter_mask, 1u);
  auto ds = open_shared(h5_, {"mixed"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(0, std::memcmp((*ds)[0].data(), d.bytes.data(), d.bytes.size()));
}

TEST_F(FillChunkedTest, DamagedChunkFailsTheLoadByNameAndLeavesNoSegment) {
  FixtureDataset d = chunked("images", H5T_NATIVE_FLOAT, {8, 16, 16}, {1, 16, 16}, true, 4);
  write_h5(h5_, {d});
  auto layout = read_chunk_layout(h5_, info_of("images"));
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  const auto& victim = layout->chunks[5];
  {
    std::fstream f(h5_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(victim.file_offset));
    std::string junk(victim.stored_bytes, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kCorrupt);
  EXPECT_NE(ds.status().message().find("loading dataset '/images' of " + h5_ + ": chunk at (5, 0, 0) does not inflate"), std::string::npos)
      << ds.status().message();
  EXPECT_NE(ds.status().message().find("damaged file?"), std::string::npos) << ds.status().message();
  EXPECT_EQ(shm_entries(), 0u);
}

TEST(PlaceChunkTest, EdgeChunkCopiesOnlyTheElementsInsideTheDataset) {
  ChunkLayout layout;
  layout.shape = {3, 5};
  layout.chunk_shape = {2, 4};
  layout.element_bytes = 1;
  ChunkLayout::Chunk corner;
  corner.offset = {2, 4, 0, 0};
  const uint8_t decoded[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<uint8_t> payload(15, 0);
  place_chunk(layout, corner, decoded, payload.data());
  std::vector<uint8_t> want(15, 0);
  want[14] = 1;  // only element (2, 4) is inside
  EXPECT_EQ(payload, want);
}

}  // namespace
}  // namespace glint
