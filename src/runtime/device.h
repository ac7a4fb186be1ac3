// --device, read in one place: the torch device a process runs on.
#pragma once

#include <c10/core/Device.h>

#include <string>

namespace glint::train {

// "cpu" or "cuda" (the values train_options.cc allows) as a torch device.
// "cuda" is GPU `local_rank` (torchrun's LOCAL_RANK, 0 for one process), so
// the ranks of one machine each take their own GPU. Whether a GPU is usable is
// checked before (runtime_info.h, no_gpu_reason).
c10::Device device_of(const std::string& flag, int64_t local_rank);

}  // namespace glint::train
