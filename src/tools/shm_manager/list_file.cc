// --list --h5 FILE: for each numeric dataset of the file, is it in shared
// memory, and in what state.
#include <cstdio>
#include <map>

#include "commands.h"
#include "format.h"
#include "json_output.h"
#include "list_common.h"

namespace glint::shm_manager {
namespace {

constexpr const char* kRule = "------------------------------------------------------------";

// The inventory of one file, split the way it is shown.
struct FileView {
  std::map<std::string, SegmentInfo> by_dataset;  // current MD5, by dataset
  std::vector<SegmentInfo> others;                // current MD5, not a numeric dataset
  std::vector<SegmentInfo> older;                 // same path, another MD5
  Inventory shown;                                // what the summary counts
};

FileView split(Inventory inv, const H5Target& target) {
  FileView view;
  std::map<std::string, bool> numeric;
  for (const DatasetInfo& ds : target.datasets) numeric[ds.name] = true;
  const std::string& md5 = target.fingerprint.md5;
  for (SegmentInfo& info : inv.segments) {
    bool same_path = info.trailer && info.trailer->source_path == target.fingerprint.path;
    if (info.md5 != md5 && !same_path) continue;
    view.shown.segments.push_back(info);
    if (info.md5 != md5) {
      view.older.push_back(std::move(info));
    } else if (numeric.count(info.dataset)) {
      view.by_dataset.emplace(info.dataset, std::move(info));
    } else {
      view.others.push_back(std::move(info));
    }
  }
  for (RemovedSegment& r : inv.removed) {
    if (r.md5 == md5) view.shown.removed.push_back(std::move(r));
  }
  return view;
}

void print_dataset(const DatasetInfo& ds, const FileView& view, const std::string& md5) {
  auto it = view.by_dataset.find(ds.name);
  if (it != view.by_dataset.end()) return print_segment(it->second, /*indent=*/"");
  auto name = segment_name(md5, ds.name);
  std::printf("✗ %-12s - %s\n", ds.name.c_str(),
              name.ok() ? name->c_str() : "(no segment name)");
  std::printf("  Size: %s   Shape: %s   dtype: %s   Not in shared memory\n",
              format_bytes(ds.bytes).c_str(), format_shape(ds.shape).c_str(),
              std::string(dtype_name(ds.dtype)).c_str());
  if (!name.ok()) std::printf("    Problem: %s\n", name.status().message().c_str());
}

void print_section(const char* title, const std::vector<SegmentInfo>& segments) {
  if (segments.empty()) return;
  std::printf("\n%s\n", title);
  for (const SegmentInfo& info : segments) print_segment(info, /*indent=*/"  ");
}

void print_text(const ManagerOptions& o, const H5Target& target, const FileView& view, const Inventory& all) {
  std::printf("File: %s\nMD5: %s\n\n", o.h5.c_str(), target.fingerprint.md5.c_str());
  std::printf("Shared memory status (%s):\n%s\n", where_text(o).c_str(), kRule);
  size_t present = 0;
  for (const DatasetInfo& ds : target.datasets) {
    print_dataset(ds, view, target.fingerprint.md5);
    auto it = view.by_dataset.find(ds.name);
    present += it != view.by_dataset.end() && it->second.problem.empty();
  }
  std::printf("%s\n", kRule);
  print_section("Other segments with this MD5:", view.others);
  print_section("Segments of older versions of this file (stale):", view.older);
  print_removed(view.shown.removed);
  print_upkeep(o, all);
  std::printf("\n%zu of %zu datasets in shared memory; %s\n", present, target.datasets.size(),
              summary_line(view.shown).c_str());
}

nlohmann::json file_json(const ManagerOptions& o, const H5Target& target, const FileView& view,
                         const Inventory& all) {
  nlohmann::json datasets = nlohmann::json::array();
  for (const DatasetInfo& ds : target.datasets) {
    auto it = view.by_dataset.find(ds.name);
    bool found = it != view.by_dataset.end();
    auto name = segment_name(target.fingerprint.md5, ds.name);
    datasets.push_back({{"dataset", ds.name},
                        {"segment", name.ok() ? *name : ""},
                        {"present", found && it->second.problem.empty()},
                        {"dataset_bytes", ds.bytes},
                        {"dtype", std::string(dtype_name(ds.dtype))},
                        {"shape", ds.shape},
                        {"segment_info", found ? to_json(it->second) : nlohmann::json()}});
  }
  nlohmann::json j = inventory_json(view.shown);
  j["file"] = o.h5;
  j["path"] = target.fingerprint.path;
  j["md5"] = target.fingerprint.md5;
  j["shm_dir"] = o.shm_dir;
  j["datasets"] = datasets;
  if (tier_dirs(o).size() > 1) j["cache_dir"] = o.cache_dir;
  j["upkeep"] = upkeep_json(o, all);
  return j;
}

}  // namespace

int run_list_file(const ManagerOptions& o) {
  auto target = inspect_h5(o.h5, o.rehash);
  if (!target.ok()) return fail(target.status().message());
  auto inv = take_inventory(o, /*md5=*/"");
  if (!inv.ok()) return fail(inv.status().message());
  const Inventory all = *inv;  // the budget counts every segment, not only this file's
  FileView view = split(std::move(*inv), *target);
  if (o.json) {
    print_json(file_json(o, *target, view, all));
  } else {
    print_text(o, *target, view, all);
  }
  return 0;
}

}  // namespace glint::shm_manager
