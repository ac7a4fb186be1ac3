// Removing segments that nobody uses, safely against concurrent attaches.
//
// An attach takes flock(LOCK_SH) on the segment right after open(), and the
// lock lives as long as its mapping does (the mapping holds the open file).
// Here every chosen segment is first locked with LOCK_EX|LOCK_NB: a failure
// means some process, of any user, maps it or is attaching it, and it stays.
// Then /proc is scanned for mappers that did not come through the cache (a
// numpy reader of docs/FORMAT.md). An attach that waits for our lock finds
// the name removed (link count 0) and starts over: it never maps a segment
// this code removes.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "inventory_internal.h"
#include "segment_checksum.h"
#include "upkeep.h"

namespace glint {
namespace {

struct Held {
  SegmentInfo info;
  UniqueFd fd;  // holds the exclusive lock
};

// Opens and locks the segment if it is still the listed file and nobody is
// attaching it; an invalid descriptor otherwise.
UniqueFd lock_exclusive(int dir_fd, const SegmentInfo& info) {
  UniqueFd fd(::openat(dir_fd, info.file_name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOATIME));
  if (!fd.valid()) return fd;
  struct stat st;
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 || ::fstat(fd.get(), &st) != 0 || st.st_ino != info.inode ||
      st.st_nlink == 0) {
    return UniqueFd();
  }
  return fd;
}

bool still_named(int dir_fd, const SegmentInfo& info) {
  struct stat st;
  return ::fstatat(dir_fd, info.file_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == info.inode;
}

}  // namespace

bool removable_by(const SegmentInfo& info, uid_t uid) {
  if (info.owner_uid != uid || !info.problem.empty() || !info.layout) return false;
  return uid == 0 || (info.mode & 077) == 0;
}

Removal remove_unused(const std::string& dir, std::vector<SegmentInfo> candidates) {
  Removal out;
  auto dir_fd = inventory_internal::open_dir(dir);
  if (!dir_fd.ok()) return out;
  std::vector<Held> held;
  for (SegmentInfo& info : candidates) {
    UniqueFd fd = lock_exclusive(dir_fd->get(), info);
    if (fd.valid()) {
      held.push_back({std::move(info), std::move(fd)});
    } else if (errno != ENOENT) {
      out.in_use.push_back(std::move(info));
    }
  }
  if (held.empty()) return out;
  auto mappers = inventory_internal::mappers_by_inode(dir);
  for (Held& h : held) {
    auto it = mappers.find(h.info.inode);
    if (it != mappers.end()) {
      h.info.mapped_by = it->second;
      out.in_use.push_back(std::move(h.info));
      continue;
    }
    // Unlinked while we hold the lock: a waiting attach then sees nlink 0.
    if (!still_named(dir_fd->get(), h.info) || ::unlinkat(dir_fd->get(), h.info.file_name.c_str(), 0) != 0) {
      continue;
    }
    (void)::unlinkat(dir_fd->get(), (h.info.file_name + std::string(kVerifiedSuffix)).c_str(), 0);
    out.freed_bytes += h.info.file_bytes;
    out.removed.push_back(std::move(h.info));
  }
  return out;  // the locks drop as `held` goes
}

}  // namespace glint
