// Small text helpers for shm_manager's human-readable output.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "glint/inventory.h"
#include "util/byte_size.h"  // format_bytes, used with these helpers

namespace glint::shm_manager {

// A duration for people: "45s", "12m 5s", "3h 2m", "2d 4h".
std::string format_age(int64_t seconds);

// "1000x256x256".
std::string format_shape(const std::vector<uint64_t>& shape);

// "3 segments" / "1 segment".
std::string count_of(size_t n, const char* singular, const char* plural);

// "2 (1234, 5678)" or "none".
std::string format_pids(const std::vector<pid_t>& pids);

// Seconds since a segment was published (never negative).
int64_t age_seconds(const SegmentInfo& info);

// The detail line under a segment: size, dtype and shape, owner, age,
// processes mapping it, stale or fresh, or its problem.
std::string segment_details(const SegmentInfo& info);

}  // namespace glint::shm_manager
