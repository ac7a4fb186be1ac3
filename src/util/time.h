// Clock readings as one int64_t of nanoseconds.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>

namespace glint {

// A timespec (a clock reading, st_mtim, ...) in nanoseconds.
inline int64_t to_ns(const timespec& ts) { return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec; }

// clock_gettime(clock) in nanoseconds. CLOCK_REALTIME for times shown to
// people or stored in files, CLOCK_MONOTONIC for durations.
inline int64_t now_ns(clockid_t clock = CLOCK_REALTIME) {
  timespec ts;
  clock_gettime(clock, &ts);
  return to_ns(ts);
}

// Seconds from `start` (a steady_clock reading) to now: durations in logs.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace glint
