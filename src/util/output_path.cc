#include "util/output_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "util/posix_error.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

namespace fs = std::filesystem;

bool exists(const std::string& path, struct stat* st) { return ::stat(path.c_str(), st) == 0; }

// "" when a new file can be created in the directory `dir`, else why not.
std::string try_creating_in(const std::string& dir) {
  const std::string probe = (fs::path(dir) / (".glint_write_test." + std::to_string(::getpid()))).string();
  UniqueFd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    const int err = errno;
    if (err == EEXIST) return "";  // a leftover of this pid: creating works
    return "cannot create a file in " + dir + " (" + errno_text(err) + ")";
  }
  fd.reset();
  ::unlink(probe.c_str());
  return "";
}

// The directory a new entry `path` would go into ("." for a bare name).
std::string parent_of(const std::string& path) {
  std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

std::string file_output_problem(const std::string& path, const std::string& example_name) {
  if (path.empty()) return "is empty; give a file path such as " + example_name;
  struct stat st;
  if (exists(path, &st) && S_ISDIR(st.st_mode)) {
    return "is a directory; give a file path such as " + (fs::path(path) / example_name).string();
  }
  const std::string dir = parent_of(path);
  if (!exists(dir, &st)) return "directory " + dir + " does not exist; create it first";
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  return try_creating_in(dir);
}

std::string directory_output_problem(const std::string& path) {
  if (path.empty()) return "is empty; give a directory";
  struct stat st;
  if (exists(path, &st)) return S_ISDIR(st.st_mode) ? try_creating_in(path) : "is a file, not a directory";
  // Created with its parents: the nearest existing ancestor must take new entries.
  std::string dir = parent_of(path);
  while (!exists(dir, &st) && dir != "." && dir != "/") dir = parent_of(dir);
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  return try_creating_in(dir);
}

}  // namespace glint
