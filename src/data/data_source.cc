#include "data/data_source.h"

#include <cstring>
#include <stdexcept>

#include "data_source_impl.h"

namespace glint::train {

std::string_view source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::kShared: return "shared";
    case SourceKind::kPreload: return "preload";
    case SourceKind::kStream: return "stream";
  }
  return "unknown";
}

std::optional<SourceKind> parse_source_kind(std::string_view name) {
  for (SourceKind k : {SourceKind::kShared, SourceKind::kPreload, SourceKind::kStream}) {
    if (name == source_kind_name(k)) return k;
  }
  return std::nullopt;
}

void SampleSource::read_row(Field field, int64_t index, void* dst) const {
  const void* src = row_ptr(field, index);
  if (src == nullptr) {
    throw std::logic_error("a SampleSource without rows in memory must override read_row");
  }
  std::memcpy(dst, src, shape_.field(field).row_bytes());
}

namespace {

std::unique_ptr<H5Source> open_file(const SourceOptions& options) {
  if (options.h5_path.empty()) {
    throw std::runtime_error("no training data file given: set the HDF5 path (--h5)");
  }
  auto opened = H5Source::open(options.h5_path);
  if (!opened.ok()) {
    throw std::runtime_error("cannot open training data: " + opened.status().message());
  }
  return std::move(opened).value();
}

}  // namespace

SourceShape check_source(const SourceOptions& options) {
  return check_datasets(*open_file(options), options);
}

std::unique_ptr<SampleSource> make_source(const SourceOptions& options) {
  std::unique_ptr<H5Source> file = open_file(options);
  SourceShape shape = check_datasets(*file, options);
  switch (options.kind) {
    case SourceKind::kShared: {
      // The segments are all the shared source needs: do not keep HDF5 open.
      file.reset();
      auto opened = open_shared(options.h5_path, {shape.images.dataset, shape.heatmaps.dataset}, options.cache);
      if (!opened.ok()) {
        throw std::runtime_error("cannot share training data in memory: " + opened.status().message());
      }
      return make_shared_source(std::move(shape), std::move(opened).value(), options.h5_path);
    }
    case SourceKind::kPreload: return make_preload_source(std::move(shape), *file);
    case SourceKind::kStream: return make_stream_source(std::move(shape), std::move(file));
  }
  throw std::logic_error("unknown SourceKind");
}

}  // namespace glint::train
