#include "segment_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "util/posix_error.h"
#include "util/byte_size.h"

namespace glint {
namespace {

Status no_space(const std::string& dir, uint64_t needed, std::string_view what) {
  struct statvfs vfs;
  std::string free_text = "unknown", exact = std::to_string(needed) + " bytes needed";
  if (statvfs(dir.c_str(), &vfs) == 0) {
    uint64_t free_bytes = uint64_t{vfs.f_bavail} * vfs.f_frsize;
    free_text = format_bytes(free_bytes);
    exact = std::to_string(needed) + " and " + std::to_string(free_bytes) + " bytes";
  }
  return Status(Code::kNoSpace, "not enough shared memory in " + dir + " for " + std::string(what) + ": needs " +
                                    format_bytes(needed) + ", " + free_text + " free (" + exact +
                                    "); remove old segments (shm_manager --cleanup-all) or enlarge " + dir);
}

Status write_all(int fd, const void* data, size_t size, off_t offset, std::string_view what) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("write " + std::string(what), errno);
    p += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return Status::Ok();
}

}  // namespace

Result<SegmentWriter> SegmentWriter::create(const std::string& dir, const RawSegmentHeader& header,
                                            const std::string& trailer, std::string_view what) {
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.valid()) return posix_error("create a segment in " + dir, errno);
  const uint64_t total = kSegmentHeaderBytes + header.payload_bytes + trailer.size();
  int rc;
  while ((rc = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(total))) == EINTR) {
  }
  if (rc == ENOSPC || rc == ENOMEM) return no_space(dir, total, what);
  if (rc != 0) return posix_error("reserve " + format_bytes(total) + " in " + dir, rc);
  GLINT_RETURN_IF_ERROR(write_all(fd.get(), &header, sizeof header, 0, what));
  GLINT_RETURN_IF_ERROR(write_all(fd.get(), trailer.data(), trailer.size(),
                                  static_cast<off_t>(kSegmentHeaderBytes + header.payload_bytes), what));
  return SegmentWriter(std::move(fd), header, std::string(what));
}

Result<uint8_t*> SegmentWriter::map_payload() {
  if (!payload_map_.valid()) {
    auto m = Mapping::map(fd_.get(), kSegmentHeaderBytes + header_.payload_bytes, Mapping::Access::kReadWrite,
                          /*populate=*/true, what_);
    if (!m.ok()) return m.status();
    payload_map_ = std::move(m.value());
  }
  return payload_map_.mutable_data() + kSegmentHeaderBytes;
}

Result<SegmentWriter::Published> SegmentWriter::publish(const std::string& final_path, unsigned mode,
                                                        std::optional<gid_t> group) {
  payload_map_.reset();
  if (group && ::fchown(fd_.get(), static_cast<uid_t>(-1), *group) != 0) {
    return posix_error("give " + final_path + " to the sharing group (are you a member?)", errno);
  }
  if (::fchmod(fd_.get(), mode) != 0) return posix_error("chmod " + final_path, errno);
  std::string self = "/proc/self/fd/" + std::to_string(fd_.get());
  if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, final_path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    if (errno == EEXIST) return Published::kLostRace;
    return posix_error("publish segment " + final_path, errno);
  }
  return Published::kHere;
}

}  // namespace glint
