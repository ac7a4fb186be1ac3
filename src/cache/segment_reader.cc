#include "segment_reader.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "segment_checksum.h"
#include "util/posix_error.h"
#include "util/unique_fd.h"
#include "util/user.h"

namespace glint {
namespace {

using Outcome = AttachResult::Outcome;

AttachResult fail(Outcome outcome, Status status) {
  AttachResult r;
  r.outcome = outcome;
  r.status = std::move(status);
  return r;
}

AttachResult foreign(const std::string& path, const struct stat& st, const TrustPolicy& trust) {
  std::string hint = trust.group
                         ? " and not of group '" + trust.group_name + "'"
                         : "; to share segments, every user must load and attach with --share-group GROUP";
  return fail(Outcome::kError,
              Status(Code::kPermissionDenied, "segment " + path + " belongs to " + user_name(st.st_uid).value_or("uid " + std::to_string(st.st_uid)) +
                                                  ", not to you" + hint +
                                                  "; it was not used (ask its owner to remove it)"));
}

// A problem with an existing file under the segment name: ours is rebuilt,
// anybody else's is refused.
AttachResult reject(const std::string& path, const struct stat& st, const TrustPolicy& trust, Status why) {
  if (st.st_uid == trust.uid) return fail(Outcome::kRebuild, std::move(why));
  (void)path;
  return fail(Outcome::kError, std::move(why));
}

AttachResult open_failure(const std::string& path, const TrustPolicy& trust, int err) {
  if (err == ENOENT) return fail(Outcome::kMissing, Status());
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return fail(Outcome::kError, posix_error("open " + path, err));
  if (S_ISLNK(st.st_mode)) {
    return reject(path, st, trust,
                  Status(Code::kPermissionDenied, "segment " + path + " is a symbolic link; it is never followed"));
  }
  if (err == EACCES && st.st_uid != trust.uid) return foreign(path, st, trust);
  return reject(path, st, trust, posix_error("open segment " + path, err));
}

// The segment's atime is its record of the last attach, the key of "least
// recently used" for eviction; it survives restarts. Only the owner may set
// it on a read-only descriptor; others' attaches are not recorded (their
// segments are never evicted by us anyway). One syscall, no page touched.
void record_attach(int fd, const struct stat& st, const TrustPolicy& trust) {
  if (st.st_uid != trust.uid) return;
  const timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  (void)::futimens(fd, times);  // best effort: an old record only makes eviction pick it sooner
}

// The disk tier's check against damage after a power loss (see
// segment_checksum.h for when it reads the whole segment).
Status check_durable(int fd, const std::string& path, const struct stat& st, const SegmentLayout& layout,
                     const TrustPolicy& trust, bool& verified_now) {
  if (!layout.has_checksum) {
    return Status(Code::kCorrupt, "segment " + path +
                                      " has no checksum (format version 1), which the disk tier requires");
  }
  if (verified_this_boot(path, st, trust.uid)) return Status::Ok();
  const uint64_t end = kSegmentHeaderBytes + layout.payload_bytes + layout.trailer_bytes;
  auto crc = crc32_of_range(fd, kSegmentHeaderBytes, end, "segment " + path);
  if (!crc.ok()) return crc.status();
  if (*crc != layout.crc32) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "CRC-32 %08x, the header says %08x", *crc, layout.crc32);
    return Status(Code::kCorrupt, "segment " + path + " is damaged (" + buf +
                                      "; a power loss or a write after publication)");
  }
  verified_now = true;
  if (st.st_uid == trust.uid) record_verified(path, st);
  return Status::Ok();
}

}  // namespace

AttachResult try_attach(const std::string& path, const TrustPolicy& trust, const AttachOptions& options) {
  const bool populate = options.populate;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return open_failure(path, trust, errno);
  // A shared lock from here on. The mapping keeps the open file, so the lock
  // lasts until the last mapping of this attach is gone (closing the
  // descriptor does not drop it). Eviction only removes a segment whose
  // exclusive lock it gets: never one that is mapped, or being attached; and
  // an attach that waited for an eviction finds the link count 0 below and
  // starts over. See docs/SHM_MANAGER.md, "Upkeep".
  int rc;
  while ((rc = ::flock(fd.get(), LOCK_SH)) != 0 && errno == EINTR) {
  }
  if (rc != 0) return fail(Outcome::kError, posix_error("lock " + path, errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail(Outcome::kError, posix_error("fstat " + path, errno));
  if (st.st_nlink == 0) return fail(Outcome::kMissing, Status());  // removed meanwhile: load or attach anew
  if (!S_ISREG(st.st_mode)) {
    return reject(path, st, trust, Status(Code::kCorrupt, "segment " + path + " is not a regular file"));
  }
  bool trusted = st.st_uid == trust.uid || (trust.group && st.st_gid == *trust.group);
  if (!trusted) return foreign(path, st, trust);
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    return reject(path, st, trust,
                  Status(Code::kPermissionDenied,
                         "segment " + path + " is writable by group or others, so its bytes cannot be trusted"));
  }
  uint8_t head[kSegmentHeaderBytes];
  ssize_t n = ::pread(fd.get(), head, sizeof head, 0);
  if (n < 0) return fail(Outcome::kError, posix_error("read header of " + path, errno));
  auto layout = parse_header(head, static_cast<size_t>(n), static_cast<uint64_t>(st.st_size), path);
  if (!layout.ok()) return reject(path, st, trust, layout.status());
  bool verified_now = false;
  if (options.verify_checksum) {
    Status durable = check_durable(fd.get(), path, st, *layout, trust, verified_now);
    if (!durable.ok()) {
      if (durable.code() == Code::kCorrupt) return reject(path, st, trust, durable);
      return fail(Outcome::kError, durable);
    }
  }
  auto mapping = Mapping::map(fd.get(), static_cast<size_t>(st.st_size), Mapping::Access::kReadOnly, populate, path);
  if (!mapping.ok()) return fail(Outcome::kError, mapping.status());
  // Check again what we will actually read: the file may have been replaced.
  auto mapped = parse_header(mapping->data(), mapping->size(), mapping->size(), path);
  if (!mapped.ok()) return reject(path, st, trust, mapped.status());
  const char* trailer_begin = reinterpret_cast<const char*>(mapping->data()) + kSegmentHeaderBytes + mapped->payload_bytes;
  auto trailer = parse_trailer(std::string_view(trailer_begin, mapped->trailer_bytes));
  if (!trailer.ok()) return reject(path, st, trust, trailer.status().with_context("segment " + path));
  record_attach(fd.get(), st, trust);
  AttachResult r;
  r.outcome = Outcome::kAttached;
  r.mapping = std::move(mapping.value());
  r.layout = std::move(mapped.value());
  r.trailer = std::move(trailer.value());
  r.verified_now = verified_now;
  if (options.keep_fd) r.fd = std::move(fd);
  return r;
}

}  // namespace glint
