#include "data/data_source.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "data/data_source_gather.h"
#include "support/data/data_source_testing.h"

namespace glint::train {
namespace {

using glint::testing::FixtureDataset;
using glint::testing::pattern_dataset;
using testing::DataFixture;
using testing::kAllKinds;
using testing::pattern_pair;

std::vector<std::byte> row_bytes(const SampleSource& s, Field f, int64_t i) {
  std::vector<std::byte> out(s.shape().field(f).row_bytes());
  s.read_row(f, i, out.data());
  return out;
}

std::string error_of(const SourceOptions& o) {
  try {
    make_source(o);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DataSourceTest, EveryKindReturnsTheFileRows) {
  const auto datasets = pattern_pair(7, 2, 3, 5, 4);
  DataFixture fx(datasets);
  for (SourceKind kind : kAllKinds) {
    SCOPED_TRACE(source_kind_name(kind));
    auto source = make_source(fx.options(kind));
    EXPECT_EQ(source->kind(), kind);
    ASSERT_EQ(source->size(), 7);
    const SourceShape& s = source->shape();
    EXPECT_EQ(s.images.dataset, "/images");
    EXPECT_EQ(s.images.dtype, DType::kUInt8);
    EXPECT_EQ(s.images.channels, 2);
    EXPECT_EQ(s.heatmaps.dtype, DType::kFloat32);
    EXPECT_EQ(s.heatmaps.channels, 3);
    EXPECT_EQ(s.heatmaps.height, 5);
    EXPECT_EQ(s.heatmaps.width, 4);
    for (int64_t i = 0; i < 7; ++i) {
      auto img = row_bytes(*source, Field::kImages, i);
      auto hm = row_bytes(*source, Field::kHeatmaps, i);
      EXPECT_EQ(std::memcmp(img.data(), datasets[0].bytes.data() + i * 40, 40), 0) << i;
      EXPECT_EQ(std::memcmp(hm.data(), datasets[1].bytes.data() + i * 240, 240), 0) << i;
    }
    EXPECT_EQ(source->row_ptr(Field::kImages, 0) == nullptr, kind == SourceKind::kStream);
  }
}

TEST(DataSourceTest, RankThreeDatasetsHaveOneChannel) {
  DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT16, {4, 6, 8}),
                  pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {4, 6, 8})});
  auto source = make_source(fx.options(SourceKind::kPreload));
  EXPECT_EQ(source->shape().images.channels, 1);
  EXPECT_EQ(source->shape().images.height, 6);
  EXPECT_EQ(source->shape().heatmaps.channels, 1);
  Batch b = gather_batch(*source, std::vector<int64_t>{3, 0}, GatherOptions{});
  EXPECT_EQ(b.images.sizes(), (torch::IntArrayRef{2, 1, 6, 8}));
  EXPECT_EQ(b.heatmaps.sizes(), (torch::IntArrayRef{2, 1, 6, 8}));
}

TEST(DataSourceTest, GatherScalesImagesAndConvertsHalfHeatmaps) {
  const hid_t half = testing::make_half_type();
  auto images = pattern_dataset("images", H5T_NATIVE_UINT8, {3, 1, 4, 4});
  auto heatmaps = pattern_dataset("heatmaps", half, {3, 2, 4, 4});
  DataFixture fx({images, heatmaps});
  H5Tclose(half);
  for (SourceKind kind : kAllKinds) {
    SCOPED_TRACE(source_kind_name(kind));
    auto source = make_source(fx.options(kind));
    ASSERT_EQ(source->shape().heatmaps.dtype, DType::kFloat16);
    Batch b = gather_batch(*source, std::vector<int64_t>{2, 1}, GatherOptions{});
    auto raw_img = torch::from_blob(images.bytes.data(), {3, 1, 4, 4}, torch::kUInt8);
    auto raw_hm = torch::from_blob(heatmaps.bytes.data(), {3, 2, 4, 4}, torch::kHalf);
    auto rows = torch::tensor({2, 1}, torch::kInt64);
    EXPECT_TRUE(torch::equal(b.images, raw_img.index_select(0, rows).to(torch::kFloat) / 255.0f));
    EXPECT_TRUE(torch::equal(b.heatmaps, raw_hm.index_select(0, rows).to(torch::kFloat)));
    EXPECT_TRUE(torch::equal(b.indices, rows));
    EXPECT_EQ(b.images.scalar_type(), torch::kFloat);
  }
}

TEST(DataSourceTest, GatherRejectsAnIndexOutsideTheSource) {
  DataFixture fx(pattern_pair(3, 1, 1, 2, 2));
  auto source = make_source(fx.options(SourceKind::kPreload));
  try {
    gather_batch(*source, std::vector<int64_t>{0, 3}, GatherOptions{});
    FAIL() << "no error";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "sample index 3 is outside [0, 3)");
  }
}

TEST(DataSourceTest, MissingDatasetNamesTheFileAndListsTheDatasets) {
  DataFixture fx(pattern_pair(3, 1, 1, 2, 2));
  SourceOptions o = fx.options(SourceKind::kShared);
  o.heatmaps = "heatmap";
  const std::string msg = error_of(o);
  EXPECT_NE(msg.find("heatmaps dataset 'heatmap' not found in " + fx.h5()), std::string::npos) << msg;
  EXPECT_NE(msg.find("/heatmaps [3, 1, 2, 2]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/images [3, 1, 2, 2]"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

TEST(DataSourceTest, MissingFileIsNamed) {
  DataFixture fx(pattern_pair(3, 1, 1, 2, 2));
  SourceOptions o = fx.options(SourceKind::kPreload);
  o.h5_path = fx.h5() + ".missing";
  const std::string msg = error_of(o);
  EXPECT_NE(msg.find("cannot open training data"), std::string::npos) << msg;
  EXPECT_NE(msg.find(o.h5_path), std::string::npos) << msg;
}

TEST(DataSourceTest, DifferentSampleCountsAreRejected) {
  DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT8, {10, 8, 8}),
                  pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {9, 8, 8})});
  EXPECT_EQ(error_of(fx.options(SourceKind::kShared)),
            "images '/images' have 10 samples but heatmaps '/heatmaps' have 9 in " + fx.h5() +
                "; every image needs exactly one heatmap row");
}

TEST(DataSourceTest, DifferentHeightOrWidthIsRejected) {
  DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT8, {4, 1, 8, 8}),
                  pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {4, 1, 8, 4})});
  EXPECT_EQ(error_of(fx.options(SourceKind::kPreload)),
            "images '/images' are [4, 1, 8, 8] but heatmaps '/heatmaps' are [4, 1, 8, 4] in " +
                fx.h5() + "; heatmaps must have the images' height and width");
}

TEST(DataSourceTest, WrongRankIsRejected) {
  DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT8, {4, 64}),
                  pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {4, 8, 8}),
                  pattern_dataset("flat", H5T_NATIVE_FLOAT, {4, 64})});
  EXPECT_EQ(error_of(fx.options(SourceKind::kStream)),
            "images dataset '/images' of " + fx.h5() +
                " has shape [4, 64] (rank 2); images must be [N, H, W] or [N, C, H, W]");
  SourceOptions o = fx.options(SourceKind::kStream);
  o.images = "heatmaps";
  o.heatmaps = "flat";
  EXPECT_EQ(error_of(o), "heatmaps dataset '/flat' of " + fx.h5() +
                             " has shape [4, 64] (rank 2); heatmaps must be [N, H, W] or [N, K, H, W]");
}

TEST(DataSourceTest, ZeroSamplesAreRejected) {
  DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT8, {0, 8, 8}),
                  pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {0, 8, 8})});
  EXPECT_EQ(error_of(fx.options(SourceKind::kShared)),
            "images '/images' and heatmaps '/heatmaps' of " + fx.h5() +
                " hold no samples (N = 0): nothing to train on");
}

TEST(DataSourceTest, CheckSourceDescribesWithoutCreatingSegments) {
  DataFixture fx(pattern_pair(5, 2, 1, 6, 4));
  const SourceOptions o = fx.options(SourceKind::kShared);
  const SourceShape shape = check_source(o);
  EXPECT_EQ(shape.samples, 5);
  EXPECT_EQ(shape.images.row_bytes(), 48u);
  EXPECT_EQ(shape.heatmaps.row_bytes(), 96u);
  EXPECT_TRUE(std::filesystem::is_empty(o.cache.shm_dir));
  make_source(o);
  EXPECT_FALSE(std::filesystem::is_empty(o.cache.shm_dir));  // the check above could fail
}

TEST(DataSourceTest, SourceKindNamesRoundTrip) {
  for (SourceKind kind : kAllKinds) EXPECT_EQ(parse_source_kind(source_kind_name(kind)), kind);
  EXPECT_EQ(parse_source_kind("mmap"), std::nullopt);
}

}  // namespace
}  // namespace glint::train
