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

// Segments (and removed-but-mapped ones) of shm_dir; md5 "" = all.
Result<Inventory> take_inventory(const std::string& shm_dir, const std::string& md5);

// "✓ /images   - glint_<md5>_images" then the detail line.
void print_segment(const SegmentInfo& info, const std::string& indent);

// The "Removed but still mapped" section; nothing when `removed` is empty.
void print_removed(const std::vector<RemovedSegment>& removed);

// "3 segments, 490.6 MiB (1 removed but still mapped: 245.3 MiB)".
std::string summary_line(const Inventory& inv);

// {"segments": [...], "removed_still_mapped": [...], totals}.
nlohmann::json inventory_json(const Inventory& inv);

// --list --h5 FILE.
int run_list_file(const ManagerOptions& options);

}  // namespace glint::shm_manager
