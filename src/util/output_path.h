// Whether a program will be able to write an output it was asked for, found
// out before it does any work: a training that can only fail at its first
// save should fail in the first millisecond instead.
#pragma once

#include <string>

namespace glint {

// Why a file at `path` (to be created or replaced) could not be written, or
// "" when it can. Tried for real: a file is created next to it and removed,
// so a read-only or special file system (/proc) and missing permissions are
// found as the real write would find them. Reasons read after the path, e.g.
// "is a directory; give a file path such as runs/model.pt".
std::string file_output_problem(const std::string& path, const std::string& example_name);

// The same for a directory to be created (with its parents) and filled.
std::string directory_output_problem(const std::string& path);

}  // namespace glint
