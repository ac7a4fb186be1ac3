// Torch CPU thread pools of one process (a trainer, glint_predict).
#pragma once

namespace glint::train {

// The online cores of this machine (std::thread::hardware_concurrency, NOT
// the CPU affinity mask: a process pinned to fewer cores gets too many
// threads) divided among `local_world_size` processes, at least 1. Used by
// glint_predict and by configure_threads(0); a trainer without --threads
// divides the cores among the trainers running on the machine instead
// (core_share.h).
int default_thread_count(int local_world_size);

// Sets the intra-op thread count (torch::set_num_threads) to `n`, or to the
// number of online cores when n == 0, and, on the first call only, the
// inter-op pool to the same count (torch allows that once per process, before
// any inter-op work; later calls leave it alone instead of failing).
// n < 0 throws std::invalid_argument. Returns the intra-op thread count set.
// Call from the main thread before training starts.
int configure_threads(int n);

}  // namespace glint::train
