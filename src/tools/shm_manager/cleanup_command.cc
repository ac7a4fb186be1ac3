// --cleanup --h5 FILE and --cleanup-all.
#include <cstdio>

#include "commands.h"
#include "format.h"
#include "json_output.h"
#include "list_common.h"

namespace glint::shm_manager {
namespace {

void print_text(const CleanupReport& report, bool dry_run) {
  const char* verb = dry_run ? "Would remove" : "Removed";
  uint64_t still_mapped = 0;
  for (const SegmentInfo& info : report.removed) {
    std::printf("%s %s (%s)\n", verb, info.file_name.c_str(), format_bytes(info.file_bytes).c_str());
    if (!info.mapped_by.empty()) {
      still_mapped += info.file_bytes;
      std::printf("  still mapped by %s: its memory is freed when they exit\n",
                  format_pids(info.mapped_by).c_str());
    }
  }
  for (const std::string& lock : report.removed_locks) {
    std::printf("%s abandoned lock file %s\n", verb, lock.c_str());
  }
  for (const std::string& line : report.skipped) std::printf("Kept %s\n", line.c_str());
  std::printf("%s%s %s, %s %s", dry_run ? "Dry run: " : "",
              count_of(report.removed.size(), "segment", "segments").c_str(),
              dry_run ? "would be removed" : "removed", format_bytes(report.freed_bytes).c_str(),
              dry_run ? "would be freed" : "freed");
  // Removing a name frees nothing while a process still maps the segment.
  if (still_mapped > 0) {
    std::printf(" (%s of it once the processes mapping it exit)", format_bytes(still_mapped).c_str());
  }
  std::printf("\n");
}

}  // namespace

int run_cleanup(const ManagerOptions& o) {
  CleanupOptions options;
  options.shm_dir = o.shm_dir;
  options.only_mine = true;
  options.older_than_seconds = o.older_than_seconds;
  options.stale_only = o.stale;
  options.dry_run = o.dry_run;
  if (o.cleanup) {
    auto target = inspect_h5(o.h5, o.rehash);
    if (!target.ok()) return fail(target.status().message());
    options.md5 = target->fingerprint.md5;
    options.source_path = target->fingerprint.path;
    if (!o.json) std::printf("File: %s\nMD5: %s\n\n", o.h5.c_str(), options.md5.c_str());
  }
  // Both tiers, /dev/shm first; the reports are merged.
  Result<CleanupReport> report = CleanupReport{};
  for (const auto& [dir, tier] : tier_dirs(o)) {
    options.shm_dir = dir;
    options.tier = tier;
    auto one = cleanup_segments(options);
    if (!one.ok()) return fail(one.status().message());
    for (auto& s : one->removed) report->removed.push_back(std::move(s));
    for (auto& s : one->skipped) report->skipped.push_back(std::move(s));
    for (auto& s : one->removed_locks) report->removed_locks.push_back(std::move(s));
    report->freed_bytes += one->freed_bytes;
  }
  if (o.json) {
    nlohmann::json j = to_json(*report, o.dry_run);
    j["shm_dir"] = o.shm_dir;
    if (tier_dirs(o).size() > 1) j["cache_dir"] = o.cache_dir;
    if (o.cleanup) j["md5"] = options.md5;
    print_json(j);
  } else {
    print_text(*report, o.dry_run);
  }
  return 0;
}

}  // namespace glint::shm_manager
