// Progress of a long run for a person watching stderr.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace glint::synth {

// On a terminal, a bar redrawn in place with '\r'; otherwise (a log file,
// a pipe) one line each time another tenth of the work is done. Silent
// until `delay` has passed, so that quick runs print nothing. Not
// thread-safe.
class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* out, bool terminal, std::string label,
                  std::chrono::milliseconds delay = std::chrono::milliseconds(500));

  void update(uint64_t done, uint64_t total);
  // Ends the bar's line on a terminal; no-op otherwise or when nothing was drawn.
  void finish();

 private:
  std::FILE* out_;
  bool terminal_;
  std::string label_;
  int last_tenth_ = 0;
  bool drawn_ = false;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace glint::synth
