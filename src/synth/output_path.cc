#include "synth/output_path.h"

#include <sys/stat.h>

namespace glint::synth {

Status check_output_path(const std::string& target, bool overwrite) {
  if (target.empty() || target.back() == '/') {
    return Status(Code::kInvalidArgument, "output path '" + target + "' names no file");
  }
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) return Status::Ok();
  if (S_ISDIR(st.st_mode)) {
    return Status(Code::kInvalidArgument,
                  "'" + target + "' is a directory: give a file name such as " + target + "/train.h5");
  }
  if (!overwrite) return Status(Code::kInvalidArgument, "'" + target + "' already exists: " + kOverwriteHint);
  return Status::Ok();
}

}  // namespace glint::synth
