#include "synth/options.h"

#include <string>

namespace glint::synth {
namespace {

Status out_of_range(const std::string& field, uint64_t value, const std::string& range) {
  return Status(Code::kInvalidArgument, field + " " + std::to_string(value) +
                                            " is out of range: use " + range);
}

}  // namespace

GeneratorOptions seed_preset() {
  GeneratorOptions options;
  options.count = 980;
  options.size = 256;
  options.image_dtype = DType::kFloat32;
  options.heatmap_dtype = DType::kFloat16;
  return options;
}

Status validate(const GeneratorOptions& o) {
  if (o.count < 1 || o.count > (1ull << 32)) return out_of_range("count", o.count, "1..4294967296");
  if (o.size < 16 || o.size > 4096) return out_of_range("size", o.size, "16..4096");
  if (o.max_glints < 1 || o.max_glints > 64) {
    return out_of_range("max glints", o.max_glints, "1..64");
  }
  if (o.min_glints > o.max_glints) {
    return Status(Code::kInvalidArgument,
                  "min glints " + std::to_string(o.min_glints) + " is above max glints " +
                      std::to_string(o.max_glints) + ": use MIN <= MAX");
  }
  if (o.image_dtype != DType::kUInt8 && o.image_dtype != DType::kFloat32) {
    return Status(Code::kInvalidArgument, "image dtype " + std::string(dtype_name(o.image_dtype)) +
                                              " is not supported: use uint8 or float32");
  }
  if (o.heatmap_dtype != DType::kFloat16 && o.heatmap_dtype != DType::kFloat32) {
    return Status(Code::kInvalidArgument, "heatmap dtype " +
                                              std::string(dtype_name(o.heatmap_dtype)) +
                                              " is not supported: use float16 or float32");
  }
  if (!(o.sigma >= 0.3 && o.sigma <= 50.0)) {
    return Status(Code::kInvalidArgument,
                  "sigma " + std::to_string(o.sigma) + " is out of range: use 0.3..50 pixels");
  }
  if (o.block_bytes < 1) return out_of_range("block bytes", o.block_bytes, "at least 1");
  return Status::Ok();
}

uint64_t image_bytes(const GeneratorOptions& o) {
  return uint64_t{o.size} * o.size * dtype_size(o.image_dtype);
}

uint64_t heatmap_bytes(const GeneratorOptions& o) {
  return uint64_t{o.size} * o.size * dtype_size(o.heatmap_dtype);
}

uint64_t glint_bytes(const GeneratorOptions& o) { return uint64_t{o.max_glints} * 2 * 4; }

uint64_t payload_bytes(const GeneratorOptions& o) {
  return o.count * (image_bytes(o) + heatmap_bytes(o) + glint_bytes(o));
}

}  // namespace glint::synth
