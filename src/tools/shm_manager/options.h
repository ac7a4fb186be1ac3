// Command line of shm_manager: one options struct, parsed by CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "glint/shm_budget.h"
#include "glint/tier.h"

namespace glint::shm_manager {

struct ManagerOptions {
  // Commands: exactly one is given (the parser refuses none or two).
  bool list = false;          // --list: segments, all or of --h5
  bool cleanup = false;       // --cleanup --h5 F: that file's segments
  bool cleanup_all = false;   // --cleanup-all: every segment of the caller
  bool load = false;          // --load --h5 F: warm the cache

  std::string h5;                      // --h5 FILE ("" = none)
  std::vector<std::string> datasets;   // --load only; empty = every numeric dataset
  bool json = false;                   // machine-readable output
  bool dry_run = false;                // cleanups: report, remove nothing
  std::optional<int64_t> older_than_seconds;  // cleanups: only older segments
  bool stale = false;                  // cleanups: only stale segments
  std::string shm_dir = kDefaultShmDir;    // where segments live
  std::string cache_dir = default_cache_dir();  // the disk tier ("" = none)
  std::string share_group;             // --load: group that may read the segments
  bool rehash = false;                 // hash --h5 even if its MD5 is remembered
  bool no_reclaim = false;             // --load: keep unused segments of older versions
  bool no_make_room = false;           // --load: never evict unused segments for room
  ShmBudget max_shm;                   // --max-shm (default $GLINT_MAX_SHM): --load keeps
                                       // your segments within it; --list shows usage
  ShmBudget max_cache;                 // --max-cache (default $GLINT_MAX_CACHE): the same
                                       // for the disk tier
};

// Declares every option of shm_manager on `app`, writing into `options`,
// with the rules of their combination (one command; --cleanup and --load need
// --h5; each other flag names the commands it goes with): a command line that
// parses is one the commands can run.
void setup_shm_manager(CLI::App& app, ManagerOptions& options);

// "30s", "10m", "2h", "7d" -> seconds; nullopt for anything else.
std::optional<int64_t> parse_duration(const std::string& text);

}  // namespace glint::shm_manager
