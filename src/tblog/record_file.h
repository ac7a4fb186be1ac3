// TFRecord files: each record is framed as
//   uint64 length, uint32 masked_crc32c(length), data, uint32 masked_crc32c(data)
// (little-endian, crc of the 8 length bytes; tblog/crc32c.h), which is what
// TensorBoard reads event files as. A reader stops cleanly at a torn last
// record, so a killed writer loses at most what it had not written yet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/unique_fd.h"

namespace glint::tblog {

// One record, framed.
std::string frame_record(std::string_view data);

// Appends framed records to a new file through a memory buffer. Not
// thread-safe; move-only. Never throws (except std::bad_alloc): the first
// failure is kept in error() and every later call does nothing.
class RecordFile {
 public:
  // Creates `path`, which must not exist (O_EXCL, mode 0644 less the
  // umask). On failure ok() is false and error() is
  // "cannot create <path>: <cause>".
  RecordFile(std::string path, size_t buffer_bytes);
  // A file that could not even be created (its folder failed): ok() is
  // false, error() is `error`.
  static RecordFile failed(std::string path, std::string error);
  RecordFile(RecordFile&&) noexcept = default;
  RecordFile& operator=(RecordFile&&) noexcept = default;
  ~RecordFile();  // flush(); a failure there is only kept in error()

  // Buffers one record; writes the buffer out once it holds `buffer_bytes`.
  void append(std::string_view data);
  // Writes the buffer to the file (no fsync). A failed write ("cannot write
  // <path>: No space left on device") closes the file and drops the buffer.
  void flush();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  RecordFile() = default;
  void fail(const std::string& what, int err);

  std::string path_;
  size_t buffer_bytes_ = 0;
  std::string buffer_;
  UniqueFd fd_;
  std::string error_;
};

}  // namespace glint::tblog
