#include "format.h"

#include <time.h>

#include <cstdio>

namespace glint::shm_manager {

std::string format_mb(uint64_t bytes) {
  char buf[64];
  // Small datasets (labels, coordinates) would all read "0.0 MB".
  if (bytes > 0 && bytes < 100 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

std::string format_age(int64_t s) {
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string format_shape(const std::vector<uint64_t>& shape) {
  std::string out;
  for (uint64_t dim : shape) out += (out.empty() ? "" : "x") + std::to_string(dim);
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
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t now_ns = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  return now_ns > unix_ns ? (now_ns - unix_ns) / 1'000'000'000 : 0;
}

int64_t age_seconds(const SegmentInfo& info) { return seconds_since(info.modified_unix_ns); }

std::string segment_details(const SegmentInfo& info) {
  std::string line = "Size: " + format_mb(info.file_bytes);
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
