// Listing and removing segments: what shm_manager is built on.
//
// Removing a segment only removes its name: processes that have it mapped
// keep a consistent view, and the memory is freed when the last one unmaps.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "glint/dtype.h"
#include "glint/segment_format.h"
#include "glint/shm_dir.h"
#include "glint/status.h"

namespace glint {

struct SegmentInfo {
  std::string file_name;        // "glint_<md5>_images"
  std::string path;             // "/dev/shm/glint_<md5>_images"
  std::string md5;
  std::string dataset;          // "/images"
  uid_t owner_uid = 0;
  std::string owner;            // user name, or the uid as text
  gid_t group_gid = 0;
  uint32_t mode = 0;            // permission bits
  uint64_t inode = 0;
  uint64_t file_bytes = 0;      // real size of the segment
  int64_t modified_unix_ns = 0; // when it was published
  // The last attach (the segment's atime, set by every attach of its owner):
  // "least recently used" for eviction. Listing does not change it.
  int64_t last_attach_unix_ns = 0;
  // Set when the header is valid (even if the trailer is not).
  std::optional<SegmentLayout> layout;
  // Set when the trailer is valid; absent from segments without one.
  std::optional<SegmentTrailer> trailer;
  std::string problem;          // why the segment is unusable, "" if fine
  // Source file gone, or its size/mtime/inode differ from the trailer's.
  bool stale = false;
  std::string stale_reason;
  // Processes that map it now (from /proc/*/maps; only those we may read).
  std::vector<pid_t> mapped_by;
};

struct ListOptions {
  std::string shm_dir = kDefaultShmDir;
  // Only segments of this MD5 ("" = all).
  std::string md5;
  // Scan /proc for processes mapping each segment.
  bool find_mappers = true;
};

// Every "glint_*" segment in shm_dir, sorted by md5 then dataset. Lock files
// and other names are skipped. Each candidate is opened with O_NOFOLLOW and
// read with pread within its real size, never mapped. Symlinks, non-regular
// files, unreadable (another user's) and invalid segments are listed with a
// problem. Errors only when shm_dir itself cannot be read.
Result<std::vector<SegmentInfo>> list_segments(const ListOptions& options);

// A segment whose name was removed while processes still map it: its memory
// is only freed when the last of them unmaps (exits).
struct RemovedSegment {
  std::string path;             // as /proc shows it, without " (deleted)"
  std::string md5;
  std::string dataset;
  uint64_t inode = 0;
  uint64_t mapped_bytes = 0;    // largest mapping among the processes
  std::vector<pid_t> mapped_by;
};

// Removed-but-still-mapped segments of shm_dir, from /proc/*/maps (only the
// processes we may read), sorted by md5 then dataset. options.md5 filters.
Result<std::vector<RemovedSegment>> list_removed_segments(const ListOptions& options);

struct CleanupOptions {
  std::string shm_dir = kDefaultShmDir;
  std::string md5;                 // only this file's segments ("" = all)
  // Also those whose trailer names this source path (older versions of the
  // same file); with md5 set, a segment matches either. "" = no such filter.
  std::string source_path;
  bool only_mine = true;           // never touch other users' segments
  std::optional<int64_t> older_than_seconds;  // only segments at least this old
  bool stale_only = false;         // only segments whose source is gone/changed
  bool dry_run = false;            // report, remove nothing
};

struct CleanupReport {
  std::vector<SegmentInfo> removed;   // (or would be, with dry_run)
  std::vector<std::string> skipped;   // one line each: name and why
  std::vector<std::string> removed_locks;  // abandoned lock files (names)
  uint64_t freed_bytes = 0;           // bytes no longer reachable by name
};

// Removes matching segments and abandoned lock files. A segment that a
// process is loading right now cannot match: it has no name yet. A lock file
// is removed only while we hold flock(LOCK_EX|LOCK_NB) on it, so one held by
// a loader is skipped. Segments that cannot be removed (another user's, a
// failed unlink) are listed in `skipped`; the call itself fails only when
// shm_dir cannot be read.
Result<CleanupReport> cleanup_segments(const CleanupOptions& options);

// What the cache removed by itself in shm_dir (old versions reclaimed,
// unused segments evicted to make room), the caller's last `max_lines`
// records, oldest first: "2026-12-06 01:02:03 reclaimed glint_<md5>_images
// (245.3 MiB): /data/train.h5". Empty when there are none.
std::vector<std::string> read_upkeep_journal(const std::string& shm_dir, size_t max_lines);

}  // namespace glint
