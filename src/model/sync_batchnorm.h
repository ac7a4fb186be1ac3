// BatchNorm over the samples of every data-parallel rank, as torch's
// SyncBatchNorm: in training mode, the per-channel sums of x and x^2 (and
// the sample count) are summed over the ranks before the mean and variance
// are taken, and the backward pass sums their gradients the same way. With
// it, N ranks of batch B compute what one process of batch N*B computes.
#pragma once

#include <functional>

#include <torch/torch.h>

namespace glint::train {

// Sums a contiguous tensor in place over the ranks (DataParallel::sum_).
// Every rank must make the same calls in the same order.
using RankSum = std::function<void(torch::Tensor&)>;

// bn(x) with statistics over all ranks when bn is training (the running
// mean and variance are updated from those too); bn(x) as usual in eval
// mode. `sum` must outlive the backward pass of the result.
torch::Tensor sync_batch_norm(const torch::Tensor& x, torch::nn::BatchNorm2d& bn, const RankSum& sum);

}  // namespace glint::train
