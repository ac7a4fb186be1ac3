#include "json_output.h"

#include <cstdio>

#include "format.h"

namespace glint::shm_manager {
namespace {

void add_trailer(const SegmentTrailer& t, nlohmann::json& j) {
  j["source_path"] = t.source_path;
  j["source_size"] = t.source_size;
  j["source_mtime_ns"] = t.source_mtime_ns;
  j["created_unix_ns"] = t.created_unix_ns;
  j["creator_pid"] = t.creator_pid;
  j["creator_host"] = t.creator_host;
}

}  // namespace

nlohmann::json to_json(const SegmentInfo& info) {
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", info.mode);
  nlohmann::json j = {
      {"file_name", info.file_name},   {"path", info.path},
      {"tier", std::string(tier_name(info.tier))},
      {"md5", info.md5},               {"dataset", info.dataset},
      {"owner", info.owner},           {"owner_uid", info.owner_uid},
      {"mode", mode},                  {"size_bytes", info.file_bytes},
      {"modified_unix_ns", info.modified_unix_ns},
      {"age_seconds", age_seconds(info)},
      {"last_used_unix_ns", info.last_attach_unix_ns},
      {"last_used_seconds_ago", seconds_since(info.last_attach_unix_ns)},
      {"ok", info.problem.empty()},    {"problem", nullptr},
      {"stale", info.stale},           {"stale_reason", nullptr},
      {"mapped_by", info.mapped_by},   {"source_path", nullptr},
  };
  if (!info.problem.empty()) j["problem"] = info.problem;
  if (info.stale) j["stale_reason"] = info.stale_reason;
  if (info.layout) {
    j["dtype"] = std::string(dtype_name(info.layout->dtype));
    j["shape"] = info.layout->shape;
    j["payload_bytes"] = info.layout->payload_bytes;
  }
  if (info.trailer) add_trailer(*info.trailer, j);
  j["fresh"] = info.trailer.has_value() && info.problem.empty() && !info.stale;  // the listing's "Fresh"
  return j;
}

nlohmann::json to_json(const RemovedSegment& removed) {
  return {{"path", removed.path},           {"md5", removed.md5},
          {"dataset", removed.dataset},     {"inode", removed.inode},
          {"mapped_bytes", removed.mapped_bytes}, {"mapped_by", removed.mapped_by}};
}

nlohmann::json to_json(const CleanupReport& report, bool dry_run) {
  nlohmann::json removed = nlohmann::json::array();
  size_t still_mapped = 0;
  for (const SegmentInfo& info : report.removed) {
    removed.push_back(to_json(info));
    still_mapped += info.mapped_by.empty() ? 0 : 1;
  }
  return {{"dry_run", dry_run},
          {"removed", removed},
          {"removed_locks", report.removed_locks},
          {"skipped", report.skipped},
          {"freed_bytes", report.freed_bytes},
          {"removed_still_mapped", still_mapped}};
}

void print_json(const nlohmann::json& j) {
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace glint::shm_manager
