#include "model/peaks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <tuple>

#include "util/number_text.h"

namespace glint::train {
namespace {

// Weighted centroid of the 3x3 window around (row, col), clipped at borders.
void refine_peak(const torch::TensorAccessor<float, 2>& map, int64_t row, int64_t col,
                 Peak& peak) {
  double sum = 0, sum_x = 0, sum_y = 0;
  for (int64_t r = std::max<int64_t>(row - 1, 0); r <= std::min(row + 1, map.size(0) - 1); ++r) {
    for (int64_t c = std::max<int64_t>(col - 1, 0); c <= std::min(col + 1, map.size(1) - 1); ++c) {
      // Negative values (possible in raw targets) would push the centroid away.
      const double w = std::max(0.0f, map[r][c]);
      sum += w;
      sum_x += w * static_cast<double>(c);
      sum_y += w * static_cast<double>(r);
    }
  }
  if (sum > 0) {
    peak.x = sum_x / sum;
    peak.y = sum_y / sum;
  }
}

double ratio(int64_t num, int64_t den, double if_empty) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : if_empty;
}

}  // namespace

std::vector<Peak> extract_peaks(const torch::Tensor& heatmap, const PeakOptions& options) {
  if (heatmap.dim() != 2 && heatmap.dim() != 3) {
    throw std::invalid_argument("extract_peaks: expected a heatmap [K, H, W] or [H, W], got " +
                                std::to_string(heatmap.dim()) + " dimensions");
  }
  auto maps = heatmap.detach().to(torch::kCPU, torch::kFloat).contiguous();
  if (maps.dim() == 2) maps = maps.unsqueeze(0);
  const auto pooled = torch::max_pool2d(maps.unsqueeze(0), /*kernel_size=*/3, /*stride=*/1,
                                        /*padding=*/1).squeeze(0);
  const auto where = ((maps == pooled) & (maps > options.threshold)).nonzero();
  const auto values = maps.accessor<float, 3>();
  const auto index = where.accessor<int64_t, 2>();

  std::vector<Peak> peaks;
  peaks.reserve(static_cast<size_t>(where.size(0)));
  for (int64_t i = 0; i < where.size(0); ++i) {
    const int64_t k = index[i][0], row = index[i][1], col = index[i][2];
    Peak peak{k, static_cast<double>(col), static_cast<double>(row), values[k][row][col]};
    if (options.refine) refine_peak(values[k], row, col, peak);
    peaks.push_back(peak);
  }
  // nonzero() yields row-major order, so stable_sort keeps ties deterministic.
  std::stable_sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) {
    return std::tie(a.channel, b.score) < std::tie(b.channel, a.score);
  });
  if (options.top_k > 0) {
    std::vector<Peak> kept;
    int64_t run = 0;
    for (size_t i = 0; i < peaks.size(); ++i) {
      run = (i > 0 && peaks[i].channel == peaks[i - 1].channel) ? run + 1 : 0;
      if (run < options.top_k) kept.push_back(peaks[i]);
    }
    peaks.swap(kept);
  }
  return peaks;
}

std::vector<std::vector<Peak>> extract_batch_peaks(const torch::Tensor& heatmaps,
                                                   const PeakOptions& options) {
  if (heatmaps.dim() != 4) {
    throw std::invalid_argument("extract_batch_peaks: expected heatmaps [B, K, H, W], got " +
                                std::to_string(heatmaps.dim()) + " dimensions");
  }
  std::vector<std::vector<Peak>> batch;
  for (int64_t b = 0; b < heatmaps.size(0); ++b) batch.push_back(extract_peaks(heatmaps[b], options));
  return batch;
}

MatchResult match_peaks(const std::vector<Peak>& predicted, const std::vector<Peak>& ground_truth,
                        double radius) {
  std::vector<MatchResult::Pair> candidates;
  for (size_t p = 0; p < predicted.size(); ++p) {
    for (size_t g = 0; g < ground_truth.size(); ++g) {
      if (predicted[p].channel != ground_truth[g].channel) continue;
      const double d = std::hypot(predicted[p].x - ground_truth[g].x, predicted[p].y - ground_truth[g].y);
      if (d <= radius) candidates.push_back({p, g, d});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.distance < b.distance; });
  std::vector<bool> used_p(predicted.size()), used_g(ground_truth.size());
  MatchResult result;
  for (const auto& c : candidates) {
    if (used_p[c.predicted] || used_g[c.ground_truth]) continue;
    used_p[c.predicted] = used_g[c.ground_truth] = true;
    result.pairs.push_back(c);
    result.sum_distance += c.distance;
  }
  const auto matched = static_cast<int64_t>(result.pairs.size());
  result.false_positives = static_cast<int64_t>(predicted.size()) - matched;
  result.missed = static_cast<int64_t>(ground_truth.size()) - matched;
  return result;
}

std::string format_summary(const MetricsSummary& s) {
  char counts[128];
  std::snprintf(counts, sizeof counts, " (gt %lld, pred %lld, hit %lld)", static_cast<long long>(s.ground_truth_peaks),
                static_cast<long long>(s.predicted_peaks), static_cast<long long>(s.matched));
  return "err " + fixed_or_na(s.mean_error_px, 2) + " px (all " + fixed_or_na(s.mean_error_all_px, 2) + " px) P " +
         fixed_or_na(s.precision, 3) + " R " + fixed_or_na(s.recall, 3) + " F1 " + fixed_or_na(s.f1, 3) + counts;
}

PeakMetrics::PeakMetrics(const MetricsOptions& options) : options_(options) {}

void PeakMetrics::add_batch(const torch::Tensor& probabilities, const torch::Tensor& target) {
  if (probabilities.sizes() != target.sizes()) {
    throw std::invalid_argument("PeakMetrics: prediction and target shapes differ");
  }
  const auto predicted = extract_batch_peaks(probabilities, options_.predicted);
  const auto truth = extract_batch_peaks(target, options_.ground_truth);
  for (size_t b = 0; b < predicted.size(); ++b) add_image(predicted[b], truth[b]);
}

void PeakMetrics::add_image(const std::vector<Peak>& predicted,
                            const std::vector<Peak>& ground_truth) {
  const auto match = match_peaks(predicted, ground_truth, options_.match_radius);
  images_ += 1;
  predicted_ += static_cast<int64_t>(predicted.size());
  ground_truth_ += static_cast<int64_t>(ground_truth.size());
  matched_ += static_cast<int64_t>(match.pairs.size());
  sum_distance_ += match.sum_distance;
}

MetricsSummary PeakMetrics::summary() const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  MetricsSummary s;
  s.images = images_;
  s.ground_truth_peaks = ground_truth_;
  s.predicted_peaks = predicted_;
  s.matched = matched_;
  s.mean_error_px = matched_ > 0 ? sum_distance_ / static_cast<double>(matched_) : kNaN;
  const double missed = static_cast<double>(ground_truth_ - matched_);
  s.mean_error_all_px = ground_truth_ > 0 ? (sum_distance_ + missed * options_.match_radius) /
                                                static_cast<double>(ground_truth_)
                                          : kNaN;
  s.precision = ratio(matched_, predicted_, ground_truth_ == 0 ? 1.0 : 0.0);
  s.recall = ratio(matched_, ground_truth_, 1.0);
  const double both = s.precision + s.recall;
  s.f1 = both > 0 ? 2 * s.precision * s.recall / both : 0.0;
  return s;
}

void PeakMetrics::reset() { *this = PeakMetrics(options_); }

}  // namespace glint::train
