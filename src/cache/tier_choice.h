// Choosing the tier of a new segment: /dev/shm when it fits there after
// eviction (file system, max_shm, and the cgroup's memory limit less a
// headroom), else the disk tier's cache directory within max_cache, else an
// error that gives both reasons.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "glint/cache.h"
#include "glint/segment_format.h"
#include "glint/status.h"
#include "segment_writer.h"
#include "upkeep.h"

namespace glint {

struct TierPlan {
  UpkeepContext shm;
  std::optional<UpkeepContext> disk;  // none: no disk tier
  uint64_t memory_headroom = 0;       // 0: default_memory_headroom(limit)
  unsigned dir_mode = 0700;           // for a cache directory to create
};

// The upkeep context of the disk tier for `options` (nullopt without one).
std::optional<UpkeepContext> disk_upkeep(const CacheOptions& options, UpkeepContext shm);

struct Placement {
  SegmentWriter writer;
  Tier tier;
  std::string note;  // which tier and why, one line
};

// Creates the segment's writer in the first tier with room (making room
// there first). kNoSpace when neither has room; the message names both.
Result<Placement> place_segment(const TierPlan& plan, const RawSegmentHeader& header, const std::string& trailer,
                                std::string_view what);

}  // namespace glint
