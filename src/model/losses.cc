#include "model/losses.h"

#include <sstream>
#include <stdexcept>
#include <utility>

namespace glint::train {
namespace {

std::string shape_text(const torch::Tensor& x) {
  std::ostringstream out;
  out << x.sizes();
  return out.str();
}

// The target in the logits' dtype, after checking that the shapes agree.
torch::Tensor checked_target(const char* loss, const torch::Tensor& logits,
                             const torch::Tensor& target) {
  if (logits.sizes() != target.sizes()) {
    throw std::invalid_argument(std::string(loss) + " loss: logits shape " +
                                shape_text(logits) + " differs from target shape " +
                                shape_text(target));
  }
  return target.to(logits.scalar_type());
}

}  // namespace

torch::Tensor focal_positives(const torch::Tensor& target) {
  if (target.dim() != 4) {
    throw std::invalid_argument("focal loss: expected [B, K, H, W] tensors, got shape " +
                                shape_text(target));
  }
  const auto window_max = torch::max_pool2d(target, /*kernel_size=*/3, /*stride=*/1, /*padding=*/1);
  const auto top = (target >= 1.0 - kPeakTolerance) |
                   ((target == window_max) & (target >= kPeakFloor));
  return top.to(target.scalar_type());
}

torch::Tensor focal_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  const auto y = checked_target("focal", logits, target);
  const auto p = torch::sigmoid(logits);
  const auto pos = focal_positives(y.detach());
  // log_sigmoid(-x) = log(1 - sigmoid(x)) without cancellation for large |x|.
  const auto pos_term = torch::pow(1 - p, kFocalAlpha) * torch::log_sigmoid(logits) * pos;
  const auto neg_term = torch::pow(1 - y, kFocalBeta) * torch::pow(p, kFocalAlpha) *
                        torch::log_sigmoid(-logits) * (1 - pos);
  const auto num_pos = pos.sum().clamp_min(1.0);
  return -(pos_term.sum() + neg_term.sum()) / num_pos;
}

torch::Tensor dice_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  const auto y = checked_target("dice", logits, target);
  const auto p = torch::sigmoid(logits);
  const auto overlap = 2 * (p * y).sum() + kDiceEpsilon;
  return 1 - overlap / (p.sum() + y.sum() + kDiceEpsilon);
}

torch::Tensor hybrid_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  return focal_loss(logits, target) + kHybridDiceWeight * dice_loss(logits, target);
}

torch::Tensor sigmoid_mse_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  const auto y = checked_target("mse", logits, target);
  return torch::mse_loss(torch::sigmoid(logits), y);
}

torch::Tensor bce_with_logits_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  const auto y = checked_target("bce", logits, target);
  return torch::binary_cross_entropy_with_logits(logits, y);
}

const std::vector<LossEntry>& loss_table() {
  static const std::vector<LossEntry> table = {
      {"focal", focal_loss}, {"hybrid", hybrid_loss}, {"mse", sigmoid_mse_loss}, {"bce", bce_with_logits_loss}};
  return table;
}

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : loss_table()) out.push_back(entry.name);
    return out;
  }();
  return names;
}

LossFn make_loss(const std::string& name) {
  for (const auto& entry : loss_table()) {
    if (entry.name == name) return entry.fn;
  }
  std::string valid;
  for (const auto& known : loss_names()) valid += (valid.empty() ? "" : ", ") + known;
  throw std::invalid_argument("unknown loss '" + name + "'; valid losses: " + valid);
}

}  // namespace glint::train
