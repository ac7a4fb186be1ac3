#include "tier_choice.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>

#include "tier_cgroup_memory.h"
#include "util/byte_size.h"
#include "util/posix_error.h"

namespace glint {
namespace {

constexpr const char* kNoDiskTier = "; no disk tier (set GLINT_CACHE_DIR or --cache_dir)";

// Why a segment of `total` bytes cannot go to /dev/shm before anything is
// evicted for it, or "" if it may try. The size checks only spare a pointless
// eviction when the disk tier can take the segment; without one, the upkeep
// and the writer say it in their usual words (needed and free sizes).
std::string shm_refusal(const TierPlan& plan, uint64_t total) {
  const UpkeepContext& shm = plan.shm;
  struct statvfs vfs;
  if (plan.disk && ::statvfs(shm.shm_dir.c_str(), &vfs) == 0) {
    const uint64_t fs_total = uint64_t{vfs.f_blocks} * vfs.f_frsize;
    if (total > fs_total) {
      return format_bytes(total) + " does not fit in " + shm.shm_dir + " (" + format_bytes(fs_total) + ")";
    }
    if (shm.budget.limited() && total > shm.budget.cap(fs_total)) {
      return format_bytes(total) + " is over --max_shm " + shm.budget.text();
    }
  }
  if (auto mem = cgroup_memory()) {
    const uint64_t headroom = plan.memory_headroom ? plan.memory_headroom : default_memory_headroom(mem->limit);
    if (mem->shmem + total + headroom > mem->limit) {
      return format_bytes(total) + " in " + shm.shm_dir + " would not leave " + format_bytes(headroom) +
             " headroom under the memory limit of cgroup " + mem->dir + " (" + format_bytes(mem->limit) + ", " +
             format_bytes(mem->shmem) + " of shared memory already charged to it)";
    }
  }
  return "";
}

// mkdir -p, new directories with `mode`.
Status make_dirs(const std::string& dir, unsigned mode) {
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    const std::string part = dir.substr(0, at);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      return posix_error("create the disk-tier directory " + part, errno);
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return posix_error("disk-tier directory " + dir, errno);
  if (!S_ISDIR(st.st_mode)) return Status(Code::kInvalidArgument, "disk-tier directory " + dir + " is not a directory");
  return Status::Ok();
}

}  // namespace

std::optional<UpkeepContext> disk_upkeep(const CacheOptions& options, UpkeepContext shm) {
  if (options.cache_dir.empty() || options.cache_dir == options.shm_dir) return std::nullopt;
  UpkeepContext disk = std::move(shm);
  disk.shm_dir = options.cache_dir;
  disk.budget = options.max_cache;
  disk.space = "disk space";
  disk.budget_flag = "--max_cache / GLINT_MAX_CACHE";
  disk.durable = true;
  return disk;
}

Result<Placement> place_segment(const TierPlan& plan, const RawSegmentHeader& header, const std::string& trailer,
                                std::string_view what) {
  const uint64_t total = kSegmentHeaderBytes + header.payload_bytes + trailer.size();
  std::string why_not_shm = shm_refusal(plan, total);
  if (why_not_shm.empty()) {
    auto w = create_segment(plan.shm, header, trailer, what);
    if (w.ok()) {
      return Placement{std::move(w.value()), Tier::kSharedMemory,
                       "shared memory " + plan.shm.shm_dir + ": " + format_bytes(total) + " fits"};
    }
    if (!plan.disk) {
      if (w.status().code() != Code::kNoSpace) return w.status();
      return Status(Code::kNoSpace, w.status().message() + kNoDiskTier);
    }
    why_not_shm = w.status().message();
  }
  if (!plan.disk) {
    return Status(Code::kNoSpace, "not enough shared memory for " + std::string(what) + ": " + why_not_shm + kNoDiskTier);
  }
  GLINT_RETURN_IF_ERROR(make_dirs(plan.disk->shm_dir, plan.dir_mode));
  auto w = create_segment(*plan.disk, header, trailer, what);
  if (!w.ok()) {
    return Status(w.status().code(), w.status().message() + "; shared memory was not an option either: " + why_not_shm);
  }
  return Placement{std::move(w.value()), Tier::kDisk, "disk tier " + plan.disk->shm_dir + ": " + why_not_shm};
}

}  // namespace glint
