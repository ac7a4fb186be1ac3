#include "data/batch_loader.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>
#include <vector>

#include "support/data/data_source_testing.h"

namespace glint::train {
namespace {

using testing::DataFixture;
using testing::kAllKinds;
using testing::pattern_pair;

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), int64_t{0});
  return v;
}

std::vector<Batch> run_epoch(BatchLoader& loader, int64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<Batch> out;
  while (auto b = loader.next()) out.push_back(std::move(*b));
  return out;
}

void expect_same(const std::vector<Batch>& a, const std::vector<Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i].images, b[i].images)) << "batch " << i;
    EXPECT_TRUE(torch::equal(a[i].heatmaps, b[i].heatmaps)) << "batch " << i;
    EXPECT_TRUE(torch::equal(a[i].indices, b[i].indices)) << "batch " << i;
  }
}

TEST(SplitIndicesTest, IsDeterministicDisjointAndComplete) {
  Split a = split_indices(100, 0.2, 42);
  Split b = split_indices(100, 0.2, 42);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.val.size(), 20u);
  std::vector<int64_t> all = a.train;
  all.insert(all.end(), a.val.begin(), a.val.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, iota(100));
  EXPECT_TRUE(std::is_sorted(a.val.begin(), a.val.end()));
  EXPECT_NE(split_indices(100, 0.2, 43).val, a.val);
}

TEST(SplitIndicesTest, KeepsOneTrainingSampleAndRejectsBadFractions) {
  EXPECT_EQ(split_indices(3, 0.9, 1).train.size(), 1u);
  EXPECT_EQ(split_indices(10, 0.0, 1).val.size(), 0u);
  try {
    split_indices(10, 1.0, 1);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "validation fraction must be in [0, 1), got 1.000000");
  }
}

TEST(ShuffleTest, IsAPermutationThatChangesWithTheEpoch) {
  const auto e0 = shuffled(iota(50), 7, 0);
  const auto e1 = shuffled(iota(50), 7, 1);
  EXPECT_EQ(e0, shuffled(iota(50), 7, 0));
  EXPECT_NE(e0, e1);
  EXPECT_NE(e0, iota(50));
  auto sorted = e0;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, iota(50));
}

TEST(BatchLoaderTest, BatchesAreIdenticalForEveryWorkerCountAndSource) {
  DataFixture fx(pattern_pair(37, 2, 3, 12, 10));
  LoaderOptions base;
  base.batch = 5;
  base.seed = 11;
  base.augment = true;
  base.augment_options.max_shift = 3;
  const std::vector<int64_t> subset = split_indices(37, 0.1, 5).train;  // 33 samples, 7 batches

  std::vector<std::vector<Batch>> reference;
  for (SourceKind kind : kAllKinds) {
    std::shared_ptr<const SampleSource> source = make_source(fx.options(kind));
    for (int workers : {0, 1, 2, 4}) {
      SCOPED_TRACE(std::string(source_kind_name(kind)) + " workers=" + std::to_string(workers));
      LoaderOptions o = base;
      o.num_workers = workers;
      o.prefetch = workers == 2 ? 1 : 3;
      BatchLoader loader(source, subset, o);
      ASSERT_EQ(loader.batches_per_epoch(), 7);
      for (int64_t epoch = 0; epoch < 2; ++epoch) {
        std::vector<Batch> batches = run_epoch(loader, epoch);
        if (reference.size() <= static_cast<size_t>(epoch)) {
          reference.push_back(std::move(batches));
        } else {
          expect_same(batches, reference[static_cast<size_t>(epoch)]);
        }
      }
      EXPECT_EQ(loader.stats().batches, 7);
    }
  }
  // The order is the documented shuffle, and epochs differ.
  std::vector<int64_t> order;
  for (const Batch& b : reference[0]) {
    auto idx = b.indices.accessor<int64_t, 1>();
    for (int64_t i = 0; i < idx.size(0); ++i) order.push_back(idx[i]);
  }
  EXPECT_EQ(order, shuffled(subset, 11, 0));
  EXPECT_FALSE(torch::equal(reference[0][0].indices, reference[1][0].indices));
}

TEST(BatchLoaderTest, WithoutShuffleOrAugmentBatchesAreTheRowsInOrder) {
  DataFixture fx(pattern_pair(10, 1, 1, 4, 4));
  std::shared_ptr<const SampleSource> source = make_source(fx.options(SourceKind::kPreload));
  LoaderOptions o{.batch = 4, .num_workers = 2, .shuffle = false, .drop_last = true};
  BatchLoader loader(source, iota(10), o);
  std::vector<Batch> batches = run_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 2u);  // the last 2 samples are dropped
  EXPECT_TRUE(torch::equal(batches[1].indices, torch::arange(4, 8, torch::kInt64)));
  Batch direct = gather_batch(*source, std::vector<int64_t>{4, 5, 6, 7}, GatherOptions{});
  EXPECT_TRUE(torch::equal(batches[1].images, direct.images));
  EXPECT_TRUE(torch::equal(batches[1].heatmaps, direct.heatmaps));
}

TEST(BatchLoaderTest, RestartingAnEpochMidwayGivesThatEpochFromItsStart) {
  DataFixture fx(pattern_pair(20, 1, 1, 4, 4));
  std::shared_ptr<const SampleSource> source = make_source(fx.options(SourceKind::kShared));
  LoaderOptions o{.batch = 3, .num_workers = 2, .prefetch = 2};
  BatchLoader fresh(source, iota(20), o);
  const std::vector<Batch> expected = run_epoch(fresh, 1);

  BatchLoader loader(source, iota(20), o);
  loader.start_epoch(0);
  ASSERT_TRUE(loader.next().has_value());
  expect_same(run_epoch(loader, 1), expected);
}

TEST(BatchLoaderTest, AugmentationKeepsTheHeatmapPeakOnTheBrightestPixel) {
  // Sample i has one bright pixel at a place depending on i, away from the
  // border so that shifts never push it out, and a heatmap peak there.
  const hsize_t n = 24, h = 20, w = 16;
  auto images = glint::testing::pattern_dataset("images", H5T_NATIVE_UINT8, {n, 1, h, w});
  auto heatmaps = glint::testing::pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {n, 2, h, w});
  std::vector<float> hm(n * 2 * h * w, 0.0f);
  for (hsize_t i = 0; i < n; ++i) {
    const hsize_t y = 5 + i % 9, x = 5 + (i * 7) % 6;
    for (hsize_t p = 0; p < h * w; ++p) images.bytes[i * h * w + p] %= 100;
    images.bytes[i * h * w + y * w + x] = 255;
    for (hsize_t c = 0; c < 2; ++c) hm[(i * 2 + c) * h * w + y * w + x] = 1.0f + static_cast<float>(c);
  }
  std::memcpy(heatmaps.bytes.data(), hm.data(), hm.size() * sizeof(float));
  DataFixture fx({images, heatmaps});
  std::shared_ptr<const SampleSource> source = make_source(fx.options(SourceKind::kStream));
  LoaderOptions o{.batch = 5, .num_workers = 2, .seed = 3, .augment = true};
  BatchLoader loader(source, iota(n), o);
  int moved = 0;
  for (const Batch& b : run_epoch(loader, 0)) {
    for (int64_t j = 0; j < b.images.size(0); ++j) {
      const int64_t row = b.indices[j].item<int64_t>();
      const int64_t bright = b.images[j][0].argmax().item<int64_t>();
      EXPECT_EQ(b.heatmaps[j][0].argmax().item<int64_t>(), bright) << "row " << row;
      EXPECT_EQ(b.heatmaps[j][1].argmax().item<int64_t>(), bright) << "row " << row;
      const int64_t original = (5 + row % 9) * static_cast<int64_t>(w) + 5 + (row * 7) % 6;
      if (bright != original) ++moved;
    }
  }
  EXPECT_GT(moved, static_cast<int>(n) / 2);
}

TEST(BatchLoaderTest, RejectsBadOptionsWithOneLine) {
  DataFixture fx(pattern_pair(4, 1, 1, 2, 2));
  std::shared_ptr<const SampleSource> source = make_source(fx.options(SourceKind::kPreload));
  auto error = [&](std::vector<int64_t> idx, LoaderOptions o) -> std::string {
    try {
      BatchLoader loader(source, std::move(idx), o);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(error(iota(4), LoaderOptions{.batch = 0}), "batch size must be at least 1, got 0");
  EXPECT_EQ(error(iota(4), LoaderOptions{.num_workers = -1}),
            "number of loader workers must be >= 0, got -1");
  EXPECT_EQ(error({0, 4}, LoaderOptions{}), "sample index 4 is outside the source's [0, 4)");
}

TEST(BatchLoaderTest, NextBeforeStartAndAfterTheEpochIsEmpty) {
  DataFixture fx(pattern_pair(4, 1, 1, 2, 2));
  std::shared_ptr<const SampleSource> source = make_source(fx.options(SourceKind::kPreload));
  BatchLoader loader(source, iota(4), LoaderOptions{.batch = 3});
  EXPECT_FALSE(loader.next().has_value());
  EXPECT_EQ(run_epoch(loader, 0).size(), 2u);
  EXPECT_FALSE(loader.next().has_value());
  const LoaderStats stats = loader.stats();
  EXPECT_EQ(stats.batches, 2);
  EXPECT_GE(stats.wait_seconds, stats.max_wait_seconds);
  EXPECT_GE(stats.max_wait_seconds, 0.0);
}

}  // namespace
}  // namespace glint::train
