#include "posix_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace glint {

Status posix_error(std::string_view context, int err) {
  Code code = Code::kIOError;
  switch (err) {
    case ENOENT: code = Code::kNotFound; break;
    case EACCES:
    case EPERM: code = Code::kPermissionDenied; break;
    case ENOSPC:
    case EDQUOT:
    case ENOMEM: code = Code::kNoSpace; break;
    case EISDIR:
    case ENOTDIR:
    case ENAMETOOLONG:
    case EINVAL: code = Code::kInvalidArgument; break;
    default: break;
  }
  char buf[256];
  // GNU strerror_r returns the message pointer (maybe not buf).
  const char* text = strerror_r(err, buf, sizeof buf);
  return Status(code, std::string(context) + ": " + text);
}

}  // namespace glint
