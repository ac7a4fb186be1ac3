// DataParallel's rendezvous: the store, then Gloo's full mesh. Both block in
// c10d without a way to interrupt them, so they run on a helper thread while
// this one watches for a stop signal and the deadline; on either, the helper
// is left behind (the process then ends with _exit, see dist_store.h).
#include <condition_variable>
#include <mutex>
#include <thread>

#include "dist/dist_liveness.h"
#include "dist/distributed.h"
#include "gloo_backend.h"
#include "runtime/stop_signal.h"

namespace glint::train {
namespace {

using Clock = std::chrono::steady_clock;

// Gloo's own deadline for a collective: effectively none. Lost peers are
// found by their heartbeats (DataParallel::wait), so that a rank may spend
// longer than --dist_timeout validating while the others wait for it.
constexpr std::chrono::hours kGlooTimeout{24 * 7};

bool is_loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

GlooDevice gloo_device(const DistOptions& o) {
  if (!o.interface.empty()) return {.interface = o.interface, .hostname = {}};
  if (is_loopback(o.master_addr)) return {.interface = {}, .hostname = "127.0.0.1"};
  return {};
}

struct Joining {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string error;
  int port = 0;  // once the store is open
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::Backend> group;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Who never came, as far as the store can tell within a second.
std::string missing_ranks(const DistOptions& o, int port) {
  if (port == 0) port = o.master_port;
  try {
    const std::vector<int> missing = ranks_not_joined(o, port, std::chrono::seconds(1));
    if (missing.empty()) return "every rank reached the store, but Gloo could not connect them all";
    return (missing.size() == 1 ? "rank " : "ranks ") + list_ranks(missing) + " never came";
  } catch (const std::exception&) {
    return "the store at " + store_address(o, port) + " never answered (" + store_owner(o) +
           (o.agent_store ? " keeps it: is the launcher running?)" : " hosts it: rank 0 never came)");
  }
}

}  // namespace

void DataParallel::join(const std::function<void(int port)>& on_listening) {
  auto joining = std::make_shared<Joining>();
  std::thread([joining, o = options_, on_listening] {
    try {
      const OpenStore open = open_store(o, o.timeout);
      {
        std::lock_guard lock(joining->mu);
        joining->port = open.port;
      }
      if (on_listening) on_listening(open.port);
      glint_keys(open.store)->set(joined_key(o.rank), std::vector<uint8_t>{'1'});
      auto group = make_gloo_backend(gloo_keys(open.store), o.rank, o.world_size, gloo_device(o), kGlooTimeout);
      std::lock_guard lock(joining->mu);
      joining->store = open.store;
      joining->group = group;
    } catch (const std::exception& e) {
      std::lock_guard lock(joining->mu);
      joining->error = first_line(e.what());
      if (joining->error.empty()) joining->error = "unknown error";
    }
    std::lock_guard lock(joining->mu);
    joining->done = true;
    joining->cv.notify_all();
  }).detach();

  const std::string where = "the rendezvous at " + store_address(options_, options_.master_port) + " (rank " +
                            std::to_string(options_.rank) + " of " + std::to_string(options_.world_size) + ")";
  const auto deadline = Clock::now() + options_.timeout;
  std::unique_lock lock(joining->mu);
  while (!joining->cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return joining->done; })) {
    const bool stop = stop_requested();
    if (!stop && Clock::now() < deadline) continue;
    const int port = joining->port;
    lock.unlock();
    abandoned_ = true;
    mark_threads_abandoned();
    if (stop) throw Interrupted("stopped by a signal during " + where + ": " + missing_ranks(options_, port));
    throw std::runtime_error(where + " gave up after " + std::to_string(options_.timeout.count() / 1000) +
                             " s (--dist_timeout): " + missing_ranks(options_, port));
  }
  if (!joining->error.empty()) {
    const int port = joining->port;
    const std::string error = joining->error;
    lock.unlock();
    throw std::runtime_error(where + " failed: " + error + "; " + missing_ranks(options_, port) +
                             " (are all ranks started, with the same --master_addr/--master_port?)");
  }
  store_ = joining->store;
  group_ = joining->group;
  port_ = joining->port;
  lock.unlock();
  liveness_ = std::make_unique<Liveness>(glint_keys(store_client(options_, port_, options_.timeout)), options_.rank,
                                         options_.world_size, options_.heartbeat);
}

}  // namespace glint::train
