#include "format.h"
#include "util/time.h"

#include <time.h>

#include <cstdio>

namespace glint::shm_manager {

std::string format_age(int64_t s) {
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string format_shape(const std::vector<uint64_t>& shape) {
  std::string out;
  for (uint64_t dim : shape) {
    if (!out.empty()) out += 'x';
    out += std::to_string(dim);
  }
  return out;
}

std::string count_of(size_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

std::string format_pids(const std::vector<pid_t>& pids) {
  if (pids.empty()) return "none";
  std::string list;
  for (pid_t pid : pids) list += (list.empty() ? "" : ", ") + std::to_string(pid);
  return std::to_string(pids.size()) + " (" + list + ")";
}

int64_t seconds_since(int64_t unix_ns) {
  const int64_t now = now_ns();
  return now > unix_ns ? (now - unix_ns) / 1'000'000'000 : 0;
}

int64_t age_seconds(const SegmentInfo& info) { return seconds_since(info.modified_unix_ns); }

std::string segment_details(const SegmentInfo& info) {
  std::string line = "Tier: " + std::string(tier_name(info.tier)) + "   Size: " + format_bytes(info.file_bytes);
  if (info.layout) {
    line += "   Shape: " + format_shape(info.layout->shape) +
            "   dtype: " + std::string(dtype_name(info.layout->dtype));
  }
  line += "   Owner: " + info.owner + "   Age: " + format_age(age_seconds(info)) +
          "   Last used: " + format_age(seconds_since(info.last_attach_unix_ns)) + " ago" +
          "   Mapped by: " + format_pids(info.mapped_by);
  if (!info.problem.empty()) return line + "\n    Problem: " + info.problem;
  if (info.stale) {
    line += "\n    Stale: " + info.stale_reason;
    return line + (info.mapped_by.empty()
                       ? "; reclaimed by the next load of the file (or --cleanup)"
                       : "; waits for its users, then reclaimed by the next load of the file (or --cleanup)");
  }
  return line + (info.trailer ? "   Fresh" : "");
}

}  // namespace glint::shm_manager
