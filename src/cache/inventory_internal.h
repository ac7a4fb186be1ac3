// Pieces shared by listing (inventory.cc) and cleanup (inventory_cleanup.cc).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "glint/inventory.h"
#include "glint/segment_format.h"
#include "glint/status.h"
#include "util/unique_fd.h"

namespace glint::inventory_internal {


// Opens shm_dir as a directory (kNotFound / kPermissionDenied name it).
Result<UniqueFd> open_dir(const std::string& dir);

// Names of the entries of an open directory, except "." and "..", sorted.
Result<std::vector<std::string>> entry_names(int dir_fd, const std::string& dir);

// "glint_<md5>_<enc>.lock" -> the segment name it guards; "" otherwise.
std::string lock_target(std::string_view name);

// Describes one segment candidate without mapping it (see list_segments).
// `present` is false when it vanished while being inspected.
SegmentInfo inspect_segment(int dir_fd, const std::string& dir, const std::string& name,
                            const ParsedSegmentName& parsed, bool& present);

}  // namespace glint::inventory_internal
