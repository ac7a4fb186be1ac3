#include "tier_cgroup_memory.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace glint {
namespace {

constexpr uint64_t kNoLimit = uint64_t{1} << 62;

struct Mount {
  std::string root;   // the cgroup path that the mount point shows
  std::string point;
};

// The mount of the v1 memory hierarchy (`v2` false) or of cgroup2.
std::optional<Mount> find_mount(bool v2) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // "36 25 0:31 / /sys/fs/cgroup/memory rw,... - cgroup cgroup rw,memory"
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
    std::string id, parent, devno, root, point, fstype, source, super;
    head >> id >> parent >> devno >> root >> point;
    tail >> fstype >> source >> super;
    if (v2 && fstype == "cgroup2") return Mount{root, point};
    if (!v2 && fstype == "cgroup" && ("," + super + ",").find(",memory,") != std::string::npos) {
      return Mount{root, point};
    }
  }
  return std::nullopt;
}

// The directory of cgroup `path` under `mount`, or "" if outside it.
std::string dir_of(const Mount& m, const std::string& path) {
  std::string rel = path;
  if (m.root != "/") {
    if (rel.rfind(m.root, 0) != 0) return "";
    rel = rel.substr(m.root.size());
  }
  if (!rel.empty() && rel.back() == '/') rel.pop_back();
  return m.point + rel;
}

std::optional<uint64_t> read_number(const std::string& file) {
  std::ifstream in(file);
  std::string s;
  if (!(in >> s)) return std::nullopt;
  if (s == "max") return kNoLimit;
  try {
    return std::stoull(s);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<uint64_t> stat_field(const std::string& dir, std::string_view key) {
  std::ifstream in(dir + "/memory.stat");
  std::string k;
  uint64_t v;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<CgroupMemory> v1(const std::string& path) {
  auto m = find_mount(false);
  if (!m) return std::nullopt;
  std::string dir = dir_of(*m, path);
  if (dir.empty()) return std::nullopt;
  auto limit = stat_field(dir, "hierarchical_memory_limit");
  if (!limit) limit = read_number(dir + "/memory.limit_in_bytes");
  if (!limit || *limit >= kNoLimit) return std::nullopt;
  return CgroupMemory{dir, *limit, stat_field(dir, "total_shmem").value_or(0)};
}

std::optional<CgroupMemory> v2(const std::string& path) {
  auto m = find_mount(true);
  if (!m) return std::nullopt;
  const std::string leaf = dir_of(*m, path);
  if (leaf.empty()) return std::nullopt;
  uint64_t limit = kNoLimit;
  for (std::string dir = leaf; dir.size() > m->point.size(); dir = dir.substr(0, dir.rfind('/'))) {
    limit = std::min(limit, read_number(dir + "/memory.max").value_or(kNoLimit));
  }
  if (limit >= kNoLimit) return std::nullopt;
  return CgroupMemory{leaf, limit, stat_field(leaf, "shmem").value_or(0)};
}

}  // namespace

std::optional<CgroupMemory> cgroup_memory() {
  std::ifstream in("/proc/self/cgroup");
  std::optional<std::string> v1_path, v2_path;
  for (std::string line; std::getline(in, line);) {
    // "4:memory:/job" (v1) or "0::/job" (v2)
    const size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (controllers.empty()) v2_path = path;
    if (("," + controllers + ",").find(",memory,") != std::string::npos) v1_path = path;
  }
  if (v1_path) {
    if (auto r = v1(*v1_path)) return r;
  }
  if (v2_path) return v2(*v2_path);
  return std::nullopt;
}

uint64_t default_memory_headroom(uint64_t limit) { return std::max<uint64_t>(limit / 4, uint64_t{512} << 20); }

}  // namespace glint
