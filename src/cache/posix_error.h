// The one place where errno becomes a Status.
#pragma once

#include <string_view>

#include "glint/status.h"

namespace glint {

// "<context>: <strerror(err)>" with a Code chosen from err (ENOENT ->
// kNotFound, EACCES/EPERM -> kPermissionDenied, ENOSPC -> kNoSpace, ...).
// `context` should name the operation and the path: "open /dev/shm/x".
Status posix_error(std::string_view context, int err);

}  // namespace glint
