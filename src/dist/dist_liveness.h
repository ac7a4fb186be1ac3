// Heartbeats of the ranks of a group, through the rendezvous store: the way
// a rank learns WHICH peer was killed, stopped (SIGSTOP) or cut off, which
// Gloo's errors do not say.
#pragma once

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <torch/csrc/distributed/c10d/Store.hpp>

namespace glint::train {

class Liveness {
 public:
  // Marks the store as silent rather than any rank (see silent()).
  static constexpr int kStore = -1;

  // Starts a thread that every `period` adds 1 to this rank's counter in
  // `store` (a connection of its own) and reads every other rank's counter.
  Liveness(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size, std::chrono::milliseconds period);
  // Stops the thread; one blocked in the store for more than a few seconds
  // is left behind (mark_threads_abandoned).
  ~Liveness();
  Liveness(const Liveness&) = delete;
  Liveness& operator=(const Liveness&) = delete;

  // The other ranks whose counter has not moved for `silence` or longer,
  // ascending; {kStore} when the store itself did not answer for that long
  // (then nothing can be said of the ranks). Thread safe.
  std::vector<int> silent(std::chrono::milliseconds silence) const;
  // Seconds since `rank`'s counter last moved (or the store answered, for kStore).
  double silent_seconds(int rank) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace glint::train
