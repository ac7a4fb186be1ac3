// Removing segments and abandoned lock files.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "glint/inventory.h"
#include "inventory_internal.h"
#include "segment_checksum.h"
#include "util/posix_error.h"
#include "util/time.h"
#include "util/user.h"

namespace glint {
namespace {

using namespace inventory_internal;

bool is_selected(const SegmentInfo& info, const CleanupOptions& o) {
  if (o.md5.empty() && o.source_path.empty()) return true;
  if (!o.md5.empty() && info.md5 == o.md5) return true;
  return !o.source_path.empty() && info.trailer && info.trailer->source_path == o.source_path;
}

bool old_enough(int64_t modified_ns, const CleanupOptions& o, int64_t now) {
  if (!o.older_than_seconds) return true;
  return now - modified_ns >= *o.older_than_seconds * 1'000'000'000;
}

// Why a selected segment must stay, or nullopt if it may go.
std::optional<std::string> reason_to_keep(const SegmentInfo& info, const CleanupOptions& o,
                                          int64_t now) {
  if (o.only_mine && info.owner_uid != ::geteuid()) {
    return "owned by " + info.owner + "; only your own segments are removed";
  }
  if (!old_enough(info.modified_unix_ns, o, now)) {
    return "younger than " + std::to_string(*o.older_than_seconds) + " s";
  }
  if (o.stale_only && !info.stale) return "not stale (its source file is unchanged)";
  return std::nullopt;
}

// Unlinks `name` only if it still is the file we inspected: a segment that
// was removed and republished meanwhile must survive.
Status unlink_same(int dir_fd, const std::string& dir, const std::string& name, uint64_t inode) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return posix_error("stat " + dir + "/" + name, errno);
  }
  if (st.st_ino != inode) {
    return Status(Code::kInvalidArgument, "it was replaced while cleaning up; left in place");
  }
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return posix_error("remove " + dir + "/" + name, errno);
  (void)::unlinkat(dir_fd, (name + std::string(kVerifiedSuffix)).c_str(), 0);  // the disk tier's marker
  return Status::Ok();
}

void remove_segments(int dir_fd, const CleanupOptions& o, std::vector<SegmentInfo> segments,
                     CleanupReport& report) {
  const int64_t now = now_ns();
  for (SegmentInfo& info : segments) {
    if (!is_selected(info, o)) continue;
    if (auto why = reason_to_keep(info, o, now)) {
      report.skipped.push_back(info.file_name + ": " + *why);
      continue;
    }
    if (!o.dry_run) {
      Status st = unlink_same(dir_fd, o.shm_dir, info.file_name, info.inode);
      if (!st.ok()) {
        report.skipped.push_back(info.file_name + ": " + st.message());
        continue;
      }
    }
    report.freed_bytes += info.file_bytes;
    report.removed.push_back(std::move(info));
  }
}

// Removes one lock file if nobody holds it; returns why not otherwise ("" if
// it vanished meanwhile).
std::optional<std::string> remove_lock(int dir_fd, const std::string& name, const CleanupOptions& o,
                                       int64_t now) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return errno == ENOENT ? "" : posix_error("open", errno).message();
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "not a regular file";
  if (o.only_mine && st.st_uid != ::geteuid()) {
    return "owned by " + user_name(st.st_uid).value_or(std::to_string(st.st_uid)) + "; only your own lock files are removed";
  }
  if (!old_enough(to_ns(st.st_mtim), o, now)) {
    return "younger than " + std::to_string(*o.older_than_seconds) + " s";
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return errno == EWOULDBLOCK ? "held by a process loading that segment now"
                                : posix_error("lock", errno).message();
  }
  if (o.dry_run) return std::nullopt;
  // Unlinked while we hold the lock, so no loader is inside its critical section.
  Status st_unlink = unlink_same(dir_fd, o.shm_dir, name, st.st_ino);
  if (!st_unlink.ok()) return st_unlink.message();
  return std::nullopt;
}

void remove_locks(int dir_fd, const std::vector<std::string>& names, const CleanupOptions& o,
                  CleanupReport& report) {
  const int64_t now = now_ns();
  for (const std::string& name : names) {
    std::string target = lock_target(name);
    if (target.empty()) continue;
    // Lock files carry no trailer, so a source_path-only filter spares them.
    bool selected = o.md5.empty() ? o.source_path.empty() : target.compare(kSegmentPrefix.size(), 32, o.md5) == 0;
    if (!selected) continue;
    if (auto why = remove_lock(dir_fd, name, o, now)) {
      if (!why->empty()) report.skipped.push_back(name + ": " + *why);
    } else {
      report.removed_locks.push_back(name);
    }
  }
}

}  // namespace

Result<CleanupReport> cleanup_segments(const CleanupOptions& options) {
  ListOptions list;
  list.tier = options.tier;
  list.shm_dir = options.shm_dir;
  auto segments = list_segments(list);
  if (!segments.ok()) return segments.status();
  auto dir_fd = open_dir(options.shm_dir);
  if (!dir_fd.ok()) return dir_fd.status();
  auto names = entry_names(dir_fd->get(), options.shm_dir);
  if (!names.ok()) return names.status();
  CleanupReport report;
  remove_segments(dir_fd->get(), options, std::move(*segments), report);
  remove_locks(dir_fd->get(), *names, options, report);
  return report;
}

}  // namespace glint
