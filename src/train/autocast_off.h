// A float32 island inside an autocast region.
#pragma once

#include <ATen/autocast_mode.h>

namespace glint::train {

// RAII: CPU and CUDA autocast off in this thread while alive, for a layer
// that must compute in float32 under autocast; restores both states after.
// (precision.h's AutocastScope turns autocast on around a forward pass.)
class AutocastOff {
 public:
  AutocastOff() : cpu_(at::autocast::is_cpu_enabled()), cuda_(at::autocast::is_enabled()) {
    at::autocast::set_cpu_enabled(false);
    at::autocast::set_enabled(false);
  }
  ~AutocastOff() {
    at::autocast::set_cpu_enabled(cpu_);
    at::autocast::set_enabled(cuda_);
  }
  AutocastOff(const AutocastOff&) = delete;
  AutocastOff& operator=(const AutocastOff&) = delete;

 private:
  bool cpu_;
  bool cuda_;
};

}  // namespace glint::train
