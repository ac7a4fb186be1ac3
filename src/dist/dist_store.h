// The c10d store where the ranks of a data-parallel group meet, as
// torch.distributed's env:// rendezvous makes it: hosted by rank 0, or,
// under torchrun (TORCHELASTIC_USE_AGENT_STORE=True), the launcher agent's
// store joined as a client under the prefix /worker/attempt_<restart count>.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <torch/csrc/distributed/c10d/Store.hpp>

#include "dist/dist_options.h"

namespace glint::train {

struct OpenStore {
  c10::intrusive_ptr<c10d::Store> store;  // already under the agent's prefix
  int port = 0;                           // where it listens (the chosen one for port 0)
};

// Connects to the store (rank 0 without agent store also starts it), waiting
// up to `timeout` for it to accept. Throws what c10d throws.
OpenStore open_store(const DistOptions& o, std::chrono::milliseconds timeout);
// Another connection to the store at `port`, never hosting; same prefix.
c10::intrusive_ptr<c10d::Store> store_client(const DistOptions& o, int port, std::chrono::milliseconds timeout);

// The store's keys of this project and of Gloo's rendezvous, kept apart.
c10::intrusive_ptr<c10d::Store> glint_keys(const c10::intrusive_ptr<c10d::Store>& store);
c10::intrusive_ptr<c10d::Store> gloo_keys(const c10::intrusive_ptr<c10d::Store>& store);
std::string joined_key(int rank);

// "rank 0" or "the launcher's agent": who keeps the store alive.
std::string store_owner(const DistOptions& o);
// "addr:port".
std::string store_address(const DistOptions& o, int port);

// The ranks that did not set joined_key in the store at `port` (asked over a
// fresh connection that gives up after `timeout`). Throws when the store
// does not answer.
std::vector<int> ranks_not_joined(const DistOptions& o, int port, std::chrono::milliseconds timeout);

// "1", "1 and 3", "1, 2 and 3".
std::string list_ranks(const std::vector<int>& ranks);

// Threads left running on purpose (blocked in c10d or Gloo after a lost rank
// or a stop signal): the process must then end with _exit, not by
// destroying what those threads use.
void mark_threads_abandoned();
bool threads_abandoned();

}  // namespace glint::train
