// Sharing the machine's cores between the trainers that run on it.
//
// N trainers that each start one torch thread per core put N threads on every
// core: OpenMP's barriers then wait for threads that are not running, and the
// aggregate throughput of a sweep drops well below one trainer's (measured in
// docs/benchmarks/training.md). A trainer whose --threads is 0 therefore
// takes cores / trainers threads, where the trainers are the processes that
// map glint segments of this machine (the cache knows who reads it) together
// with every other train_glint_unet process, and recounts them while it
// trains, so that a sweep started one trainer at a time settles.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>

namespace glint::train {

// The cores this process may run on (its affinity mask; at least 1).
int available_cores();

// Threads for one of `trainers` trainers on `cores` cores: cores / trainers,
// at least 1.
int shared_thread_count(int cores, int trainers);

// The ids of the processes that map a glint segment in `shm_dir` or whose
// command is train_glint_unet, with `self` always included. Processes of
// other users are seen only by root (/proc/PID/maps is private).
std::set<pid_t> running_trainers(const std::string& shm_dir, pid_t self);

// The thread count of a trainer whose user left --threads at 0.
class CoreShare {
 public:
  // recount: how often check() looks again at the running trainers.
  // min_trainers: counted at least this many (the node's data-parallel
  // ranks, which may not all have started yet).
  CoreShare(std::string shm_dir, int cores, int min_trainers = 1,
            std::chrono::seconds recount = std::chrono::seconds(30));

  // Threads for now (the constructor counts the trainers).
  int threads() const { return threads_; }
  int trainers() const { return trainers_; }

  // Recounts when `recount` has passed since the last count; returns true
  // when threads() changed.
  bool check();

 private:
  void count();

  std::string shm_dir_;
  int cores_;
  int min_trainers_;
  std::chrono::seconds recount_;
  std::chrono::steady_clock::time_point counted_at_;
  int trainers_ = 1;
  int threads_ = 1;
};

}  // namespace glint::train
