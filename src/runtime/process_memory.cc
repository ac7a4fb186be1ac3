#include "runtime/process_memory.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "util/byte_size.h"

namespace glint::train {
namespace {

// "Key:   123 kB" lines of a /proc file, values in kB.
std::map<std::string, int64_t> read_kb_fields(const std::string& path) {
  std::map<std::string, int64_t> fields;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream value(line.substr(colon + 1));
    int64_t kb = 0;
    std::string unit;
    if (value >> kb >> unit && unit == "kB") fields[line.substr(0, colon)] = kb;
  }
  return fields;
}

int64_t get(const std::map<std::string, int64_t>& fields, const std::string& key) {
  const auto it = fields.find(key);
  return it == fields.end() ? -1 : it->second;
}

std::string mb(int64_t kb) {
  if (kb < 0) return "n/a";
  return format_bytes(static_cast<uint64_t>(kb) * 1024);
}

}  // namespace

MemoryUsage read_memory_usage(pid_t pid) {
  const std::string dir = pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid);
  const auto status = read_kb_fields(dir + "/status");
  const auto rollup = read_kb_fields(dir + "/smaps_rollup");
  MemoryUsage u;
  u.rss_kb = get(status, "VmRSS");
  u.peak_rss_kb = get(status, "VmHWM");
  u.rss_shmem_kb = get(status, "RssShmem");
  u.pss_kb = get(rollup, "Pss");
  u.pss_anon_kb = get(rollup, "Pss_Anon");
  u.pss_shmem_kb = get(rollup, "Pss_Shmem");
  return u;
}

std::string format_memory(const MemoryUsage& u) {
  std::string text = "peak RSS " + mb(u.peak_rss_kb) + ", RSS " + mb(u.rss_kb) + ", PSS " + mb(u.pss_kb);
  if (u.pss_shmem_kb >= 0) {
    text += " (private heap " + mb(u.pss_anon_kb) + ", this process's share of shared memory " +
            mb(u.pss_shmem_kb) + ")";
  }
  return text;
}

}  // namespace glint::train
