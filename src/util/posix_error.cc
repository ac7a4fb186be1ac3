#include "util/posix_error.h"

#include <cerrno>
#include <cstring>

namespace glint {

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r returns the message pointer (maybe not buf).
  return strerror_r(err, buf, sizeof buf);
}

Status posix_error(std::string_view context, int err) {
  Code code = Code::kIOError;
  switch (err) {
    case ENOENT: code = Code::kNotFound; break;
    case EACCES:
    case EPERM:
    case EROFS: code = Code::kPermissionDenied; break;
    case ENOSPC:
    case EDQUOT:
    case ENOMEM: code = Code::kNoSpace; break;
    case EISDIR:
    case ENOTDIR:
    case ENAMETOOLONG:
    case EINVAL: code = Code::kInvalidArgument; break;
    default: break;
  }
  return Status(code, std::string(context) + ": " + errno_text(err));
}

}  // namespace glint
