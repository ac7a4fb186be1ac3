#include "dist/distributed.h"

#include <torch/csrc/distributed/c10d/Backend.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <stdexcept>
#include <utility>

#include "dist/dist_liveness.h"
#include "runtime/stop_signal.h"
#include "util/time.h"

namespace glint::train {
namespace {

using Clock = std::chrono::steady_clock;

// After a stop signal, a rank still waits this long for its collective: its
// peers usually got the signal too and are on their way to the same call.
constexpr std::chrono::seconds kStopGrace{5};
// After Gloo reports a broken connection, a peer silent this long is the one
// that went away (live peers beat every DistOptions::heartbeat).
constexpr std::chrono::seconds kGoneSilence{4};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Wakes the waiting trainer thread when a collective completes (or fails).
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};

}  // namespace

DataParallel::DataParallel(const DistOptions& options, const std::function<void(int port)>& on_listening)
    : options_(options), port_(options.master_port) {
  check_rank(options_.rank, options_.world_size);
  if (options_.world_size == 1) return;
  join(on_listening);
}

DataParallel::~DataParallel() {
  if (!abandoned_) return;
  // Gloo's threads may be blocked in a collective that will never finish:
  // destroying the group would join them and hang. Leave it to _exit.
  (void)group_.release();
  (void)store_.release();
  (void)liveness_.release();
}

void DataParallel::abandon_and_throw(const std::exception& error) {
  abandoned_ = true;
  mark_threads_abandoned();
  if (const auto* stopped = dynamic_cast<const Interrupted*>(&error)) throw Interrupted(*stopped);
  throw std::runtime_error(error.what());
}

void DataParallel::lost(const std::vector<int>& silent, const std::string& what, const std::string& cause) {
  std::string who;
  if (silent.size() == 1 && silent[0] == Liveness::kStore) {
    who = "the store at " + store_address(options_, port_) + " stopped answering " +
          std::to_string(static_cast<int>(liveness_->silent_seconds(Liveness::kStore))) + " s ago (" +
          (options_.agent_store ? "the launcher's agent keeps it" : "rank 0 hosts it: rank 0 is lost") + ")";
  } else if (!silent.empty()) {
    who = (silent.size() == 1 ? "rank " : "ranks ") + list_ranks(silent) + (silent.size() == 1 ? " is" : " are") +
          " lost (no heartbeat for " + std::to_string(static_cast<int>(liveness_->silent_seconds(silent[0]))) +
          " s: killed, stopped or cut off)";
  } else {
    who = "a peer closed its connection";
  }
  abandon_and_throw(std::runtime_error(
      "rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.world_size) + ": " + who +
      " during " + what + (cause.empty() ? "" : " (" + cause + ")") +
      "; stopping. The last checkpoint is kept: restart every rank with --resume"));
}

void DataParallel::wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  auto completion = std::make_shared<Completion>();
  work->getFuture()->addCallback([completion](c10::ivalue::Future&) {
    std::lock_guard lock(completion->mu);
    completion->done = true;
    completion->cv.notify_all();
  });
  std::optional<Clock::time_point> stop_seen;
  {
    std::unique_lock lock(completion->mu);
    while (!completion->cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return completion->done; })) {
      if (stop_requested() && !stop_seen) stop_seen = Clock::now();
      const std::vector<int> silent = liveness_->silent(options_.timeout);
      if (stop_seen && Clock::now() - *stop_seen > kStopGrace) {
        lock.unlock();
        const std::vector<int> quiet = liveness_->silent(kGoneSilence);
        abandon_and_throw(Interrupted("stopped by a signal while waiting " +
                                      std::to_string(static_cast<int>(seconds_since(*stop_seen))) + " s for " +
                                      (quiet.empty() ? std::string("the other ranks")
                                                     : quiet[0] == Liveness::kStore ? "the store"
                                                                                    : "rank " + list_ranks(quiet)) +
                                      " in " + what));
      }
      if (!silent.empty()) {
        lock.unlock();
        lost(silent, what, "");
      }
    }
  }
  try {
    work->wait();
  } catch (const std::exception& e) {
    // Usually a peer's socket closed; find which peer by its silence.
    const auto since = Clock::now();
    std::vector<int> silent;
    while ((silent = liveness_->silent(kGoneSilence)).empty() && Clock::now() - since < options_.timeout &&
           Clock::now() - since < 3 * kGoneSilence) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    lost(silent, what, first_line(e.what()));
  }
}

void DataParallel::run(std::vector<torch::Tensor>& tensors, bool broadcast, const char* what) {
  c10::intrusive_ptr<c10d::Work> work = broadcast ? group_->broadcast(tensors) : group_->allreduce(tensors);
  wait(work, what);
}

void DataParallel::agree(const Identity& identity) {
  if (!group_) return;
  const auto keys = glint_keys(store_);
  const std::string mine = serialize_identity(identity);
  keys->set("identity/" + std::to_string(options_.rank), std::vector<uint8_t>(mine.begin(), mine.end()));
  const auto identity_of = [&keys](int r) {
    const std::vector<uint8_t> bytes = keys->get("identity/" + std::to_string(r));
    return parse_identity(std::string(bytes.begin(), bytes.end()));
  };
  const Identity rank0 = options_.rank == 0 ? identity : identity_of(0);
  const std::string diff = describe_difference(identity, options_.rank, rank0);
  std::vector<double> flags(static_cast<size_t>(options_.world_size), 0.0);
  flags[static_cast<size_t>(options_.rank)] = diff.empty() ? 0.0 : 1.0;
  flags = sum(flags);
  for (int r = 0; r < options_.world_size; ++r) {
    if (flags[static_cast<size_t>(r)] == 0) continue;
    const std::string why = r == options_.rank ? diff : describe_difference(identity_of(r), r, rank0);
    throw std::runtime_error("rank " + std::to_string(r) + " differs from rank 0: " + why +
                             "; start every rank with the same flags on the same data");
  }
}

void DataParallel::broadcast_parameters(torch::nn::Module& module) {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors = module.parameters();
  for (auto& b : module.buffers()) tensors.push_back(b);
  // Gloo broadcasts one tensor per call on CPU; this runs once per training.
  for (auto& t : tensors) {
    std::vector<torch::Tensor> io{t.is_contiguous() ? t : t.contiguous()};
    run(io, /*broadcast=*/true, "the broadcast of rank 0's parameters");
    if (!io[0].is_same(t)) t.copy_(io[0]);
  }
}

void DataParallel::average_gradients(torch::nn::Module& module) {
  if (!group_) return;
  const auto start = Clock::now();
  std::vector<torch::Tensor> grads;
  for (auto& p : module.parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  if (grads.empty()) return;
  std::vector<torch::Tensor> parts;
  for (auto& g : grads) parts.push_back(g.reshape({-1}));
  torch::Tensor flat = torch::cat(parts);
  std::vector<torch::Tensor> io{flat};
  run(io, /*broadcast=*/false, "the gradient all-reduce");
  flat.div_(static_cast<double>(options_.world_size));
  int64_t at = 0;
  for (auto& g : grads) {
    const int64_t n = g.numel();
    g.copy_(flat.narrow(0, at, n).view(g.sizes()));
    at += n;
  }
  ++gradient_stats_.count;
  gradient_stats_.bytes += flat.numel() * static_cast<int64_t>(flat.element_size());
  gradient_stats_.seconds += seconds_since(start);
}

std::vector<double> DataParallel::sum(const std::vector<double>& values) {
  if (!group_ || values.empty()) return values;
  torch::Tensor t = torch::tensor(values, torch::kDouble);
  std::vector<torch::Tensor> io{t};
  run(io, /*broadcast=*/false, "a reduction of losses, counts or stop flags");
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

void DataParallel::sum_(torch::Tensor& tensor, const char* what) {
  if (!group_) return;
  std::vector<torch::Tensor> io{tensor};
  run(io, /*broadcast=*/false, what);
}

void check_rank(int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw std::runtime_error("--rank " + std::to_string(rank) + " is outside 0.." + std::to_string(world_size - 1) +
                             " (--world_size " + std::to_string(world_size) + ")");
  }
}

}  // namespace glint::train
