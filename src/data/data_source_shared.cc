#include <stdexcept>

#include "data_source_impl.h"

namespace glint::train {
namespace {

// Rows are addresses inside the read-only mappings: nothing is copied and
// nothing private is allocated, so N trainers on one machine share one copy.
class SharedMemorySource final : public SampleSource {
 public:
  SharedMemorySource(SourceShape shape, SharedDataset images, SharedDataset heatmaps)
      : SampleSource(std::move(shape)), images_(std::move(images)), heatmaps_(std::move(heatmaps)) {}

  SourceKind kind() const override { return SourceKind::kShared; }

  const void* row_ptr(Field field, int64_t index) const override {
    const SharedDataset& d = field == Field::kImages ? images_ : heatmaps_;
    const size_t row = shape().field(field).row_bytes();
    return static_cast<const std::byte*>(d.data()) + static_cast<size_t>(index) * row;
  }

 private:
  SharedDataset images_;
  SharedDataset heatmaps_;
};

SharedDataset take(std::vector<SharedDataset>& opened, const FieldShape& field,
                   const std::string& h5_path) {
  for (auto it = opened.begin(); it != opened.end(); ++it) {
    SharedDataset& d = *it;
    if (d.dataset() != field.dataset) continue;
    const auto& s = d.shape();
    const auto expected_rows = static_cast<uint64_t>(field.elements());
    uint64_t row = 1;
    for (size_t i = 1; i < s.size(); ++i) row *= s[i];
    if (d.dtype() != field.dtype || row != expected_rows) {
      throw std::runtime_error("shared segment " + d.segment() + " holds " +
                               std::string(dtype_name(d.dtype())) + " " + shape_text(s) +
                               " but '" + field.dataset + "' of " + h5_path +
                               " is " + std::string(dtype_name(field.dtype)) +
                               "; remove it (shm_manager --cleanup --h5 " + h5_path + ")");
    }
    // Erased once taken: a moved-from SharedDataset must not be asked its name.
    SharedDataset taken = std::move(d);
    opened.erase(it);
    return taken;
  }
  throw std::runtime_error("the cache returned no segment for '" + field.dataset + "' of " +
                           h5_path);
}

}  // namespace

std::unique_ptr<SampleSource> make_shared_source(SourceShape shape, std::vector<SharedDataset> opened,
                                                 const std::string& h5_path) {
  SharedDataset images = take(opened, shape.images, h5_path);
  SharedDataset heatmaps = take(opened, shape.heatmaps, h5_path);
  for (const SharedDataset* d : {&images, &heatmaps}) {
    if (d->shape()[0] != static_cast<uint64_t>(shape.samples)) {
      throw std::runtime_error("shared segment " + d->segment() + " has " +
                               std::to_string(d->shape()[0]) + " rows but " + h5_path +
                               " has " + std::to_string(shape.samples) +
                               "; remove it (shm_manager --cleanup --h5 " + h5_path + ")");
    }
  }
  return std::make_unique<SharedMemorySource>(std::move(shape), std::move(images),
                                              std::move(heatmaps));
}

}  // namespace glint::train
