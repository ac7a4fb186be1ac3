// --cleanup --h5 FILE and --cleanup-all.
#include <algorithm>
#include <cstdio>
#include <optional>

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

// Appends `one` to `all`, once per segment: the selections of several MD5s can overlap.
void merge(CleanupReport& all, CleanupReport&& one) {
  for (auto& s : one.removed) {
    bool seen = std::any_of(all.removed.begin(), all.removed.end(),
                            [&](const SegmentInfo& r) { return r.path == s.path; });
    if (seen) continue;
    all.freed_bytes += s.file_bytes;
    all.removed.push_back(std::move(s));
  }
  for (auto& s : one.skipped) {
    if (std::find(all.skipped.begin(), all.skipped.end(), s) == all.skipped.end()) all.skipped.push_back(std::move(s));
  }
  for (auto& s : one.removed_locks) {
    if (std::find(all.removed_locks.begin(), all.removed_locks.end(), s) == all.removed_locks.end()) {
      all.removed_locks.push_back(std::move(s));
    }
  }
}

constexpr const char* kStaleHint = "shm_manager --cleanup-all --stale removes the segments of every file that is gone or changed";

}  // namespace

int run_cleanup(const ManagerOptions& o) {
  CleanupOptions options;
  options.only_mine = true;
  options.older_than_seconds = o.older_than_seconds;
  options.stale_only = o.stale;
  options.dry_run = o.dry_run;
  std::optional<CleanupTarget> target;
  if (o.cleanup) {
    auto found = cleanup_target(o.h5, o.rehash);
    if (!found.ok()) return fail(found.status().message());
    target = std::move(*found);
    options.source_path = target->path;
  }
  // Both tiers, /dev/shm first; for --cleanup, once per MD5 of the file.
  const std::vector<std::string> md5s =
      target && !target->md5s.empty() ? target->md5s : std::vector<std::string>{""};
  CleanupReport report;
  for (const auto& [dir, tier] : tier_dirs(o)) {
    options.shm_dir = dir;
    options.tier = tier;
    for (const std::string& md5 : md5s) {
      options.md5 = md5;
      auto one = cleanup_segments(options);
      if (!one.ok()) return fail(one.status().message());
      merge(report, std::move(*one));
    }
  }
  const bool nothing = report.removed.empty() && report.skipped.empty() && report.removed_locks.empty();
  if (target && !target->exists && target->md5s.empty() && nothing) {
    return bad_command_line("--h5 " + o.h5 + ": no such file, and no segment or remembered fingerprint names it; " +
                            kStaleHint);
  }
  if (o.json) {
    nlohmann::json j = to_json(report, o.dry_run);
    j["shm_dir"] = o.shm_dir;
    if (tier_dirs(o).size() > 1) j["cache_dir"] = o.cache_dir;
    if (target) {
      j["md5"] = target->md5s.empty() ? nlohmann::json(nullptr) : nlohmann::json(target->md5s.front());
      j["md5s"] = target->md5s;
      j["source_path"] = target->path;
      j["file_exists"] = target->exists;
    }
    print_json(j);
  } else {
    if (target) {
      std::string known;
      for (const std::string& m : target->md5s) known += (known.empty() ? "" : ", ") + m;
      std::printf("File: %s%s\nMD5: %s\n\n", o.h5.c_str(), target->exists ? "" : " (gone)",
                  known.empty() ? "unknown (none remembered for this path)" : known.c_str());
    }
    print_text(report, o.dry_run);
    if (target && nothing) std::printf("No segment of this file was found; %s\n", kStaleHint);
  }
  return 0;
}

}  // namespace glint::shm_manager
