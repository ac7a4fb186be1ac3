#include "synth/temp_output.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace glint::synth {
namespace {

std::atomic<unsigned> temp_counter{0};

Status errno_status(const std::string& what, const std::string& path, int err) {
  const Code code = err == ENOENT || err == ENOTDIR ? Code::kNotFound
                    : err == EACCES || err == EPERM || err == EROFS ? Code::kPermissionDenied
                    : err == ENOSPC || err == EDQUOT               ? Code::kNoSpace
                                                                     : Code::kIOError;
  return Status(code, what + " '" + path + "': " + std::strerror(err));
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno_status("cannot open", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot sync a directory; the rename still happened.
  if (rc != 0 && err != EINVAL && err != EROFS) return errno_status("cannot sync", path, err);
  return Status::Ok();
}

}  // namespace

Status already_exists(const std::string& target) {
  return Status(Code::kInvalidArgument,
                "'" + target + "' already exists: pass --force to overwrite it");
}

Result<TempOutput> TempOutput::reserve(const std::string& target, bool overwrite) {
  if (target.empty() || target.back() == '/') {
    return Status(Code::kInvalidArgument, "output path '" + target + "' names no file");
  }
  struct stat st;
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return Status(Code::kInvalidArgument,
                    "'" + target + "' is a directory: give a file name such as " + target +
                        "/train.h5");
    }
    if (!overwrite) return already_exists(target);
  }
  const std::string dir = directory_of(target);
  const std::string stem = dir + "/." + name_of(target) + ".tmp-" + std::to_string(::getpid()) + "-";
  for (;;) {
    std::string temp = stem + std::to_string(temp_counter.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return TempOutput(target, std::move(temp), overwrite);
    }
    if (errno != EEXIST) {
      return errno_status("cannot create a temporary file in the output directory", dir, errno);
    }
  }
}

TempOutput::TempOutput(TempOutput&& other) noexcept
    : target_(std::move(other.target_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      overwrite_(other.overwrite_) {}

TempOutput::~TempOutput() {
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status TempOutput::commit() {
  GLINT_RETURN_IF_ERROR(sync_path(temp_path_, O_RDONLY));
  int rc;
  if (overwrite_) {
    rc = ::rename(temp_path_.c_str(), target_.c_str());
  } else {
    rc = ::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && errno == EINVAL) {
      // The file system cannot refuse atomically; check, then rename.
      struct stat st;
      if (::stat(target_.c_str(), &st) == 0) return already_exists(target_);
      rc = ::rename(temp_path_.c_str(), target_.c_str());
    }
  }
  if (rc != 0) {
    if (errno == EEXIST) return already_exists(target_);
    return errno_status("cannot rename the finished file to", target_, errno);
  }
  temp_path_.clear();
  return sync_path(directory_of(target_), O_RDONLY | O_DIRECTORY);
}

}  // namespace glint::synth
