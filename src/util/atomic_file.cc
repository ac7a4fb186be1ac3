#include "util/atomic_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <utility>

#include "util/posix_error.h"

namespace glint {
namespace {

std::atomic<unsigned> temp_counter{0};

Status sync_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return posix_error("open " + dir, errno);
  // Some file systems cannot sync a directory; the rename still happened.
  if (::fsync(fd.get()) != 0 && errno != EINVAL && errno != EROFS) return posix_error("sync " + dir, errno);
  return Status::Ok();
}

}  // namespace

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<AtomicFile> AtomicFile::create(const std::string& target, const AtomicFileOptions& options,
                                      std::string_view context) {
  const std::string stem = target + ".tmp." + std::to_string(::getpid()) + ".";
  for (;;) {
    std::string temp = stem + std::to_string(temp_counter.fetch_add(1));
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode));
    if (fd.valid()) return AtomicFile(target, std::move(temp), std::move(fd), options);
    if (errno == EEXIST) continue;
    if (context.empty()) return posix_error("cannot create " + temp, errno);
    return posix_error(std::string(context) + " '" + directory_of(target) + "'", errno);
  }
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      fd_(std::move(other.fd_)),
      options_(other.options_) {}

AtomicFile::~AtomicFile() {
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("write " + temp_path_, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status AtomicFile::commit() {
  if (options_.sync && ::fsync(fd_.get()) != 0) return posix_error("sync " + temp_path_, errno);
  if (::close(fd_.release()) != 0) return posix_error("close " + temp_path_, errno);
  int rc;
  if (options_.overwrite) {
    rc = ::rename(temp_path_.c_str(), target_.c_str());
  } else {
    rc = ::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && errno == EINVAL) {
      // The file system cannot refuse atomically; check, then rename.
      struct stat st;
      if (::stat(target_.c_str(), &st) == 0) errno = EEXIST;
      else rc = ::rename(temp_path_.c_str(), target_.c_str());
    }
  }
  if (rc != 0) {
    if (errno == EEXIST) {
      std::string text = "'" + target_ + "' already exists";
      if (options_.exists_hint != nullptr) text += std::string(": ") + options_.exists_hint;
      return Status(Code::kInvalidArgument, text);
    }
    return posix_error("rename " + temp_path_ + " to " + target_, errno);
  }
  temp_path_.clear();
  return options_.sync ? sync_directory(directory_of(target_)) : Status::Ok();
}

Status write_file_atomically(const std::string& path, std::string_view bytes, const AtomicFileOptions& options) {
  auto file = AtomicFile::create(path, options);
  if (!file.ok()) return file.status();
  GLINT_RETURN_IF_ERROR(file->write(bytes));
  return file->commit();
}

}  // namespace glint
