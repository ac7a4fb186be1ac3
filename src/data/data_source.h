// Where training samples come from: one interface, three sources.
//
// A sample is one row (index along dimension 0) of two datasets of one HDF5
// file: an image ([N,H,W] = one channel, or [N,C,H,W]) and its heatmaps
// ([N,H,W] = one channel, or [N,K,H,W]). Sources hand out raw rows, in the
// file's dtype; data_source_gather.h turns rows into float32 batches.
//
//   SourceKind::kShared   rows are read straight from the read-only shared
//                         memory segments of glint::open_shared: the process
//                         holds no private copy of the dataset.
//   SourceKind::kPreload  both datasets are read once into private memory.
//   SourceKind::kStream   each row is read from the file when asked for
//                         (nothing held in memory; slowest).
//
// Errors: this is the training layer, so failures throw std::runtime_error
// whose what() is one line for a person (file, dataset, cause, what to do).
// Thread safety: every const member of a SampleSource may be called from any
// number of threads at once (that is how loader workers use it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glint/cache.h"
#include "glint/dtype.h"

namespace glint::train {

enum class Field { kImages, kHeatmaps };

enum class SourceKind { kShared, kPreload, kStream };

// "shared", "preload", "stream"; parse_source_kind is the inverse (nullopt
// for anything else).
std::string_view source_kind_name(SourceKind kind);
std::optional<SourceKind> parse_source_kind(std::string_view name);

// Shape of one field of one sample.
struct FieldShape {
  std::string dataset;           // full path in the file: "/images"
  DType dtype = DType::kUInt8;   // raw element type of rows
  int64_t channels = 1;          // 1 for a rank-3 dataset
  int64_t height = 0;
  int64_t width = 0;

  int64_t elements() const { return channels * height * width; }
  size_t row_bytes() const { return static_cast<size_t>(elements()) * dtype_size(dtype); }
};

struct SourceShape {
  int64_t samples = 0;  // > 0
  FieldShape images;
  FieldShape heatmaps;  // same height and width as images

  const FieldShape& field(Field f) const { return f == Field::kImages ? images : heatmaps; }
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  SampleSource(const SampleSource&) = delete;
  SampleSource& operator=(const SampleSource&) = delete;

  const SourceShape& shape() const { return shape_; }
  int64_t size() const { return shape_.samples; }
  virtual SourceKind kind() const = 0;

  // Raw elements of row `index` (0 <= index < size()) of `field`, valid while
  // the source lives; nullptr when the source does not keep rows in memory
  // (kStream), in which case use read_row. Never copies.
  virtual const void* row_ptr(Field field, int64_t index) const = 0;

  // Copies the raw elements of row `index` into `dst` (shape().field(field)
  // .row_bytes() bytes). Throws std::runtime_error if the file cannot be read.
  virtual void read_row(Field field, int64_t index, void* dst) const;

 protected:
  explicit SampleSource(SourceShape shape) : shape_(std::move(shape)) {}

 private:
  SourceShape shape_;
};

struct SourceOptions {
  // The HDF5 file. Required.
  std::string h5_path;
  // Dataset names inside the file ("images" and "/images" are the same).
  std::string images = "images";
  std::string heatmaps = "heatmaps";
  // Preload is the default, as in the original trainer (--preload True).
  SourceKind kind = SourceKind::kPreload;
  // Used by kShared only: where segments live, fingerprint store, ...
  CacheOptions cache;
};

// Opens the source. Both datasets are checked from the file's metadata before
// any data is read or any segment created: the file opens, both datasets
// exist (else the message lists the file's datasets), images have rank 3 or
// 4, heatmaps rank 3 or 4, both have the same non-zero number of rows and
// the same height and width. Throws std::runtime_error with one line.
std::unique_ptr<SampleSource> make_source(const SourceOptions& options);

// Runs make_source's checks only (file metadata; no data read, no segment
// touched, options.kind ignored) and returns the shape the source would have.
SourceShape check_source(const SourceOptions& options);

// The kShared source over segments the caller already opened with
// glint::open_shared for both datasets of `shape` (as check_source returned
// it), for a caller that needs the SharedDataset objects first (who loaded
// them, their names). Takes ownership of both. Throws std::runtime_error when
// a segment does not match the file's dataset (dtype, row size, rows), naming
// the shm_manager command that removes it.
std::unique_ptr<SampleSource> make_shared_source(SourceShape shape, std::vector<SharedDataset> opened,
                                                 const std::string& h5_path);

}  // namespace glint::train
