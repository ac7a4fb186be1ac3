// Data-parallel training over torch.distributed (the Gloo backend, CPU
// tensors): every rank holds the same model, trains on its own share of the
// samples, and averages gradients with the others before each optimiser step.
//
// The conventions are torchrun's: ranks 0..world_size-1 meet at a c10d
// TCPStore at master_addr:master_port, hosted by rank 0 or by torchrun's agent
// (dist_store.h). Each rank sends heartbeats through that store
// (dist_liveness.h), so that a rank killed, stopped or cut off is named by the
// others, which then stop instead of hanging. A stop signal (SIGINT/SIGTERM,
// runtime/stop_signal.h) ends a rank waiting for its peers within seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/batch_loader_order.h"
#include "dist/dist_agree.h"
#include "dist/dist_store.h"

namespace c10d {
class Backend;
class Work;
}  // namespace c10d

namespace glint::train {

class Liveness;

// Time and volume of the gradient all-reduces (one per step).
struct AllReduceStats {
  int64_t count = 0;
  int64_t bytes = 0;       // payload of one rank, all calls together
  double seconds = 0;      // waited for them, flattening and copying included
};

// One rank's membership of the group. Not thread-safe: one trainer thread.
// Errors: std::runtime_error with one line naming the cause (a lost rank by
// number, the ranks missing at the rendezvous, the store address), or
// Interrupted (runtime/stop_signal.h) after a stop signal.
class DataParallel {
 public:
  // Joins the group; returns once all world_size ranks joined. Gives up after
  // options.timeout naming the ranks that never came, or at a stop signal.
  // `on_listening` (a hosting rank 0 only) gets the store's port once it
  // listens: the way to publish a port chosen with 0.
  explicit DataParallel(const DistOptions& options, const std::function<void(int port)>& on_listening = {});
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }
  // The store's port (the chosen one when master_port was 0).
  int port() const { return port_; }

  // Compares `identity` with rank 0's on every rank; when any rank differs,
  // every rank throws, naming the rank and the difference.
  void agree(const Identity& identity);
  // Copies every parameter and buffer of rank 0 to the other ranks.
  void broadcast_parameters(torch::nn::Module& module);
  // Replaces every gradient by its mean over the ranks (one flat all-reduce).
  void average_gradients(torch::nn::Module& module);
  // Sums `values` element-wise over the ranks (small reductions: loss sums,
  // sample counts, stop flags).
  std::vector<double> sum(const std::vector<double>& values);
  // Sums a contiguous tensor in place over the ranks (SyncBatchNorm).
  void sum_(torch::Tensor& tensor, const char* what);

  const AllReduceStats& gradient_stats() const { return gradient_stats_; }

 private:
  void join(const std::function<void(int port)>& on_listening);
  void run(std::vector<torch::Tensor>& tensors, bool broadcast, const char* what);
  void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what);
  [[noreturn]] void lost(const std::vector<int>& silent, const std::string& what, const std::string& cause);
  [[noreturn]] void abandon_and_throw(const std::exception& error);

  DistOptions options_;
  int port_ = 0;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::Backend> group_;
  std::unique_ptr<Liveness> liveness_;
  bool abandoned_ = false;
  AllReduceStats gradient_stats_;
};

// Throws std::runtime_error "--rank R is outside 0..W-1 (--world_size W)"
// unless 0 <= rank < world_size (and world_size >= 1).
void check_rank(int rank, int world_size);

}  // namespace glint::train
