#include "dist/dist_store.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <atomic>

namespace glint::train {
namespace {

std::atomic<bool> g_abandoned{false};

c10::intrusive_ptr<c10d::Store> connect(const DistOptions& o, int port, bool host, bool count_worker,
                                        std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions so;
  so.port = static_cast<uint16_t>(port);
  so.isServer = host;
  so.numWorkers = static_cast<size_t>(o.world_size);
  // torch's workers announce themselves to an agent's store (waitWorkers on a
  // client only adds 1 to its counter); a hosting rank 0 must not block on it.
  so.waitWorkers = count_worker;
  so.timeout = timeout;
  c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
  if (o.agent_store) {
    store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(o.restart_count), store);
  }
  return store;
}

}  // namespace

OpenStore open_store(const DistOptions& o, std::chrono::milliseconds timeout) {
  const bool host = !o.agent_store && o.rank == 0;
  OpenStore out;
  out.store = connect(o, o.master_port, host, o.agent_store, timeout);
  out.port = o.master_port;
  if (host) {
    auto* tcp = dynamic_cast<c10d::TCPStore*>(out.store.get());
    if (tcp != nullptr) out.port = tcp->getPort();
  }
  return out;
}

c10::intrusive_ptr<c10d::Store> store_client(const DistOptions& o, int port, std::chrono::milliseconds timeout) {
  return connect(o, port, /*host=*/false, /*count_worker=*/false, timeout);
}

c10::intrusive_ptr<c10d::Store> glint_keys(const c10::intrusive_ptr<c10d::Store>& store) {
  return c10::make_intrusive<c10d::PrefixStore>("glint", store);
}

c10::intrusive_ptr<c10d::Store> gloo_keys(const c10::intrusive_ptr<c10d::Store>& store) {
  // torch.distributed's init_process_group uses the same prefix.
  return c10::make_intrusive<c10d::PrefixStore>("default_pg", store);
}

std::string joined_key(int rank) { return "joined/" + std::to_string(rank); }

std::string store_owner(const DistOptions& o) { return o.agent_store ? "the launcher's agent" : "rank 0"; }

std::string store_address(const DistOptions& o, int port) { return o.master_addr + ":" + std::to_string(port); }

std::vector<int> ranks_not_joined(const DistOptions& o, int port, std::chrono::milliseconds timeout) {
  const auto keys = glint_keys(store_client(o, port, timeout));
  std::vector<int> missing;
  for (int r = 0; r < o.world_size; ++r) {
    if (!keys->check({joined_key(r)})) missing.push_back(r);
  }
  return missing;
}

std::string list_ranks(const std::vector<int>& ranks) {
  std::string out;
  for (size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) out += i + 1 == ranks.size() ? " and " : ", ";
    out += std::to_string(ranks[i]);
  }
  return out;
}

void mark_threads_abandoned() { g_abandoned.store(true); }
bool threads_abandoned() { return g_abandoned.load(); }

}  // namespace glint::train
