// Torch CPU thread pools of one process (a trainer, glint_predict).
#pragma once

namespace glint::train {

// The thread count of a process that was not given --threads (glint_predict,
// configure_threads(0)): the cores this process may run on (its CPU affinity
// mask, available_cores() of core_share.h) divided among `local_world_size`
// processes, at least 1. Trainers use CoreShare instead, which also divides
// the cores among the other trainers running on the machine.
int default_thread_count(int local_world_size);

// Sets the intra-op thread count (torch::set_num_threads) to `n`, or to
// default_thread_count(1) when n == 0, and, on the first call only, the
// inter-op pool to the same count (torch allows that once per process, before
// any inter-op work; later calls leave it alone instead of failing).
// n < 0 throws std::invalid_argument. Returns the intra-op thread count set.
// Call from the main thread before training starts.
int configure_threads(int n);

}  // namespace glint::train
