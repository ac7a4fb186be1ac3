#include "runtime/stop_signal.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace glint::train {
namespace {

// Lock-free, so reading and writing it is async-signal-safe.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

struct sigaction g_old_int;
struct sigaction g_old_term;

void on_stop_signal(int) {
  if (g_stop.exchange(true)) _exit(kInterruptedExitCode);
}

}  // namespace

StopSignals::StopSignals() {
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a blocking read returns EINTR instead of hiding the stop.
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }
void request_stop() { g_stop.store(true); }
void reset_stop() { g_stop.store(false); }

}  // namespace glint::train
