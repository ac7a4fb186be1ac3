// Data-parallel training over torch.distributed (the Gloo backend, CPU
// tensors): every rank holds the same model, trains on its own shard of the
// samples, and averages gradients with the others before each optimiser step.
//
// The conventions are torchrun's: ranks 0..world_size-1, rank 0 hosts the
// rendezvous (a c10d TCPStore at master_addr:master_port), and the variables
// RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT provide the defaults of the
// flags. One machine or several: each rank may use its own shared-memory copy
// of the data, so N ranks on one machine still share one copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace c10d {
class ProcessGroup;
}

namespace glint::train {

struct DistOptions {
  int world_size = 1;                      // 1 = no group, every call is a no-op
  int rank = 0;                            // 0 <= rank < world_size
  std::string master_addr = "127.0.0.1";   // where rank 0 listens
  int master_port = 29500;                 // 0 only for rank 0 in tests: a free port
  // Network interface for Gloo ("" = the address that reaches master_addr
  // for loopback masters, else this host's name).
  std::string interface;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // rendezvous and each collective
};

// One rank's membership of the group. Not thread-safe: one trainer thread.
class DataParallel {
 public:
  // Joins the group; blocks until all world_size ranks joined or the timeout
  // passes. Throws std::runtime_error naming master_addr:port on failure.
  // `on_listening` (rank 0 only) gets the store's port once it listens,
  // before the others are awaited: the way to publish a port chosen with 0.
  explicit DataParallel(const DistOptions& options, const std::function<void(int port)>& on_listening = {});
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }
  // The port rank 0 listens on (the chosen one when master_port was 0).
  int port() const { return port_; }

  // Copies every parameter and buffer of rank 0 to the other ranks.
  void broadcast_parameters(torch::nn::Module& module);
  // Replaces every gradient by its mean over the ranks (one flat all-reduce).
  void average_gradients(torch::nn::Module& module);
  // Sums `values` element-wise over the ranks (small reductions: loss sums,
  // sample counts, stop flags).
  std::vector<double> sum(const std::vector<double>& values);

 private:
  DistOptions options_;
  int port_ = 0;
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
};

// Throws std::runtime_error "--rank R is outside 0..W-1 (--world_size W)"
// unless 0 <= rank < world_size (and world_size >= 1).
void check_rank(int rank, int world_size);

// The rows of `rows` that belong to `rank`: every world_size-th, cut to the
// same length on every rank, so that all ranks run the same number of steps
// (up to world_size - 1 rows are left out of training).
std::vector<int64_t> shard_rows(const std::vector<int64_t>& rows, int rank, int world_size);

}  // namespace glint::train
