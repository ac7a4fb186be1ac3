#include "runtime/device.h"

namespace glint::train {

c10::Device device_of(const std::string& flag, int64_t local_rank) {
  if (flag != "cuda") return c10::Device(c10::kCPU);
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(local_rank));
}

}  // namespace glint::train
