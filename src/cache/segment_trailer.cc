// The JSON trailer after the payload: where a segment came from.
#include <nlohmann/json.hpp>

#include "glint/segment_format.h"

namespace glint {

std::string serialize_trailer(const SegmentTrailer& t) {
  nlohmann::json j = {
      {"source_path", t.source_path},   {"dataset", t.dataset},
      {"md5", t.md5},                   {"source_size", t.source_size},
      {"source_dev", t.source_dev},     {"source_ino", t.source_ino},
      {"source_mtime_ns", t.source_mtime_ns}, {"created_unix_ns", t.created_unix_ns},
      {"creator_pid", t.creator_pid},   {"creator_host", t.creator_host},
  };
  // Invalid UTF-8 in a path must not make dump() throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SegmentTrailer> parse_trailer(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status(Code::kCorrupt, "segment trailer is not a JSON object");
  }
  SegmentTrailer t;
  auto get = [&j](const char* key, auto& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    using T = std::decay_t<decltype(out)>;
    if constexpr (std::is_same_v<T, std::string>) {
      if (it->is_string()) out = it->template get<std::string>();
    } else {
      if (it->is_number_integer()) out = it->template get<T>();
    }
  };
  get("source_path", t.source_path);
  get("dataset", t.dataset);
  get("md5", t.md5);
  get("source_size", t.source_size);
  get("source_dev", t.source_dev);
  get("source_ino", t.source_ino);
  get("source_mtime_ns", t.source_mtime_ns);
  get("created_unix_ns", t.created_unix_ns);
  get("creator_pid", t.creator_pid);
  get("creator_host", t.creator_host);
  return t;
}

}  // namespace glint
