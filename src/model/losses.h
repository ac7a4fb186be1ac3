// Training losses on UNet logits against target heatmaps.
//
// Every loss takes logits and target of the same shape [B, K, H, W]; the
// target holds values in [0, 1] (a Gaussian bump of height 1 on each glint).
// Any float dtype is accepted for the target (float16 from the cache is
// converted to the logits' dtype). Each returns a scalar tensor that is
// differentiable with respect to the logits. A shape mismatch throws
// std::invalid_argument with a one-line message. See docs/MODEL.md.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace glint::train {

using LossFn = std::function<torch::Tensor(const torch::Tensor& logits, const torch::Tensor& target)>;

// Focal loss constants (CornerNet / CenterNet).
inline constexpr double kFocalAlpha = 2.0;
inline constexpr double kFocalBeta = 4.0;
// A pixel is a positive (a glint centre) when target >= 1 - kPeakTolerance
// (CenterNet's rule, tolerant to float rounding of a rendered 1.0), OR when it
// is the maximum of its 3x3 target window and at least kPeakFloor. The second
// rule exists for heatmaps that centre each Gaussian on a sub-pixel glint
// position (the trainer tests' data, other generators), whose top pixel is
// often below 1 (0.94 for an offset of half a pixel at sigma 2); on
// integer-centred targets (src/synth) both rules select the same pixels.
inline constexpr double kPeakTolerance = 1e-4;
inline constexpr double kPeakFloor = 0.05;
// hybrid = focal + kHybridDiceWeight * dice.
inline constexpr double kHybridDiceWeight = 1.0;
// Smoothing of the soft Dice ratio (keeps it defined for empty maps).
inline constexpr double kDiceEpsilon = 1.0;

// Penalty-reduced pixel-wise focal loss, p = sigmoid(logits), y = target:
//   -1/N * sum_pos (1-p)^alpha log(p) + sum_neg (1-y)^beta p^alpha log(1-p)
// with N = number of positives in the whole batch, at least 1. Needs 4-D
// [B, K, H, W] tensors (positives are found per 3x3 window).

// The positive mask of focal_loss (1 = positive) for a target [B, K, H, W],
// in the target's dtype.
torch::Tensor focal_positives(const torch::Tensor& target);

torch::Tensor focal_loss(const torch::Tensor& logits, const torch::Tensor& target);

// Soft Dice loss over the whole batch:
//   1 - (2 sum(p*y) + eps) / (sum(p) + sum(y) + eps), eps = kDiceEpsilon.
torch::Tensor dice_loss(const torch::Tensor& logits, const torch::Tensor& target);

// focal_loss + kHybridDiceWeight * dice_loss.
torch::Tensor hybrid_loss(const torch::Tensor& logits, const torch::Tensor& target);

// Mean squared error between sigmoid(logits) and target (baseline).
torch::Tensor sigmoid_mse_loss(const torch::Tensor& logits, const torch::Tensor& target);

// Mean binary cross-entropy with logits against the soft target (baseline).
torch::Tensor bce_with_logits_loss(const torch::Tensor& logits, const torch::Tensor& target);

// One loss of the trainer, by the name --loss and checkpoints use.
struct LossEntry {
  std::string name;
  LossFn fn;
};

// The one table of losses, in documentation order: focal, hybrid, mse, bce.
// --loss checks against it and --help lists it (train_options.cc); the docs
// (--help's copy in docs/TRAINING.md) and the Python package
// (glint.losses.LOSSES) are tested against it (losses_test.cc,
// train_options_test.cc).
const std::vector<LossEntry>& loss_table();

// The names of loss_table(), in its order.
const std::vector<std::string>& loss_names();

// The loss called `name`. Throws std::invalid_argument for an unknown name:
// "unknown loss 'x'; valid losses: focal, hybrid, mse, bce".
LossFn make_loss(const std::string& name);

}  // namespace glint::train
