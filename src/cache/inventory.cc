// Listing segments: a directory scan plus one pass over /proc/*/maps.
#include "glint/inventory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <map>
#include <memory>

#include "inventory_internal.h"
#include "util/posix_error.h"
#include "proc_maps.h"

namespace glint {
namespace inventory_internal {

Result<UniqueFd> open_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return posix_error("open shared-memory directory " + dir, errno);
  return fd;
}

Result<std::vector<std::string>> entry_names(int dir_fd, const std::string& dir) {
  // fdopendir takes ownership of its descriptor, so give it a copy.
  int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return posix_error("list " + dir, errno);
  std::unique_ptr<DIR, int (*)(DIR*)> stream(::fdopendir(copy), ::closedir);
  if (!stream) {
    int err = errno;
    ::close(copy);
    return posix_error("list " + dir, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(stream.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return posix_error("list " + dir, errno);
  std::sort(names.begin(), names.end());
  return names;
}

std::string lock_target(std::string_view name) {
  if (!name.ends_with(kLockSuffix)) return "";
  name.remove_suffix(kLockSuffix.size());
  return parse_segment_name(name).ok() ? std::string(name) : "";
}

// "/dev/shm/" for "/dev/shm", as /proc spells it (symlinks resolved).
std::string canonical_prefix(const std::string& dir) {
  char buf[PATH_MAX];
  if (::realpath(dir.c_str(), buf) == nullptr) return dir + "/";
  std::string out = buf;
  return out.back() == '/' ? out : out + "/";
}

std::map<uint64_t, std::vector<pid_t>> mappers_by_inode(const std::string& dir) {
  std::map<uint64_t, std::vector<pid_t>> by_inode;
  struct stat dir_st;
  if (::stat(dir.c_str(), &dir_st) != 0) return by_inode;
  for (const MappedFile& file : scan_proc_maps(canonical_prefix(dir))) {
    // Matching by device and inode sees through renames and path spellings.
    if (file.dev == dir_st.st_dev) by_inode[file.inode].push_back(file.pid);
  }
  return by_inode;
}

}  // namespace inventory_internal

namespace {

using namespace inventory_internal;

void attach_mappers(const std::string& dir, std::vector<SegmentInfo>& segments) {
  auto by_inode = mappers_by_inode(dir);
  for (SegmentInfo& info : segments) {
    auto it = by_inode.find(info.inode);
    if (it != by_inode.end()) info.mapped_by = it->second;
  }
}

}  // namespace

Result<std::vector<SegmentInfo>> list_segments(const ListOptions& options) {
  auto dir_fd = open_dir(options.shm_dir);
  if (!dir_fd.ok()) return dir_fd.status();
  auto names = entry_names(dir_fd->get(), options.shm_dir);
  if (!names.ok()) return names.status();
  std::vector<SegmentInfo> segments;
  for (const std::string& name : *names) {
    if (name.ends_with(kLockSuffix)) continue;
    auto parsed = parse_segment_name(name);
    if (!parsed.ok()) continue;
    if (!options.md5.empty() && parsed->md5 != options.md5) continue;
    bool present = false;
    SegmentInfo info = inspect_segment(dir_fd->get(), options.shm_dir, name, *parsed, present);
    info.tier = options.tier;
    if (present) segments.push_back(std::move(info));
  }
  if (options.find_mappers) attach_mappers(options.shm_dir, segments);
  std::sort(segments.begin(), segments.end(), [](const SegmentInfo& a, const SegmentInfo& b) {
    return std::tie(a.md5, a.dataset, a.file_name) < std::tie(b.md5, b.dataset, b.file_name);
  });
  return segments;
}

Result<std::vector<RemovedSegment>> list_removed_segments(const ListOptions& options) {
  struct stat dir_st;
  if (::stat(options.shm_dir.c_str(), &dir_st) != 0) {
    return posix_error("stat shared-memory directory " + options.shm_dir, errno);
  }
  std::string prefix = canonical_prefix(options.shm_dir);
  std::map<uint64_t, RemovedSegment> by_inode;
  for (const MappedFile& file : scan_proc_maps(prefix)) {
    std::string_view name = std::string_view(file.path).substr(prefix.size());
    if (!file.deleted || file.dev != dir_st.st_dev || name.find('/') != std::string_view::npos) {
      continue;
    }
    auto parsed = parse_segment_name(name);
    if (!parsed.ok() || (!options.md5.empty() && parsed->md5 != options.md5)) continue;
    RemovedSegment& seg = by_inode[file.inode];
    seg.path = file.path;
    seg.md5 = parsed->md5;
    seg.dataset = parsed->dataset;
    seg.inode = file.inode;
    seg.mapped_bytes = std::max(seg.mapped_bytes, file.mapped_bytes);
    seg.mapped_by.push_back(file.pid);
  }
  std::vector<RemovedSegment> out;
  for (auto& [inode, seg] : by_inode) out.push_back(std::move(seg));
  std::sort(out.begin(), out.end(), [](const RemovedSegment& a, const RemovedSegment& b) {
    return std::tie(a.md5, a.dataset, a.inode) < std::tie(b.md5, b.dataset, b.inode);
  });
  return out;
}

}  // namespace glint
