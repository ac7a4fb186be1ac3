// Reading one segment candidate: stat, header and trailer by pread, staleness.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>

#include "inventory_internal.h"
#include "util/posix_error.h"
#include "read_at.h"
#include "util/dataset_name.h"
#include "util/time.h"
#include "util/user.h"

namespace glint::inventory_internal {
namespace {

std::string octal_mode(uint32_t mode) {
  char buf[8];
  snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

void fill_stat(const struct stat& st, SegmentInfo& info) {
  info.owner_uid = st.st_uid;
  info.owner = user_name(st.st_uid).value_or(std::to_string(st.st_uid));
  info.group_gid = st.st_gid;
  info.mode = st.st_mode & 07777;
  info.inode = st.st_ino;
  info.file_bytes = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  info.modified_unix_ns = to_ns(st.st_mtim);
}

// Reads exactly `size` bytes at `offset`, or fewer if the file is shorter.
Result<std::string> pread_bytes(int fd, uint64_t offset, size_t size, const std::string& what) {
  std::string out(size, '\0');
  auto done = read_at(fd, offset, out.data(), size, what);
  if (!done.ok()) return done.status();
  out.resize(*done);
  return out;
}

// A cheap identity check of the source: no hashing, just stat.
void check_stale(SegmentInfo& info) {
  const SegmentTrailer& t = *info.trailer;
  if (t.source_path.empty()) return;
  struct stat st;
  if (::stat(t.source_path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      info.stale = true;
      info.stale_reason = "source file " + t.source_path + " no longer exists";
    }
    return;  // unreadable: we cannot tell, so do not call it stale
  }
  std::string why;
  if (static_cast<uint64_t>(st.st_size) != t.source_size) {
    why = "size " + std::to_string(t.source_size) + " -> " + std::to_string(st.st_size);
  } else if (to_ns(st.st_mtim) != t.source_mtime_ns) {
    why = "modification time changed";
  } else if (st.st_ino != t.source_ino) {
    why = "replaced by another file (inode changed)";
  }
  if (why.empty()) return;
  info.stale = true;
  info.stale_reason = "source file " + t.source_path + " changed since loading (" + why + ")";
}

void read_trailer(int fd, SegmentInfo& info) {
  const SegmentLayout& layout = *info.layout;
  if (layout.trailer_bytes == 0) return;
  auto bytes = pread_bytes(fd, kSegmentHeaderBytes + layout.payload_bytes, layout.trailer_bytes,
                           info.path);
  if (!bytes.ok()) {
    info.problem = bytes.status().message();
    return;
  }
  auto trailer = parse_trailer(*bytes);
  if (!trailer.ok()) {
    info.problem = trailer.status().message() + " in " + info.file_name;
    return;
  }
  if (trailer->md5 != info.md5 || absolute_dataset_name(trailer->dataset) != info.dataset) {
    info.problem = "its trailer describes md5 " + trailer->md5 + " dataset " + trailer->dataset +
                   ", not what its name says";
    return;
  }
  info.trailer = std::move(*trailer);
  check_stale(info);
}

void read_contents(int fd, SegmentInfo& info) {
  auto header = pread_bytes(fd, 0, kSegmentHeaderBytes, info.path);
  if (!header.ok()) {
    info.problem = header.status().message();
    return;
  }
  auto layout = parse_header(header->data(), header->size(), info.file_bytes, info.file_name);
  if (!layout.ok()) {
    info.problem = layout.status().message();
    return;
  }
  info.layout = std::move(*layout);
  read_trailer(fd, info);
}

}  // namespace


SegmentInfo inspect_segment(int dir_fd, const std::string& dir, const std::string& name,
                            const ParsedSegmentName& parsed, bool& present) {
  SegmentInfo info;
  info.file_name = name;
  info.path = dir + "/" + name;
  info.md5 = parsed.md5;
  info.dataset = parsed.dataset;
  present = true;
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    present = false;
    return info;
  }
  fill_stat(st, info);
  if (S_ISLNK(st.st_mode)) {
    info.problem = "it is a symbolic link, not a segment (never followed)";
    return info;
  }
  if (!S_ISREG(st.st_mode)) {
    info.problem = "it is not a regular file";
    return info;
  }
  // O_NONBLOCK: if the name was swapped for a FIFO since fstatat, do not hang.
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    int err = errno;
    if (err == ENOENT) present = false;
    if (err == EACCES || err == EPERM) {
      info.problem = "not readable by you (owner " + info.owner + ", mode " +
                     octal_mode(info.mode) + ")";
    } else {
      info.problem = posix_error("open " + info.path, err).message();
    }
    return info;
  }
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    info.problem = "it is not a regular file";
    return info;
  }
  fill_stat(st, info);
  read_contents(fd.get(), info);
  return info;
}

}  // namespace glint::inventory_internal
