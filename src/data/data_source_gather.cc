#include "data/data_source_gather.h"

#include <stdexcept>
#include <vector>

#include "model/pixel_scale.h"

namespace glint::train {
namespace {

torch::Tensor empty_batch(int64_t count, const FieldShape& f, bool pin) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(pin);
  return torch::empty({count, f.channels, f.height, f.width}, opts);
}

// Converts one row into `dst`, reading straight from memory when the source
// keeps rows there, else through `scratch`.
int64_t fill_row(const SampleSource& source, Field field, int64_t row, float* dst,
                 std::vector<std::byte>& scratch) {
  const FieldShape& f = source.shape().field(field);
  const void* raw = source.row_ptr(field, row);
  if (raw == nullptr) {
    scratch.resize(f.row_bytes());
    source.read_row(field, row, scratch.data());
    raw = scratch.data();
  }
  const ValueScale scale = field == Field::kImages ? ValueScale::kImage : ValueScale::kAsIs;
  return convert_to_float(f.dtype, raw, f.elements(), dst, scale);
}

}  // namespace

Batch gather_batch(const SampleSource& source, std::span<const int64_t> indices,
                   const GatherOptions& options) {
  const SourceShape& shape = source.shape();
  const auto count = static_cast<int64_t>(indices.size());
  Batch batch;
  batch.images = empty_batch(count, shape.images, options.pin_memory);
  batch.heatmaps = empty_batch(count, shape.heatmaps, options.pin_memory);
  batch.indices = torch::empty({count}, torch::TensorOptions().dtype(torch::kInt64)
                                            .pinned_memory(options.pin_memory));
  float* images = batch.images.data_ptr<float>();
  float* heatmaps = batch.heatmaps.data_ptr<float>();
  int64_t* rows = batch.indices.data_ptr<int64_t>();
  // Sized on first use: only streaming sources need a buffer for raw rows.
  std::vector<std::byte> scratch;
  for (int64_t j = 0; j < count; ++j) {
    const int64_t row = indices[static_cast<size_t>(j)];
    if (row < 0 || row >= source.size()) {
      throw std::out_of_range("sample index " + std::to_string(row) + " is outside [0, " +
                              std::to_string(source.size()) + ")");
    }
    rows[j] = row;
    float* image = images + j * shape.images.elements();
    float* heatmap = heatmaps + j * shape.heatmaps.elements();
    batch.nan_replaced += fill_row(source, Field::kImages, row, image, scratch);
    batch.nan_replaced += fill_row(source, Field::kHeatmaps, row, heatmap, scratch);
    if (options.augment) {
      const AugmentParams p = draw_augment(options.augment_options, options.seed, options.epoch, row);
      apply_augment(p, image, shape.images.channels, shape.images.height, shape.images.width);
      apply_augment(p, heatmap, shape.heatmaps.channels, shape.heatmaps.height, shape.heatmaps.width);
    }
  }
  return batch;
}

}  // namespace glint::train
