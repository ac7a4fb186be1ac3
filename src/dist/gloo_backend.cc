#include "gloo_backend.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

namespace glint::train {
namespace {

std::shared_ptr<::gloo::transport::Device> create_device(const GlooDevice& d) {
  if (!d.interface.empty()) return c10d::ProcessGroupGloo::createDeviceForInterface(d.interface);
  if (!d.hostname.empty()) return c10d::ProcessGroupGloo::createDeviceForHostname(d.hostname);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

c10::intrusive_ptr<c10d::Backend> make_gloo_backend(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                    int size, const GlooDevice& device,
                                                    std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  options->devices.push_back(create_device(device));
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
}

}  // namespace glint::train
