// Torch CPU thread pools for one training process.
#pragma once

namespace glint::train {

// The thread count of a trainer that was not given --threads: the online
// cores of this machine divided among the `local_world_size` ranks that share
// it (torchrun's LOCAL_WORLD_SIZE), at least 1.
int default_thread_count(int local_world_size);

// Sets the intra-op thread count (torch::set_num_threads) to `n`, or to the
// number of online cores when n == 0, and, on the first call only, the
// inter-op pool to the same count (torch allows that once per process, before
// any inter-op work; later calls leave it alone instead of failing).
// n < 0 throws std::invalid_argument. Returns the intra-op thread count set.
// Call from the main thread before training starts.
int configure_threads(int n);

}  // namespace glint::train
