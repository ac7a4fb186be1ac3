#include "segment_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace

AttachResult try_attach(const std::string& path, const TrustPolicy& trust, bool populate) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return open_failure(path, trust, errno);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail(Outcome::kError, posix_error("fstat " + path, errno));
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
  auto mapping = Mapping::map(fd.get(), static_cast<size_t>(st.st_size), Mapping::Access::kReadOnly, populate, path);
  if (!mapping.ok()) return fail(Outcome::kError, mapping.status());
  // Check again what we will actually read: the file may have been replaced.
  auto mapped = parse_header(mapping->data(), mapping->size(), mapping->size(), path);
  if (!mapped.ok()) return reject(path, st, trust, mapped.status());
  const char* trailer_begin = reinterpret_cast<const char*>(mapping->data()) + kSegmentHeaderBytes + mapped->payload_bytes;
  auto trailer = parse_trailer(std::string_view(trailer_begin, mapped->trailer_bytes));
  if (!trailer.ok()) return reject(path, st, trust, trailer.status().with_context("segment " + path));
  AttachResult r;
  r.outcome = Outcome::kAttached;
  r.mapping = std::move(mapping.value());
  r.layout = std::move(mapped.value());
  r.trailer = std::move(trailer.value());
  return r;
}

}  // namespace glint
