#include "list_common.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "format.h"
#include "json_output.h"

namespace glint::shm_manager {

std::vector<std::pair<std::string, Tier>> tier_dirs(const ManagerOptions& o) {
  std::vector<std::pair<std::string, Tier>> dirs = {{o.shm_dir, Tier::kSharedMemory}};
  struct stat st;
  // A disk tier that was never used has no directory yet: nothing to list.
  if (!o.cache_dir.empty() && o.cache_dir != o.shm_dir && ::stat(o.cache_dir.c_str(), &st) == 0) {
    dirs.emplace_back(o.cache_dir, Tier::kDisk);
  }
  return dirs;
}

std::string where_text(const ManagerOptions& o) {
  auto dirs = tier_dirs(o);
  return dirs.size() == 1 ? o.shm_dir : o.shm_dir + " and the disk tier " + o.cache_dir;
}

Result<Inventory> take_inventory(const ManagerOptions& o, const std::string& md5) {
  Inventory inv;
  for (const auto& [dir, tier] : tier_dirs(o)) {
    ListOptions options;
    options.shm_dir = dir;
    options.tier = tier;
    options.md5 = md5;
    auto segments = list_segments(options);
    if (!segments.ok()) return segments.status();
    auto removed = list_removed_segments(options);
    if (!removed.ok()) return removed.status();
    for (auto& s : *segments) inv.segments.push_back(std::move(s));
    for (auto& r : *removed) inv.removed.push_back(std::move(r));
  }
  // Grouped by file, then dataset, whatever the tier.
  std::stable_sort(inv.segments.begin(), inv.segments.end(), [](const SegmentInfo& a, const SegmentInfo& b) {
    return std::tie(a.md5, a.dataset) < std::tie(b.md5, b.dataset);
  });
  return inv;
}

void print_segment(const SegmentInfo& info, const std::string& indent) {
  const char* mark = info.problem.empty() ? "✓" : "✗";
  std::printf("%s%s %-12s - %s\n", indent.c_str(), mark, info.dataset.c_str(),
              info.file_name.c_str());
  std::printf("%s  %s\n", indent.c_str(), segment_details(info).c_str());
}

void print_removed(const std::vector<RemovedSegment>& removed) {
  if (removed.empty()) return;
  std::printf("\nRemoved but still mapped (memory is freed when these processes exit):\n");
  for (const RemovedSegment& r : removed) {
    std::printf("  %s (deleted)\n    Size: %s   Mapped by: %s\n", r.path.c_str(),
                format_bytes(r.mapped_bytes).c_str(), format_pids(r.mapped_by).c_str());
  }
}

namespace {

constexpr size_t kJournalLines = 10;

// Bytes of the caller's segments (named, and removed but still mapped) and
// the budget's cap in bytes for shm_dir.
std::pair<uint64_t, uint64_t> budget_usage(const std::string& shm_dir, Tier tier, const ShmBudget& budget,
                                           const Inventory& inv) {
  uint64_t used = 0;
  for (const SegmentInfo& info : inv.segments) {
    if (info.owner_uid == ::geteuid() && info.tier == tier) used += info.file_bytes;
  }
  for (const RemovedSegment& r : inv.removed) {
    if (r.path.rfind(shm_dir, 0) == 0) used += r.mapped_bytes;
  }
  struct statvfs vfs;
  uint64_t fs = ::statvfs(shm_dir.c_str(), &vfs) == 0 ? uint64_t{vfs.f_blocks} * vfs.f_frsize : 0;
  return {used, budget.cap(fs)};
}

const ShmBudget& budget_of(const ManagerOptions& o, Tier tier) {
  return tier == Tier::kDisk ? o.max_cache : o.max_shm;
}

const char* budget_flag(Tier tier) { return tier == Tier::kDisk ? "--max-cache" : "--max-shm"; }

}  // namespace

void print_upkeep(const ManagerOptions& o, const Inventory& inv) {
  const auto dirs = tier_dirs(o);
  for (const auto& [dir, tier] : dirs) {
    auto journal = read_upkeep_journal(dir, kJournalLines);
    if (journal.empty()) continue;
    std::printf("\nRemoved by the cache itself%s (latest last):\n",
                dirs.size() == 1 ? "" : (" from " + dir).c_str());
    for (const std::string& line : journal) std::printf("  %s\n", line.c_str());
  }
  for (const auto& [dir, tier] : dirs) {
    const ShmBudget& budget = budget_of(o, tier);
    if (!budget.limited()) continue;
    auto [used, cap] = budget_usage(dir, tier, budget, inv);
    std::printf("\nBudget (%s %s): your segments %suse %s of %s\n", budget_flag(tier), budget.text().c_str(),
                tier == Tier::kDisk ? "in the disk tier " : "", format_bytes(used).c_str(),
                format_bytes(cap).c_str());
  }
}

nlohmann::json upkeep_json(const ManagerOptions& o, const Inventory& inv) {
  nlohmann::json j = {{"removed_by_cache", read_upkeep_journal(o.shm_dir, kJournalLines)}};
  if (o.max_shm.limited()) {
    auto [used, cap] = budget_usage(o.shm_dir, Tier::kSharedMemory, o.max_shm, inv);
    j["budget"] = {{"max_shm", o.max_shm.text()}, {"used_bytes", used}, {"cap_bytes", cap}};
  }
  for (const auto& [dir, tier] : tier_dirs(o)) {
    if (tier != Tier::kDisk) continue;
    j["disk_tier"] = {{"cache_dir", dir}, {"removed_by_cache", read_upkeep_journal(dir, kJournalLines)}};
    if (o.max_cache.limited()) {
      auto [used, cap] = budget_usage(dir, tier, o.max_cache, inv);
      j["disk_tier"]["budget"] = {{"max_cache", o.max_cache.text()}, {"used_bytes", used}, {"cap_bytes", cap}};
    }
  }
  return j;
}


std::string summary_line(const Inventory& inv) {
  uint64_t bytes = 0;
  for (const SegmentInfo& info : inv.segments) bytes += info.file_bytes;
  std::string line = count_of(inv.segments.size(), "segment", "segments") + ", " + format_bytes(bytes);
  if (inv.removed.empty()) return line;
  uint64_t removed_bytes = 0;
  for (const RemovedSegment& r : inv.removed) removed_bytes += r.mapped_bytes;
  return line + " (" + std::to_string(inv.removed.size()) +
         " removed but still mapped: " + format_bytes(removed_bytes) + ")";
}

nlohmann::json inventory_json(const Inventory& inv) {
  nlohmann::json segments = nlohmann::json::array();
  nlohmann::json removed = nlohmann::json::array();
  uint64_t bytes = 0;
  for (const SegmentInfo& info : inv.segments) {
    segments.push_back(to_json(info));
    bytes += info.file_bytes;
  }
  for (const RemovedSegment& r : inv.removed) removed.push_back(to_json(r));
  return {{"segments", segments},
          {"removed_still_mapped", removed},
          {"total_segments", inv.segments.size()},
          {"total_bytes", bytes}};
}

}  // namespace glint::shm_manager
