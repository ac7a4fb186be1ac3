#include <stdexcept>

#include "data_source_impl.h"

namespace glint::train {
namespace {

// The private copy costs one dataset of memory per process; its benefit over
// kShared is that nothing outlives the process.
class PreloadSource final : public SampleSource {
 public:
  PreloadSource(SourceShape shape, H5Source& file) : SampleSource(std::move(shape)) {
    images_ = load(file, Field::kImages);
    heatmaps_ = load(file, Field::kHeatmaps);
  }

  SourceKind kind() const override { return SourceKind::kPreload; }

  const void* row_ptr(Field field, int64_t index) const override {
    const auto& data = field == Field::kImages ? images_ : heatmaps_;
    return data.get() + static_cast<size_t>(index) * shape().field(field).row_bytes();
  }

 private:
  std::unique_ptr<std::byte[]> load(H5Source& file, Field field) const {
    const FieldShape& f = shape().field(field);
    const size_t bytes = f.row_bytes() * static_cast<size_t>(size());
    // operator new[] aligns for any fundamental type, so typed reads are safe.
    auto data = std::make_unique_for_overwrite<std::byte[]>(bytes);
    Status st = file.read_rows(f.dataset, 0, static_cast<uint64_t>(size()), data.get());
    if (!st.ok()) {
      throw std::runtime_error("cannot preload training data: " + st.message());
    }
    return data;
  }

  std::unique_ptr<std::byte[]> images_;
  std::unique_ptr<std::byte[]> heatmaps_;
};

}  // namespace

std::unique_ptr<SampleSource> make_preload_source(SourceShape shape, H5Source& file) {
  return std::make_unique<PreloadSource>(std::move(shape), file);
}

}  // namespace glint::train
