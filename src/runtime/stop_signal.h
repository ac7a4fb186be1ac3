// Ctrl-C handling of a training run.
//
// While a StopSignals lives, the first SIGINT or SIGTERM only sets a flag:
// during training, the loop finishes its current step, saves the checkpoint
// and exits 130; before training starts, or in a wait for data-parallel
// peers, the run ends with Interrupted and exits 130 without saving. A second
// signal ends the process at once (_exit(130)), for a user who does not want
// to wait for the step.
#pragma once

#include <stdexcept>

namespace glint::train {

// Thrown where a stop signal ends a wait that cannot finish its step (a
// data-parallel rank waiting for peers): the run ends with
// kInterruptedExitCode and this one-line message, without saving.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Installs the handlers; the destructor restores the previous ones. One
// instance at a time per process (not thread safe to construct).
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
};

// True once a stop signal arrived (or request_stop() was called). Safe from
// any thread.
bool stop_requested();
// Sets the flag as a signal would (tests, programmatic stop).
void request_stop();
// Clears the flag (a new run in the same process).
void reset_stop();

// The exit code of a run stopped by a signal (128 + SIGINT, the shell's value).
inline constexpr int kInterruptedExitCode = 130;

}  // namespace glint::train
