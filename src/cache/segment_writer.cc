#include "segment_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "segment_checksum.h"
#include "util/atomic_file.h"
#include "util/byte_size.h"
#include "util/posix_error.h"

namespace glint {
namespace {

Status no_space(const std::string& dir, uint64_t needed, std::string_view what, std::string_view space) {
  struct statvfs vfs;
  std::string free_text = "unknown", exact = std::to_string(needed) + " bytes needed";
  if (statvfs(dir.c_str(), &vfs) == 0) {
    uint64_t free_bytes = uint64_t{vfs.f_bavail} * vfs.f_frsize;
    free_text = format_bytes(free_bytes);
    exact = std::to_string(needed) + " and " + std::to_string(free_bytes) + " bytes";
  }
  return Status(Code::kNoSpace, "not enough " + std::string(space) + " in " + dir + " for " + std::string(what) + ": needs " +
                                    format_bytes(needed) + ", " + free_text + " free (" + exact +
                                    "); remove old segments (shm_manager --cleanup-all) or enlarge " + dir);
}

Status sync_file(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return posix_error("fsync " + what, errno);
  }
  return Status::Ok();
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
                                            const std::string& trailer, std::string_view what,
                                            std::string_view space, bool durable) {
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.valid()) return posix_error("create a segment in " + dir, errno);
  const uint64_t total = kSegmentHeaderBytes + header.payload_bytes + trailer.size();
  int rc;
  while ((rc = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(total))) == EINTR) {
  }
  if (rc == ENOSPC || rc == ENOMEM || rc == EDQUOT) return no_space(dir, total, what, space);
  if (rc != 0) return posix_error("reserve " + format_bytes(total) + " in " + dir, rc);
  GLINT_RETURN_IF_ERROR(write_all(fd.get(), &header, sizeof header, 0, what));
  GLINT_RETURN_IF_ERROR(write_all(fd.get(), trailer.data(), trailer.size(),
                                  static_cast<off_t>(kSegmentHeaderBytes + header.payload_bytes), what));
  return SegmentWriter(std::move(fd), header, std::string(what), durable);
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

Status SegmentWriter::make_durable(const std::string& final_path) {
  const uint64_t end = kSegmentHeaderBytes + header_.payload_bytes + header_.trailer_bytes;
  auto crc = crc32_of_range(fd_.get(), kSegmentHeaderBytes, end, final_path);
  if (!crc.ok()) return crc.status();
  set_checksum(header_, *crc);
  return write_all(fd_.get(), &header_, sizeof header_, 0, what_);
}

Result<SegmentWriter::Published> SegmentWriter::publish(const std::string& final_path, unsigned mode,
                                                        std::optional<gid_t> group) {
  payload_map_.reset();
  if (durable_) GLINT_RETURN_IF_ERROR(make_durable(final_path));
  if (group && ::fchown(fd_.get(), static_cast<uid_t>(-1), *group) != 0) {
    return posix_error("give " + final_path + " to the sharing group (are you a member?)", errno);
  }
  if (::fchmod(fd_.get(), mode) != 0) return posix_error("chmod " + final_path, errno);
  // Data and inode on disk before the name can be.
  if (durable_) GLINT_RETURN_IF_ERROR(sync_file(fd_.get(), final_path));
  std::string self = "/proc/self/fd/" + std::to_string(fd_.get());
  if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, final_path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    if (errno == EEXIST) return Published::kLostRace;
    return posix_error("publish segment " + final_path, errno);
  }
  if (durable_) {
    // The name itself must survive a crash too.
    const std::string dir = directory_of(final_path);
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) return posix_error("open " + dir + " to fsync it", errno);
    GLINT_RETURN_IF_ERROR(sync_file(dir_fd.get(), dir));
  }
  return Published::kHere;
}

}  // namespace glint
