#include "list_common.h"

#include <cstdio>

#include "format.h"
#include "json_output.h"

namespace glint::shm_manager {

Result<Inventory> take_inventory(const std::string& shm_dir, const std::string& md5) {
  ListOptions options;
  options.shm_dir = shm_dir;
  options.md5 = md5;
  auto segments = list_segments(options);
  if (!segments.ok()) return segments.status();
  auto removed = list_removed_segments(options);
  if (!removed.ok()) return removed.status();
  return Inventory{std::move(*segments), std::move(*removed)};
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
