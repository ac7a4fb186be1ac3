// The memory limit of the calling process's cgroup, v1 or v2: tmpfs pages of
// /dev/shm count against it and cannot be reclaimed without swap, so a
// segment that does not fit under it must not go to /dev/shm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace glint {

struct CgroupMemory {
  std::string dir;          // "/sys/fs/cgroup/memory/job" (for messages)
  uint64_t limit = 0;       // the tightest limit of the cgroup and its ancestors
  uint64_t shmem = 0;       // tmpfs/shared memory already charged to it
};

// nullopt when the process has no memory limit (or none can be read):
// v1 memory.stat's hierarchical_memory_limit (limits from 2^62 up mean
// none) and total_shmem; v2 the smallest memory.max from the cgroup up to
// the mount's root, and memory.stat's shmem. The cgroup is found from
// /proc/self/cgroup and /proc/self/mountinfo (containers with their own
// cgroup namespace see their cgroup as the root).
std::optional<CgroupMemory> cgroup_memory();

// What a load into /dev/shm leaves to the process itself under a limit:
// a quarter of the limit, at least 512 MiB (a seed-size trainer peaks at
// about 1.2 GiB, most of it the model and batch buffers).
uint64_t default_memory_headroom(uint64_t limit);

}  // namespace glint
