// A one-line progress bar with rate and ETA on a terminal.
//
// When disabled (stderr is not a terminal: a log file, a pipe, CI) it prints
// nothing, and the caller's one line per epoch is the whole record.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace glint::train {

// isatty(STDERR_FILENO).
bool stderr_is_terminal();

// "0:07", "12:03", "1:02:03"; "--:--" for a negative or non-finite value.
std::string format_duration(double seconds);

// The bar line without the carriage return, e.g.
// "epoch 3/50 [#######.............] 70/200 steps  412.0 samples/s  loss 0.1234"
// (ProgressBar appends "  ETA 0:12").
std::string format_progress(const std::string& label, int64_t done, int64_t total,
                            double samples_per_s, double loss);

// Not thread safe: the training thread drives it.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled);
  ~ProgressBar();

  // Starts a phase of `total` steps.
  void start(std::string label, int64_t total);
  // After step `done` (1..total), `samples` processed so far in the phase.
  // Redraws at most every 0.2 s.
  void update(int64_t done, int64_t samples, double loss);
  // Erases the bar so that ordinary lines can follow.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  const bool enabled_;
  std::string label_;
  int64_t total_ = 0;
  Clock::time_point start_{};
  Clock::time_point last_draw_{};
  size_t drawn_width_ = 0;
};

}  // namespace glint::train
