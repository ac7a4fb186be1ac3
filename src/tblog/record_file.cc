#include "tblog/record_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "tblog/crc32c.h"
#include "util/posix_error.h"

namespace glint::tblog {
namespace {

void append_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void append_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

std::string frame_record(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  append_u64(out, data.size());
  append_u32(out, mask_crc(crc32c(out)));
  out.append(data);
  append_u32(out, mask_crc(crc32c(data)));
  return out;
}

RecordFile::RecordFile(std::string path, size_t buffer_bytes) : path_(std::move(path)), buffer_bytes_(buffer_bytes) {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd_.valid()) fail("cannot create", errno);
}

RecordFile RecordFile::failed(std::string path, std::string error) {
  RecordFile file;
  file.path_ = std::move(path);
  file.error_ = std::move(error);
  return file;
}

RecordFile::~RecordFile() { flush(); }

void RecordFile::append(std::string_view data) {
  if (!ok()) return;
  buffer_ += frame_record(data);
  if (buffer_.size() >= buffer_bytes_) flush();
}

void RecordFile::flush() {
  if (!ok() || !fd_.valid()) return;
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail("cannot write", n < 0 ? errno : ENOSPC);
      return;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void RecordFile::fail(const std::string& what, int err) {
  error_ = what + " " + path_ + ": " + errno_text(err);
  buffer_.clear();
  buffer_.shrink_to_fit();
  fd_.reset();
}

}  // namespace glint::tblog
