// Reading numeric datasets of an HDF5 file, without shared memory.
//
// Used by the cache to load segments and by trainers for the private-preload
// and streaming sources. Thread safety: an H5Source may be used from several
// threads; calls into HDF5 are serialised internally (the HDF5 library is not
// re-entrant). Do not use an H5Source in a child after fork(); open a new one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glint/dtype.h"
#include "glint/status.h"

namespace glint {

struct DatasetInfo {
  std::string name;              // full path inside the file, "/images"
  DType dtype = DType::kUInt8;   // element type as it will be read
  std::vector<uint64_t> shape;   // rank >= 1
  uint64_t bytes = 0;            // product(shape) * dtype_size(dtype)
  bool chunked = false;          // layout, for diagnostics and benchmarks
  bool compressed = false;
  // Why HDF5 cannot decode it here: the missing filter (name and id) and the
  // Debian package that provides it. "" when every filter is available.
  std::string missing_filter;
  int64_t file_offset = -1;      // contiguous, unfiltered, native-typed data: its byte offset; else -1
};

class H5Source {
 public:
  // Opens `path` read-only. kNotFound if missing, kCorrupt if not HDF5 or
  // unreadable, kInvalidArgument for a directory.
  static Result<std::unique_ptr<H5Source>> open(const std::string& path);
  virtual ~H5Source() = default;

  const std::string& path() const { return path_; }

  // Every dataset in the file with a dtype and rank the cache supports,
  // sorted by name. The others' errors are listed in `skipped` when given.
  virtual Result<std::vector<DatasetInfo>> numeric_datasets(
      std::vector<std::string>* skipped = nullptr) = 0;

  // Describes one dataset ("images" and "/images" are the same). kNotFound
  // names the dataset and lists what the file has; kUnsupported names the
  // dataset and its HDF5 type (string, compound, rank 0 or > 4, ...).
  virtual Result<DatasetInfo> info(const std::string& dataset) = 0;

  // Reads rows [first, first + count) along dimension 0 into `dst`, which
  // must hold count * (bytes per row) bytes, converting to info.dtype.
  virtual Status read_rows(const std::string& dataset, uint64_t first, uint64_t count,
                           void* dst) = 0;

 protected:
  explicit H5Source(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

}  // namespace glint
