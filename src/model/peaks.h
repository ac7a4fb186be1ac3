// Glint peaks in heatmaps, matching of predicted to ground-truth peaks, and
// the localisation metrics of an epoch. Definitions: docs/MODEL.md.
//
// All functions accept tensors on any device and of any float dtype; they
// copy to CPU float32 first. Heatmaps here are probabilities (apply sigmoid
// to logits before calling). Wrong ranks throw std::invalid_argument.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace glint::train {

struct Peak {
  int64_t channel = 0;  // heatmap channel k
  double x = 0;         // column, pixels (sub-pixel when refined)
  double y = 0;         // row, pixels
  double score = 0;     // heatmap value at the integer maximum
};

struct PeakOptions {
  // A peak is a pixel that is the maximum of its 3x3 neighbourhood and whose
  // value is strictly above this threshold.
  double threshold = 0.3;
  // Refine x, y to the centroid of the 3x3 window weighted by heatmap values
  // (window clipped at the image border).
  bool refine = true;
  // Keep at most this many peaks per channel (highest score first); 0 keeps all.
  int64_t top_k = 32;
};

// Peaks of one image's heatmap [K, H, W] (or [H, W], channel 0), sorted by
// channel, then by descending score. Pixels of a flat plateau that all equal
// the 3x3 maximum are each reported (heatmaps rendered from Gaussians have no
// plateaus above the threshold).
std::vector<Peak> extract_peaks(const torch::Tensor& heatmap, const PeakOptions& options = {});

// extract_peaks for each image of a batch [B, K, H, W].
std::vector<std::vector<Peak>> extract_batch_peaks(const torch::Tensor& heatmaps,
                                                   const PeakOptions& options = {});

struct MatchResult {
  struct Pair {
    size_t predicted = 0;     // index into the predicted peaks
    size_t ground_truth = 0;  // index into the ground-truth peaks
    double distance = 0;      // pixels
  };
  std::vector<Pair> pairs;
  int64_t false_positives = 0;  // predicted peaks left unmatched
  int64_t missed = 0;           // ground-truth peaks left unmatched
  double sum_distance = 0;      // over pairs
};

// Greedy nearest matching of one image: among all (predicted, ground truth)
// pairs of the same channel closer than or at `radius` pixels, repeatedly
// takes the closest pair whose two peaks are both still free. Ties are
// broken by lower predicted, then lower ground-truth index (deterministic).
MatchResult match_peaks(const std::vector<Peak>& predicted, const std::vector<Peak>& ground_truth,
                        double radius);

struct MetricsOptions {
  PeakOptions predicted{};  // peaks of sigmoid(logits): threshold 0.3
  PeakOptions ground_truth{.threshold = 0.5, .refine = true, .top_k = 0};
  // A prediction within this many pixels of a ground-truth glint is a hit.
  double match_radius = 3.0;
};

struct MetricsSummary {
  int64_t images = 0;
  int64_t ground_truth_peaks = 0;
  int64_t predicted_peaks = 0;
  int64_t matched = 0;
  // Mean distance over matched pairs, pixels; NaN when nothing matched.
  double mean_error_px = 0;
  // Every missed ground-truth peak counts as match_radius pixels:
  // (sum over pairs + missed * radius) / ground_truth_peaks; NaN with no
  // ground truth. Unlike mean_error_px it cannot improve by missing glints.
  double mean_error_all_px = 0;
  // matched / predicted_peaks (1 when nothing was predicted and nothing was
  // there, 0 when nothing was predicted but glints were there).
  double precision = 0;
  // matched / ground_truth_peaks (1 when there is no ground truth).
  double recall = 0;
  // Harmonic mean of precision and recall (0 when both are 0).
  double f1 = 0;
};

// "err 0.84 px (all 1.02 px) P 0.970 R 0.951 F1 0.960 (gt 410, pred 402, hit 390)"
std::string format_summary(const MetricsSummary& summary);

// Accumulates matches over the batches of an epoch. Not thread safe.
class PeakMetrics {
 public:
  explicit PeakMetrics(const MetricsOptions& options = {});

  // probabilities: sigmoid(logits) [B, K, H, W]; target: heatmaps of the
  // same shape. Throws std::invalid_argument when shapes differ.
  void add_batch(const torch::Tensor& probabilities, const torch::Tensor& target);
  // Adds one image's already extracted peaks.
  void add_image(const std::vector<Peak>& predicted, const std::vector<Peak>& ground_truth);

  MetricsSummary summary() const;
  void reset();

 private:
  MetricsOptions options_;
  int64_t images_ = 0;
  int64_t ground_truth_ = 0;
  int64_t predicted_ = 0;
  int64_t matched_ = 0;
  double sum_distance_ = 0;
};

}  // namespace glint::train
