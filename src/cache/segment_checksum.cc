#include "segment_checksum.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/atomic_file.h"
#include "util/posix_error.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

std::string marker_text(const struct stat& st) {
  return boot_id() + " " + std::to_string(st.st_ino) + " " + std::to_string(st.st_size) + " " +
         std::to_string(int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec) + "\n";
}

}  // namespace

Result<uint32_t> crc32_of_range(int fd, uint64_t begin, uint64_t end, std::string_view what) {
  // Large reads keep the kernel's read-ahead busy; the buffer is reused.
  constexpr size_t kStep = size_t{4} << 20;
  std::vector<unsigned char> buf(kStep);
  uint32_t crc = 0;
  for (uint64_t at = begin; at < end;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kStep, end - at));
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("read " + std::string(what) + " to verify its checksum", errno);
    if (n == 0) return Status(Code::kCorrupt, std::string(what) + " ends before its header says");
    crc = libdeflate_crc32(crc, buf.data(), static_cast<size_t>(n));
    at += static_cast<uint64_t>(n);
  }
  return crc;
}

const std::string& boot_id() {
  static const std::string id = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string s;
    std::getline(in, s);
    return s;
  }();
  return id;
}

bool verified_this_boot(const std::string& segment_path, const struct stat& st, uid_t trusted_uid) {
  if (boot_id().empty()) return false;
  const std::string marker = segment_path + std::string(kVerifiedSuffix);
  UniqueFd fd(::open(marker.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return false;
  struct stat ms;
  if (::fstat(fd.get(), &ms) != 0 || !S_ISREG(ms.st_mode) || (ms.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
  if (ms.st_uid != trusted_uid && ms.st_uid != st.st_uid) return false;
  char buf[256];
  ssize_t n = ::pread(fd.get(), buf, sizeof buf, 0);
  return n > 0 && std::string_view(buf, static_cast<size_t>(n)) == marker_text(st);
}

void record_verified(const std::string& segment_path, const struct stat& st) {
  if (boot_id().empty()) return;
  AtomicFileOptions o;
  o.sync = false;  // a lost marker only costs one more verification
  o.mode = 0644;
  (void)write_file_atomically(segment_path + std::string(kVerifiedSuffix), marker_text(st), o);
}

void remove_verified_marker(const std::string& segment_path) {
  (void)::unlink((segment_path + std::string(kVerifiedSuffix)).c_str());
}

}  // namespace glint
