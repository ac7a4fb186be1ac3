// Keeping the shared-memory directory in order: reclaiming the segments of a
// file's older versions, and making room for a load from the caller's unused
// segments, least recently attached first, within an optional budget.
//
// Removal is safe against concurrent attaches (see remove_unused) and never
// touches a mapped segment, another user's, or one being loaded (a segment
// being loaded has no name yet). docs/SHM_MANAGER.md, "Upkeep".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "glint/inventory.h"
#include "glint/shm_budget.h"
#include "glint/status.h"
#include "segment_writer.h"

namespace glint {

using Say = std::function<void(const std::string&)>;

struct UpkeepContext {
  std::string shm_dir;
  uid_t uid = 0;                // whose segments may be removed
  ShmBudget budget;             // cap on the user's segments (none by default)
  bool make_room = true;        // evict unused segments when a load lacks room
  std::string keep_md5;         // the file being opened: its segments stay
  Say say;                      // one line per removal made (may be empty)
  // The tier, for messages and for the segments it creates.
  std::string space = "shared memory";             // "not enough <space> in ..."
  std::string budget_flag = "--max_shm / GLINT_MAX_SHM";
  bool durable = false;         // disk tier: checksummed, fsynced segments
};

struct Removal {
  std::vector<SegmentInfo> removed;
  uint64_t freed_bytes = 0;
  std::vector<SegmentInfo> in_use;  // mapped, or being attached: left in place
};

// Removes each of `candidates` (listed with their inodes) that no process
// maps or is attaching: each is locked exclusively (flock, non-blocking; an
// attach holds it shared from open() for as long as its mapping lives), /proc
// is scanned for other mappers after all locks are held, and a name is
// unlinked only while it still holds the inode that was listed (with its
// disk-tier ".verified" marker, if any). An attach that lost the race sees a
// link count of 0 and starts over.
Removal remove_unused(const std::string& dir, std::vector<SegmentInfo> candidates);

// True if upkeep may remove this segment at all: the caller's own, a valid
// segment, and (unless the caller is root, who sees every mapper) readable by
// its owner only, so that every process that can map it is visible in /proc.
bool removable_by(const SegmentInfo& info, uid_t uid);

// Makes room for a new segment of `needed` bytes: within the budget, and in
// the file system's free space. Evicts as few unmapped segments as needed,
// least recently attached first, and says which. kNoSpace only when the
// budget cannot be met; a file system that stays too full is left to the
// segment writer, whose message names the sizes.
Status make_room(const UpkeepContext& ctx, uint64_t needed, std::string_view what);

// SegmentWriter::create after make_room, retried once when a concurrent load
// took the room in between and more could be freed.
Result<SegmentWriter> create_segment(const UpkeepContext& ctx, const RawSegmentHeader& header,
                                     const std::string& trailer, std::string_view what);

// Removes the caller's segments of older versions of `source_path` (same
// path, another MD5) that nobody maps; mapped ones wait for their users and
// go at a later load or cleanup. Says what it did in one line.
Removal reclaim_old_versions(const UpkeepContext& ctx, const std::string& source_path);

// The record of removals made by upkeep, one line each, in shm_dir (hidden,
// per user, bounded): what shm_manager --list shows as "recently removed".
std::string journal_path(const std::string& shm_dir, uid_t uid);
void journal_removals(const std::string& shm_dir, uid_t uid, std::string_view why,
                      const std::vector<SegmentInfo>& removed);

}  // namespace glint
