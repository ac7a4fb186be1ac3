#include "runtime/threads.h"

#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

#include "runtime/core_share.h"

namespace glint::train {

int default_thread_count(int local_world_size) {
  return shared_thread_count(available_cores(), local_world_size);
}

int configure_threads(int n) {
  if (n < 0) {
    throw std::invalid_argument("thread count " + std::to_string(n) +
                                " is negative; use 0 for one thread per core");
  }
  const int count = n > 0 ? n : default_thread_count(1);
  torch::set_num_threads(count);
  static std::once_flag interop_once;
  std::call_once(interop_once, [count] {
    // Torch throws if the inter-op pool already started (e.g. a forward ran).
    try {
      at::set_num_interop_threads(count);
    } catch (const c10::Error&) {
    }
  });
  return count;
}

}  // namespace glint::train
