// JSON forms of inventory records, for --json.
#pragma once

#include <nlohmann/json.hpp>

#include "glint/inventory.h"

namespace glint::shm_manager {

nlohmann::json to_json(const SegmentInfo& info);
nlohmann::json to_json(const RemovedSegment& removed);
nlohmann::json to_json(const CleanupReport& report, bool dry_run);

// Prints `j` on stdout, indented, never throwing on invalid UTF-8.
void print_json(const nlohmann::json& j);

}  // namespace glint::shm_manager
