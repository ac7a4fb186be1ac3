// The one place where errno becomes a Status (or, for messages that are not
// a Status, text).
#pragma once

#include <string>
#include <string_view>

#include "glint/status.h"

namespace glint {

// "<context>: <strerror(err)>" with a Code chosen from err (ENOENT ->
// kNotFound, EACCES/EPERM/EROFS -> kPermissionDenied, ENOSPC/EDQUOT/ENOMEM
// -> kNoSpace, EISDIR/ENOTDIR/ENAMETOOLONG/EINVAL -> kInvalidArgument, any
// other -> kIOError). `context` should name the operation and the path:
// "open /dev/shm/x". Thread-safe.
Status posix_error(std::string_view context, int err);

// strerror(err), but thread-safe: "No such file or directory".
std::string errno_text(int err);

}  // namespace glint
