// Memory of a process as the kernel accounts it, to show what sharing saved.
//
// Rss counts every resident page a process maps, so N trainers attached to
// one shared copy each count all of it. Pss divides each page by the number
// of processes mapping it, so the Pss of all trainers adds up to the memory
// really used; Pss_Shmem is the part of Pss in shared memory (tmpfs).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace glint::train {

struct MemoryUsage {
  // Each field is in KiB, -1 when the kernel does not report it.
  int64_t rss_kb = -1;         // /proc/PID/status VmRSS
  int64_t peak_rss_kb = -1;    // /proc/PID/status VmHWM
  int64_t rss_shmem_kb = -1;   // /proc/PID/status RssShmem (all mapped shared memory)
  int64_t pss_kb = -1;         // /proc/PID/smaps_rollup Pss
  int64_t pss_anon_kb = -1;    // Pss_Anon (private heap: tensors, a preloaded copy)
  int64_t pss_shmem_kb = -1;   // Pss_Shmem (shared-memory segments), Linux >= 5.8
};

// Reads /proc/PID (pid 0 = this process). Fields it cannot read stay -1;
// never throws.
MemoryUsage read_memory_usage(pid_t pid = 0);

// "peak RSS 412.3 MiB, RSS 380.0 MiB, PSS 300.1 MiB (private heap 250.0 MiB,
// this process's share of shared memory 6.2 MiB)"; the parenthesis only when
// the kernel reports Pss_Shmem, "n/a" for a field it does not report.
std::string format_memory(const MemoryUsage& usage);

}  // namespace glint::train
