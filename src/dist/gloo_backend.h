// c10d's Gloo backend (CPU collectives) for one rank, built from the
// LibTorch of the torch wheel. The wheel carries no Gloo headers: the one
// source that includes ProcessGroupGloo.hpp does so over the declarations in
// gloo_decls/ (its README says why that is sound), and nothing else sees Gloo.
#pragma once

#include <chrono>
#include <string>

#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

namespace glint::train {

// Where Gloo listens: a network interface by name when given, else an
// address or host name when given, else the machine's host name (Gloo's
// default device, loopback when the name does not resolve).
struct GlooDevice {
  std::string interface;
  std::string hostname;
};

// Connects to the other `size - 1` ranks through `store` (a full mesh) and
// returns the backend. Blocks until all are connected; throws c10::Error or
// std::exception (from c10d) when they cannot be.
c10::intrusive_ptr<c10d::Backend> make_gloo_backend(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                    int size, const GlooDevice& device,
                                                    std::chrono::milliseconds timeout);

}  // namespace glint::train
