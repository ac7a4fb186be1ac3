#include "model/peaks.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace glint::train {
namespace {

// A [K, H, W] map of zeros with a unit Gaussian (sigma 1.5) centred on the
// integer pixel (x, y) of channel k, max-combined with what is there.
void add_gaussian(torch::Tensor& map, int64_t k, double x, double y, double height = 1.0) {
  const auto rows = torch::arange(map.size(1), torch::kFloat).unsqueeze(1);
  const auto cols = torch::arange(map.size(2), torch::kFloat).unsqueeze(0);
  const auto g = height * torch::exp(-((cols - x).pow(2) + (rows - y).pow(2)) / (2 * 1.5 * 1.5));
  map[k] = torch::maximum(map[k], g);
}

TEST(PeaksTest, FindsIntegerCentresExactly) {
  auto map = torch::zeros({1, 16, 16});
  add_gaussian(map, 0, 5, 7);
  add_gaussian(map, 0, 12, 2, 0.8);
  const auto peaks = extract_peaks(map);
  ASSERT_EQ(peaks.size(), 2u);
  EXPECT_DOUBLE_EQ(peaks[0].x, 5);
  EXPECT_DOUBLE_EQ(peaks[0].y, 7);
  EXPECT_FLOAT_EQ(peaks[0].score, 1.0f);
  EXPECT_NEAR(peaks[1].x, 12, 1e-6);  // symmetric window: centroid = centre
  EXPECT_NEAR(peaks[1].y, 2, 1e-6);
  EXPECT_FLOAT_EQ(peaks[1].score, 0.8f);
}

TEST(PeaksTest, RefinesToTheWeightedCentroid) {
  // Window around (4, 4): 1.0 at the centre, 0.5 to its right, zeros
  // elsewhere: x = (4*1 + 5*0.5) / 1.5 = 4.3333, y = 4.
  auto map = torch::zeros({8, 8});
  map[4][4] = 1.0;
  map[4][5] = 0.5;
  const auto refined = extract_peaks(map);
  ASSERT_EQ(refined.size(), 1u);
  EXPECT_NEAR(refined[0].x, 4 + 1.0 / 3.0, 1e-6);
  EXPECT_NEAR(refined[0].y, 4, 1e-9);
  const auto plain = extract_peaks(map, {.threshold = 0.3, .refine = false, .top_k = 32});
  EXPECT_DOUBLE_EQ(plain[0].x, 4);
}

TEST(PeaksTest, ThresholdIsStrictAndBordersWork) {
  auto map = torch::zeros({1, 8, 8});
  map[0][0][0] = 0.3;   // at the threshold: not a peak
  map[0][7][7] = 0.31;  // corner peak, window clipped to 2x2
  const auto peaks = extract_peaks(map);
  ASSERT_EQ(peaks.size(), 1u);
  EXPECT_DOUBLE_EQ(peaks[0].x, 7);
  EXPECT_DOUBLE_EQ(peaks[0].y, 7);
}

TEST(PeaksTest, KeepsTopKPerChannelByScore) {
  auto map = torch::zeros({2, 16, 16});
  add_gaussian(map, 0, 2, 2, 0.7);
  add_gaussian(map, 0, 8, 8, 0.9);
  add_gaussian(map, 0, 13, 3, 0.8);
  add_gaussian(map, 1, 4, 12, 0.6);
  const auto peaks = extract_peaks(map, {.threshold = 0.3, .refine = false, .top_k = 2});
  ASSERT_EQ(peaks.size(), 3u);
  EXPECT_EQ(peaks[0].channel, 0);
  EXPECT_DOUBLE_EQ(peaks[0].x, 8);  // 0.9
  EXPECT_DOUBLE_EQ(peaks[1].x, 13); // 0.8; the 0.7 peak is dropped
  EXPECT_EQ(peaks[2].channel, 1);
  EXPECT_DOUBLE_EQ(peaks[2].y, 12);
}

TEST(PeaksTest, BatchGivesOneListPerImage) {
  auto batch = torch::zeros({2, 1, 8, 8});
  batch[1][0][3][6] = 0.9;
  const auto peaks = extract_batch_peaks(batch);
  ASSERT_EQ(peaks.size(), 2u);
  EXPECT_TRUE(peaks[0].empty());
  ASSERT_EQ(peaks[1].size(), 1u);
  EXPECT_THROW(extract_batch_peaks(torch::zeros({8, 8})), std::invalid_argument);
}

TEST(PeaksTest, GreedyMatchingTakesClosestPairsFirst) {
  // p0 (0,0) and p1 (2,0) are both 1 px from g0 (1,0); p1 is 1.5 px from
  // g1 (3.5,0). Ties go to the lower predicted index: p0-g0, then p1-g1.
  const std::vector<Peak> pred = {{0, 0, 0, 1}, {0, 2, 0, 1}};
  const std::vector<Peak> truth = {{0, 1, 0, 1}, {0, 3.5, 0, 1}};
  const auto m = match_peaks(pred, truth, 3.0);
  ASSERT_EQ(m.pairs.size(), 2u);
  EXPECT_EQ(m.pairs[0].predicted, 0u);
  EXPECT_EQ(m.pairs[0].ground_truth, 0u);
  EXPECT_EQ(m.pairs[1].predicted, 1u);
  EXPECT_EQ(m.pairs[1].ground_truth, 1u);
  EXPECT_DOUBLE_EQ(m.sum_distance, 2.5);
  EXPECT_EQ(m.false_positives, 0);
  EXPECT_EQ(m.missed, 0);
}

TEST(PeaksTest, MatchingRespectsRadiusAndChannel) {
  const std::vector<Peak> pred = {{0, 3, 4, 1}, {1, 10, 10, 1}, {0, 20, 20, 1}};
  const std::vector<Peak> truth = {{0, 0, 0, 1}, {0, 10, 10, 1}, {0, 20, 23.01, 1}};
  // (3,4) is exactly 5 px from (0,0); channel 1 never matches channel 0;
  // (20,20) is 3.01 px from (20,23.01).
  EXPECT_EQ(match_peaks(pred, truth, 5.0).pairs.size(), 2u);
  const auto m = match_peaks(pred, truth, 3.0);
  EXPECT_TRUE(m.pairs.empty());
  EXPECT_EQ(m.false_positives, 3);
  EXPECT_EQ(m.missed, 3);
}

TEST(PeaksTest, MetricsOfAnEpoch) {
  // Image 0: glint at (4,4), predicted 1 px to the right (hit, error 1).
  // Image 1: glint at (10,10) missed; a false detection at (2,12).
  auto target = torch::zeros({2, 1, 16, 16});
  auto probs = torch::zeros({2, 1, 16, 16});
  target[0][0][4][4] = 1.0;
  probs[0][0][4][5] = 0.9;
  target[1][0][10][10] = 1.0;
  probs[1][0][12][2] = 0.6;
  PeakMetrics metrics;
  metrics.add_batch(probs, target);
  const auto s = metrics.summary();
  EXPECT_EQ(s.images, 2);
  EXPECT_EQ(s.ground_truth_peaks, 2);
  EXPECT_EQ(s.predicted_peaks, 2);
  EXPECT_EQ(s.matched, 1);
  EXPECT_DOUBLE_EQ(s.mean_error_px, 1.0);
  EXPECT_DOUBLE_EQ(s.mean_error_all_px, (1.0 + 3.0) / 2);  // a miss costs the radius
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);
  EXPECT_EQ(format_summary(s),
            "err 1.00 px (all 2.00 px) P 0.500 R 0.500 F1 0.500 (gt 2, pred 2, hit 1)");
  metrics.reset();
  EXPECT_EQ(metrics.summary().images, 0);
}

TEST(PeaksTest, EmptyEpochHasDefinedRates) {
  PeakMetrics metrics;
  metrics.add_image({}, {});
  const auto s = metrics.summary();
  EXPECT_TRUE(std::isnan(s.mean_error_px));
  EXPECT_TRUE(std::isnan(s.mean_error_all_px));
  EXPECT_EQ(s.precision, 1.0);
  EXPECT_EQ(s.recall, 1.0);
  metrics.add_image({}, {{0, 1, 1, 1}});
  EXPECT_EQ(metrics.summary().precision, 0.0);
  EXPECT_EQ(metrics.summary().recall, 0.0);
  EXPECT_EQ(metrics.summary().f1, 0.0);
}

TEST(PeaksTest, MismatchedShapesAreRejected) {
  PeakMetrics metrics;
  try {
    metrics.add_batch(torch::zeros({1, 1, 8, 8}), torch::zeros({1, 1, 8, 16}));
    FAIL() << "mismatch accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "PeakMetrics: prediction and target shapes differ");
  }
}

}  // namespace
}  // namespace glint::train
