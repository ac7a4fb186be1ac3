// Pieces shared by the two forms of --list.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "glint/inventory.h"
#include "options.h"

namespace glint::shm_manager {

struct Inventory {
  std::vector<SegmentInfo> segments;
  std::vector<RemovedSegment> removed;  // removed but still mapped
};

// Segments (and removed-but-mapped ones) of both tiers: options.shm_dir, and
// options.cache_dir when set and present; md5 "" = all.
Result<Inventory> take_inventory(const ManagerOptions& options, const std::string& md5);

// The directories --list and --cleanup look at, /dev/shm first, and their tiers.
std::vector<std::pair<std::string, Tier>> tier_dirs(const ManagerOptions& options);

// "/dev/shm" or "/dev/shm and the disk tier /root/.cache/glint".
std::string where_text(const ManagerOptions& options);

// "✓ /images   - glint_<md5>_images" then the detail line.
void print_segment(const SegmentInfo& info, const std::string& indent);

// The "Removed but still mapped" section; nothing when `removed` is empty.
void print_removed(const std::vector<RemovedSegment>& removed);

// What the cache removed by itself lately (old versions reclaimed, unused
// segments evicted), and the usage against --max-shm when one is set.
void print_upkeep(const ManagerOptions& options, const Inventory& inv);
nlohmann::json upkeep_json(const ManagerOptions& options, const Inventory& inv);

// "3 segments, 490.6 MiB (1 removed but still mapped: 245.3 MiB)".
std::string summary_line(const Inventory& inv);

// {"segments": [...], "removed_still_mapped": [...], totals}.
nlohmann::json inventory_json(const Inventory& inv);

// --list --h5 FILE.
int run_list_file(const ManagerOptions& options);

}  // namespace glint::shm_manager
