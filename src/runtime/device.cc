#include "runtime/device.h"

#include <stdexcept>

namespace glint::train {

torch::Device resolve_device(const std::string& flag, int local_rank) {
  if (flag == "cpu") return torch::Device(torch::kCPU);
  if (flag != "cuda") throw std::invalid_argument("--device " + flag + ": not cpu or cuda");
  if (!torch::cuda::is_available()) {
    throw std::runtime_error("--device cuda: no CUDA device is usable here (this LibTorch "
                             "build or machine has none); use --device cpu");
  }
  const auto gpus = static_cast<int>(torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % gpus));
}

}  // namespace glint::train
