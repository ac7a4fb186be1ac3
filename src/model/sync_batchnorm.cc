#include "model/sync_batchnorm.h"

namespace glint::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y = sum over ranks of x; dL/dx = sum over ranks of dL/dy, because every
// rank's loss depends on every rank's x through y.
struct RankSumFunction : torch::autograd::Function<RankSumFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const RankSum* sum) {
    ctx->saved_data["sum"] = reinterpret_cast<int64_t>(sum);
    torch::Tensor y = x.clone().contiguous();
    (*sum)(y);
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto* sum = reinterpret_cast<const RankSum*>(ctx->saved_data["sum"].toInt());
    torch::Tensor g = grads[0].clone().contiguous();
    (*sum)(g);
    return {g, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor sync_batch_norm(const torch::Tensor& x, torch::nn::BatchNorm2d& bn, const RankSum& sum) {
  if (!bn->is_training()) return bn->forward(x);
  const int64_t channels = x.size(1);
  const std::vector<int64_t> dims = {0, 2, 3};
  // Sums in double: the variance comes from E[x^2] - E[x]^2.
  const torch::Tensor xd = x.to(torch::kDouble);
  const torch::Tensor local = torch::cat({xd.sum(dims), (xd * xd).sum(dims),
                                          torch::full({1}, static_cast<double>(x.numel() / channels), torch::kDouble)});
  const torch::Tensor all = RankSumFunction::apply(local, &sum);
  const double n = all[2 * channels].item<double>();
  const torch::Tensor mean = all.narrow(0, 0, channels) / n;
  const torch::Tensor var = all.narrow(0, channels, channels) / n - mean * mean;
  const auto& o = bn->options;
  const torch::Tensor scale = torch::rsqrt(var + o.eps()).to(x.scalar_type()) * bn->weight;
  const torch::Tensor shift = bn->bias - mean.to(x.scalar_type()) * scale;
  {
    torch::NoGradGuard no_grad;
    const double m = o.momentum().value_or(0.1);
    bn->running_mean.mul_(1 - m).add_(mean.to(x.scalar_type()), m);
    bn->running_var.mul_(1 - m).add_((var * (n / std::max(n - 1, 1.0))).to(x.scalar_type()), m);
    bn->num_batches_tracked.add_(1);
  }
  return x * scale.view({1, channels, 1, 1}) + shift.view({1, channels, 1, 1});
}

}  // namespace glint::train
