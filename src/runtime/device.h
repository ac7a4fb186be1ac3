// The torch device of a process, from its --device flag and its rank on the
// node: the one place that turns the flag into a torch::Device.
#pragma once

#include <string>

#include <torch/torch.h>

namespace glint::train {

// "cpu": the CPU. "cuda": the GPU of this rank, cuda:<local_rank modulo the
// visible GPUs> (torchrun's LOCAL_RANK, 0 for a process started alone), so
// the ranks of a node spread over its GPUs and share them when there are
// fewer GPUs than ranks. Throws std::runtime_error with one line naming the
// flag when CUDA is asked for and none is usable, std::invalid_argument for
// any other name (the flag's check lists the valid ones).
torch::Device resolve_device(const std::string& flag, int local_rank);

}  // namespace glint::train
