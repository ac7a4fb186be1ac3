// --list without --h5: every segment, grouped by source file (MD5).
#include <cstdio>

#include "commands.h"
#include "format.h"
#include "json_output.h"
#include "list_common.h"

namespace glint::shm_manager {
namespace {

std::string group_title(const SegmentInfo& first) {
  std::string source = "(source unknown)";
  if (first.trailer) source = first.trailer->source_path;
  return "MD5 " + first.md5 + "  " + source;
}

void print_text(const Inventory& inv, const ManagerOptions& o) {
  std::printf("glint segments in %s:\n", where_text(o).c_str());
  std::string md5;
  for (const SegmentInfo& info : inv.segments) {
    if (info.md5 != md5) {
      md5 = info.md5;
      std::printf("\n%s\n", group_title(info).c_str());
    }
    print_segment(info, /*indent=*/"  ");
  }
  if (inv.segments.empty()) std::printf("  (none)\n");
  print_removed(inv.removed);
  print_upkeep(o, inv);
  std::printf("\n%s\n", summary_line(inv).c_str());
}

}  // namespace

int run_list(const ManagerOptions& o) {
  if (!o.h5.empty()) return run_list_file(o);
  auto inv = take_inventory(o, /*md5=*/"");
  if (!inv.ok()) return fail(inv.status().message());
  if (o.json) {
    nlohmann::json j = inventory_json(*inv);
    j["shm_dir"] = o.shm_dir;
    if (tier_dirs(o).size() > 1) j["cache_dir"] = o.cache_dir;
    j["upkeep"] = upkeep_json(o, *inv);
    print_json(j);
  } else {
    print_text(*inv, o);
  }
  return 0;
}

}  // namespace glint::shm_manager
