// glint_cache_probe: one process that opens datasets through glint::open_shared
// and reports, as one JSON line, what it got. The reliability tests start it
// as a real process to race, kill, starve and impersonate cache users.
//
// Exit status: 0 when every dataset was opened, 1 when open_shared failed (its
// message is also the one line on stderr), 2 for bad flags.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "glint/cache.h"
#include "support/h5_fixture.h"
#include "util/cli.h"

namespace {

struct ProbeOptions {
  std::string h5;
  std::vector<std::string> datasets;
  std::string shm_dir = "/dev/shm";
  std::string store_dir;
  std::string share_group;
  bool gate = false;
  bool hold = false;
  int64_t pause_after_bytes = -1;
  uint64_t fill_step = 0;
  std::string max_shm;
  std::string cache_dir;
  std::string max_cache;
  uint64_t memory_headroom = 0;
  bool no_reclaim = false;
  bool no_make_room = false;
};

void setup_probe(CLI::App& app, ProbeOptions& o) {
  app.add_option("--h5", o.h5, "HDF5 file to open")->required();
  app.add_option("--datasets", o.datasets, "datasets (default: every numeric one)")->delimiter(',');
  app.add_option("--shm-dir", o.shm_dir, "shared-memory directory (default /dev/shm)");
  app.add_option("--store-dir", o.store_dir, "fingerprint store directory");
  app.add_option("--share-group", o.share_group, "group to share segments with");
  app.add_flag("--gate", o.gate, "wait for end of stdin before opening (start many probes at one instant)");
  app.add_flag("--hold", o.hold,
               "keep the mappings: on each stdin line re-checksum and print a new report; exit at end of stdin");
  app.add_option("--pause-after-bytes", o.pause_after_bytes,
                 "while loading, stop (SIGSTOP) once this many bytes are loaded")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fill-step", o.fill_step, "progress step of the loader in bytes (default 32 MiB)")
      ->check(CLI::Range(uint64_t{4096}, uint64_t{1} << 40));
  app.add_option("--max-shm", o.max_shm, "budget for this user's segments (SIZE|PERCENT)");
  app.add_option("--cache-dir", o.cache_dir, "disk-tier directory (default: none, no disk tier)");
  app.add_option("--max-cache", o.max_cache, "budget for this user's segments in the disk tier (SIZE|PERCENT)");
  app.add_option("--memory-headroom", o.memory_headroom, "bytes a load into shm must leave under a cgroup limit");
  app.add_flag("--no-reclaim", o.no_reclaim, "keep segments of older versions of the file");
  app.add_flag("--no-make-room", o.no_make_room, "never evict unused segments to make room");
}

void wait_for_stdin_eof() {
  char buf[256];
  while (::read(0, buf, sizeof buf) > 0) {
  }
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

nlohmann::json report(const std::vector<glint::SharedDataset>& sets, int64_t elapsed_us,
                      const std::vector<std::string>& warnings) {
  nlohmann::json j = {{"pid", getpid()}, {"ok", true}, {"error", ""}, {"elapsed_us", elapsed_us}};
  j["datasets"] = nlohmann::json::array();
  for (const auto& d : sets) {
    j["datasets"].push_back({{"name", d.dataset()},
                             {"segment", d.segment()},
                             {"loaded_here", d.loaded_here()},
                             {"tier", std::string(glint::tier_name(d.tier()))},
                             {"tier_note", d.tier_note()},
                             {"path", d.path()},
                             {"bytes", d.bytes()},
                             {"checksum", hex(glint::testing::fnv1a(d.data(), d.bytes()))}});
  }
  j["warnings"] = warnings;
  return j;
}

int run_probe(const ProbeOptions& o) {
  std::vector<std::string> warnings;
  glint::CacheOptions options;
  options.shm_dir = o.shm_dir;
  options.fingerprint.store_dir = o.store_dir;
  options.share_group = o.share_group;
  auto budget = glint::parse_shm_budget(o.max_shm);
  if (!budget.ok()) {
    std::cerr << budget.status().message() << std::endl;
    return 2;
  }
  options.max_shm = *budget;
  auto cache_budget = glint::parse_shm_budget(o.max_cache);
  if (!cache_budget.ok()) {
    std::cerr << cache_budget.status().message() << std::endl;
    return 2;
  }
  options.cache_dir = o.cache_dir;
  options.max_cache = *cache_budget;
  options.memory_headroom = o.memory_headroom;
  options.reclaim_old_versions = !o.no_reclaim;
  options.make_room = !o.no_make_room;
  options.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  if (o.fill_step) options.fill_step_bytes = o.fill_step;
  bool paused = false;  // outlives the callback, which open_shared calls later
  if (o.pause_after_bytes >= 0) {
    options.on_progress = [&paused, limit = static_cast<uint64_t>(o.pause_after_bytes)](const glint::LoadProgress& p) {
      if (paused || p.done_bytes < limit) return;
      paused = true;
      std::fprintf(stderr, "paused after %llu of %llu bytes\n", static_cast<unsigned long long>(p.done_bytes),
                   static_cast<unsigned long long>(p.total_bytes));
      ::raise(SIGSTOP);
    };
  }
  if (o.gate) wait_for_stdin_eof();
  auto start = std::chrono::steady_clock::now();
  auto sets = glint::open_shared(o.h5, o.datasets, options);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  if (!sets.ok()) {
    nlohmann::json j = {{"pid", getpid()},
                        {"ok", false},
                        {"error", sets.status().message()},
                        {"code", std::string(glint::code_name(sets.status().code()))},
                        {"elapsed_us", us},
                        {"warnings", warnings}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    std::cerr << sets.status().message() << std::endl;
    return 1;
  }
  std::cout << report(*sets, us, warnings).dump() << std::endl;
  if (o.hold) {
    for (std::string line; std::getline(std::cin, line);) std::cout << report(*sets, us, warnings).dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Opens datasets through the shared-memory cache and reports as JSON.", "glint_cache_probe"};
  ProbeOptions options;
  setup_probe(app, options);
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  return run_probe(options);
}
