// Driving glint_cache_probe from tests: start it as a real process (with a
// stdin pipe, optionally as another user), read its JSON reports, stop, kill
// and reap it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.h"

namespace glint::testing {

struct ProbeDataset {
  std::string name;
  std::string segment;
  bool loaded_here = false;
  std::string tier;       // "shared memory" or "disk"
  std::string tier_note;
  std::string path;
  uint64_t bytes = 0;
  std::string checksum;
};

// One JSON line of the probe. `parsed` is false when the line was not JSON
// (the probe died before reporting); `raw` keeps the line for messages.
struct ProbeReport {
  bool parsed = false;
  bool ok = false;
  int64_t pid = 0;
  std::string error;
  std::string code;
  std::vector<ProbeDataset> datasets;
  std::vector<std::string> warnings;
  std::string raw;
};

ProbeReport parse_probe_report(const std::string& line);

// glint_cache_probe as a Child (support/child_process.h) that speaks JSON.
class Probe {
 public:
  // Starts <build>/bin/glint_cache_probe with `args`. stdin is a pipe owned by
  // this object unless `shared_stdin` (a read end, e.g. a common gate) is given.
  explicit Probe(const std::vector<std::string>& args, int shared_stdin = -1,
                 const std::optional<Credentials>& as = std::nullopt);

  pid_t pid() const { return child_.pid(); }
  // Next report on stdout (blocks); an unparsed report at end of output.
  ProbeReport read_report() { return parse_probe_report(child_.read_line()); }
  // Asks a --hold probe for a fresh report.
  ProbeReport refresh();
  void close_stdin() { child_.close_stdin(); }
  // Waits until the probe stops itself (--pause-after-bytes): true, or exits: false.
  bool wait_stopped() { return child_.wait_stopped(); }
  void kill(int sig) { child_.kill(sig); }
  // Closes stdin, collects all output, reaps.
  ProcessResult wait() { return child_.wait(); }

 private:
  Child child_;  // SIGKILLed and reaped on destruction if still running
};

// The probe's path in this build.
std::string probe_program();

// Lines of /proc/locks that wait for a lock (" -> "), for the lock file `path`.
int blocked_lock_waiters(const std::string& path);

}  // namespace glint::testing
