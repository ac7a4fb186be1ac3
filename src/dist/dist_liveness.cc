#include "dist/dist_liveness.h"

#include <condition_variable>
#include <mutex>
#include <string>

#include "dist/dist_store.h"

namespace glint::train {
namespace {

using Clock = std::chrono::steady_clock;

std::string beat_key(int rank) { return "beat/" + std::to_string(rank); }

}  // namespace

struct Liveness::State {
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool exited = false;
  int self = 0;
  Clock::time_point store_answered;
  std::vector<int64_t> counter;
  std::vector<Clock::time_point> moved;
};

Liveness::Liveness(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size, std::chrono::milliseconds period)
    : state_(std::make_shared<State>()) {
  const auto now = Clock::now();
  state_->store_answered = now;
  state_->self = rank;
  state_->counter.assign(static_cast<size_t>(world_size), -1);
  state_->moved.assign(static_cast<size_t>(world_size), now);
  // The thread owns copies of everything it touches: it may outlive this object.
  thread_ = std::thread([state = state_, store, rank, world_size, period] {
    for (;;) {
      {
        std::unique_lock lock(state->mu);
        if (state->cv.wait_for(lock, period, [&] { return state->stop; })) break;
      }
      try {
        store->add(beat_key(rank), 1);
        for (int r = 0; r < world_size; ++r) {
          if (r == rank) continue;
          const int64_t value = store->add(beat_key(r), 0);  // reads without blocking
          std::lock_guard lock(state->mu);
          if (value != state->counter[static_cast<size_t>(r)]) {
            state->counter[static_cast<size_t>(r)] = value;
            state->moved[static_cast<size_t>(r)] = Clock::now();
          }
        }
        std::lock_guard lock(state->mu);
        state->store_answered = Clock::now();
      } catch (const std::exception&) {
        // The store is gone or broken: store_answered stops moving, which
        // silent() reports; keep trying in case it was a hiccup.
      }
    }
    std::lock_guard lock(state->mu);
    state->exited = true;
    state->cv.notify_all();
  });
}

Liveness::~Liveness() {
  std::unique_lock lock(state_->mu);
  state_->stop = true;
  state_->cv.notify_all();
  const bool exited = state_->cv.wait_for(lock, std::chrono::seconds(3), [&] { return state_->exited; });
  lock.unlock();
  if (exited) {
    thread_.join();
  } else {
    thread_.detach();  // blocked in the store; it owns what it uses
    mark_threads_abandoned();
  }
}

std::vector<int> Liveness::silent(std::chrono::milliseconds silence) const {
  std::lock_guard lock(state_->mu);
  const auto now = Clock::now();
  if (now - state_->store_answered >= silence) return {kStore};
  std::vector<int> out;
  for (size_t r = 0; r < state_->moved.size(); ++r) {
    if (static_cast<int>(r) == state_->self) continue;
    if (now - state_->moved[r] >= silence) out.push_back(static_cast<int>(r));
  }
  return out;
}

double Liveness::silent_seconds(int rank) const {
  std::lock_guard lock(state_->mu);
  const auto since = rank == kStore ? state_->store_answered : state_->moved[static_cast<size_t>(rank)];
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace glint::train
