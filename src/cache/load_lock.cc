#include "load_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

#include "util/posix_error.h"

namespace glint {

Result<LoadLock> LoadLock::acquire(const std::string& lock_path, unsigned mode) {
  for (;;) {
    UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.valid() && (errno == EACCES || errno == EPERM)) {
      // Another user's lock file: we may still lock it through a read-only descriptor.
      fd.reset(::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!fd.valid()) {
      return posix_error("cannot create lock file " + lock_path +
                             " (remove it if it is left over: shm_manager --cleanup)",
                         errno);
    }
    int rc;
    while ((rc = flock(fd.get(), LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) return posix_error("flock " + lock_path, errno);
    struct stat held, now;
    if (fstat(fd.get(), &held) != 0) return posix_error("fstat " + lock_path, errno);
    if (::stat(lock_path.c_str(), &now) == 0 && now.st_ino == held.st_ino && now.st_dev == held.st_dev) {
      return LoadLock(lock_path, std::move(fd));
    }
    // The previous holder unlinked this file after we opened it: start over.
  }
}

void LoadLock::release() {
  if (!fd_.valid()) return;
  ::unlink(path_.c_str());  // before unlocking: see the header
  fd_.reset();
}

}  // namespace glint
