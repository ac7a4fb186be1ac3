// Making room for a load, and reclaiming a file's older versions.
#include "upkeep.h"

#include <sys/statvfs.h>
#include <time.h>

#include <algorithm>
#include <cstdio>

#include "util/byte_size.h"

namespace glint {
namespace {

constexpr uint64_t kPage = 4096;

std::string ago(int64_t unix_ns) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t s = std::max<int64_t>(0, now.tv_sec - unix_ns / 1'000'000'000);
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 7200) return std::to_string(s / 60) + " min ago";
  if (s < 172800) return std::to_string(s / 3600) + " h ago";
  return std::to_string(s / 86400) + " days ago";
}

struct Space {
  uint64_t fs_total = 0;
  uint64_t fs_free = 0;
};

Space space_of(const std::string& dir) {
  Space s;
  struct statvfs vfs;
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    s.fs_total = uint64_t{vfs.f_blocks} * vfs.f_frsize;
    s.fs_free = uint64_t{vfs.f_bavail} * vfs.f_frsize;
  }
  return s;
}

// The caller's segments, and what they occupy (named ones plus removed ones
// still mapped, whose memory is not free either).
struct Holdings {
  std::vector<SegmentInfo> mine;
  uint64_t used = 0;
  uint64_t mapped = 0;  // of `used`, held by running processes
};

Holdings holdings_of(const UpkeepContext& ctx, bool with_removed, bool find_mappers = true) {
  Holdings h;
  ListOptions list;
  list.shm_dir = ctx.shm_dir;
  list.find_mappers = find_mappers;
  auto all = list_segments(list);
  if (all.ok()) {
    for (SegmentInfo& s : *all) {
      if (s.owner_uid != ctx.uid) continue;
      h.used += s.file_bytes;
      if (!s.mapped_by.empty()) h.mapped += s.file_bytes;
      h.mine.push_back(std::move(s));
    }
  }
  if (with_removed) {
    auto removed = list_removed_segments(list);
    if (removed.ok()) {
      for (const RemovedSegment& r : *removed) {
        h.used += r.mapped_bytes;
        h.mapped += r.mapped_bytes;
      }
    }
  }
  return h;
}

// Evicts unmapped segments, least recently attached first, until `goal`
// bytes are freed or none is left; returns what was removed.
Removal evict(const UpkeepContext& ctx, std::vector<SegmentInfo> mine, uint64_t goal) {
  std::vector<SegmentInfo> pool;
  for (SegmentInfo& s : mine) {
    if (removable_by(s, ctx.uid) && s.mapped_by.empty() && s.md5 != ctx.keep_md5) pool.push_back(std::move(s));
  }
  std::sort(pool.begin(), pool.end(), [](const SegmentInfo& a, const SegmentInfo& b) {
    return a.last_attach_unix_ns < b.last_attach_unix_ns;
  });
  Removal total;
  size_t next = 0;
  while (total.freed_bytes < goal && next < pool.size()) {
    std::vector<SegmentInfo> batch;  // just enough, if none of them turns out to be in use
    for (uint64_t planned = total.freed_bytes; planned < goal && next < pool.size(); ++next) {
      planned += pool[next].file_bytes;
      batch.push_back(pool[next]);
    }
    Removal r = remove_unused(ctx.shm_dir, std::move(batch));
    total.freed_bytes += r.freed_bytes;
    for (auto& s : r.removed) total.removed.push_back(std::move(s));
    for (auto& s : r.in_use) total.in_use.push_back(std::move(s));
  }
  return total;
}

void tell_evicted(const UpkeepContext& ctx, const Removal& r, std::string_view what) {
  if (r.removed.empty()) return;
  journal_removals(ctx.shm_dir, ctx.uid, "evicted", r.removed);
  if (!ctx.say) return;
  std::string names;
  for (const SegmentInfo& s : r.removed) {
    names += (names.empty() ? "" : ", ") + s.file_name + " (" + format_bytes(s.file_bytes) + ", last attached " +
             ago(s.last_attach_unix_ns) + ")";
  }
  ctx.say("made room for " + std::string(what) + " in " + ctx.shm_dir + ": removed " +
          std::to_string(r.removed.size()) + " unused segment" + (r.removed.size() == 1 ? "" : "s") +
          ", least recently used first: " + names);
}

Status over_budget(const UpkeepContext& ctx, uint64_t needed, uint64_t cap, const Holdings& h,
                   std::string_view what) {
  return Status(Code::kNoSpace,
                "not enough " + ctx.space + " in the budget for " + std::string(what) + ": needs " + format_bytes(needed) +
                    ", your glint segments in " + ctx.shm_dir + " use " + format_bytes(h.used) + " of " + format_bytes(cap) +
                    " (" + ctx.budget_flag + " " + ctx.budget.text() + "), " + format_bytes(h.mapped) +
                    " of it mapped by running processes; raise the budget or stop trainings that use other files");
}

}  // namespace

Status make_room(const UpkeepContext& ctx, uint64_t needed, std::string_view what) {
  const Space space = space_of(ctx.shm_dir);
  const uint64_t pages = (needed + kPage - 1) / kPage * kPage;
  uint64_t goal = pages > space.fs_free ? pages - space.fs_free : 0;
  if (goal == 0 && !ctx.budget.limited()) return Status::Ok();
  Holdings h = holdings_of(ctx, ctx.budget.limited());
  const uint64_t cap = ctx.budget.cap(space.fs_total);
  if (ctx.budget.limited()) {
    if (needed > cap) return over_budget(ctx, needed, cap, h, what);
    if (h.used + needed > cap) goal = std::max(goal, h.used + needed - cap);
  }
  if (goal == 0) return Status::Ok();
  Removal r;
  if (ctx.make_room) r = evict(ctx, std::move(h.mine), goal);
  tell_evicted(ctx, r, what);
  if (ctx.budget.limited() && h.used - std::min(h.used, r.freed_bytes) + needed > cap) {
    h.used -= std::min(h.used, r.freed_bytes);
    return over_budget(ctx, needed, cap, h, what);
  }
  return Status::Ok();  // a file system still too full: the writer's message says so
}

Result<SegmentWriter> create_segment(const UpkeepContext& ctx, const RawSegmentHeader& header,
                                     const std::string& trailer, std::string_view what) {
  const uint64_t total = kSegmentHeaderBytes + header.payload_bytes + trailer.size();
  GLINT_RETURN_IF_ERROR(make_room(ctx, total, what));
  auto writer = SegmentWriter::create(ctx.shm_dir, header, trailer, what, ctx.space, ctx.durable);
  if (writer.ok() || writer.status().code() != Code::kNoSpace || !ctx.make_room) return writer;
  // Another load may have taken the room since: one more round, if it frees anything.
  const uint64_t before = space_of(ctx.shm_dir).fs_free;
  GLINT_RETURN_IF_ERROR(make_room(ctx, total, what));
  if (space_of(ctx.shm_dir).fs_free <= before) return writer;
  return SegmentWriter::create(ctx.shm_dir, header, trailer, what, ctx.space, ctx.durable);
}

Removal reclaim_old_versions(const UpkeepContext& ctx, const std::string& source_path) {
  // remove_unused finds the mappers (one /proc scan, after locking): the
  // listing need not.
  Holdings h = holdings_of(ctx, /*with_removed=*/false, /*find_mappers=*/false);
  std::vector<SegmentInfo> old;
  for (SegmentInfo& s : h.mine) {
    if (!s.trailer || s.trailer->source_path != source_path || s.md5 == ctx.keep_md5) continue;
    if (removable_by(s, ctx.uid)) old.push_back(std::move(s));
  }
  if (old.empty()) return Removal{};
  Removal r = remove_unused(ctx.shm_dir, std::move(old));
  journal_removals(ctx.shm_dir, ctx.uid, "reclaimed", r.removed);
  if (ctx.say && (!r.removed.empty() || !r.in_use.empty())) {
    std::string line = "older versions of " + source_path + ": reclaimed " + std::to_string(r.removed.size()) +
                       " segment" + (r.removed.size() == 1 ? "" : "s") + " (" + format_bytes(r.freed_bytes) + ")";
    if (!r.in_use.empty()) {
      line += "; " + std::to_string(r.in_use.size()) +
              " still mapped, removed by a later load or cleanup after their last user exits";
    }
    ctx.say(line);
  }
  return r;
}

}  // namespace glint
