#include <sstream>
#include <stdexcept>

#include "data_source_impl.h"

namespace glint::train {
namespace {

std::string available_datasets(H5Source& file) {
  auto listed = file.numeric_datasets();
  if (!listed.ok() || listed->empty()) return "no numeric datasets";
  std::string names;
  for (const DatasetInfo& d : *listed) {
    names += (names.empty() ? "" : ", ") + d.name + " " + shape_text(d.shape);
  }
  return "it has: " + names;
}

DatasetInfo describe(H5Source& file, const std::string& name, const char* role) {
  auto info = file.info(name);
  if (info.ok()) return std::move(info).value();
  if (info.status().code() == Code::kNotFound) {
    throw std::runtime_error(std::string(role) + " dataset '" + name + "' not found in " +
                             file.path() + "; " + available_datasets(file) +
                             " (choose one with the " + role + " dataset option)");
  }
  throw std::runtime_error("cannot use " + std::string(role) + " dataset '" + name + "' of " +
                           file.path() + ": " + info.status().message());
}

FieldShape field_shape(const DatasetInfo& info, const std::string& path, const char* role,
                       const char* layout) {
  const auto& s = info.shape;
  if (s.size() != 3 && s.size() != 4) {
    throw std::runtime_error(std::string(role) + " dataset '" + info.name + "' of " + path +
                             " has shape " + shape_text(s) + " (rank " +
                             std::to_string(s.size()) + "); " + role + " must be " + layout);
  }
  FieldShape f;
  f.dataset = info.name;
  f.dtype = info.dtype;
  f.channels = s.size() == 4 ? static_cast<int64_t>(s[1]) : 1;
  f.height = static_cast<int64_t>(s[s.size() - 2]);
  f.width = static_cast<int64_t>(s[s.size() - 1]);
  if (f.elements() == 0) {
    throw std::runtime_error(std::string(role) + " dataset '" + info.name + "' of " + path +
                             " has shape " + shape_text(s) + ": rows are empty");
  }
  return f;
}

}  // namespace

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

SourceShape check_datasets(H5Source& file, const SourceOptions& options) {
  const std::string& path = file.path();
  DatasetInfo images = describe(file, options.images, "images");
  DatasetInfo heatmaps = describe(file, options.heatmaps, "heatmaps");
  SourceShape shape;
  shape.images = field_shape(images, path, "images", "[N, H, W] or [N, C, H, W]");
  shape.heatmaps = field_shape(heatmaps, path, "heatmaps", "[N, H, W] or [N, K, H, W]");
  if (images.shape[0] != heatmaps.shape[0]) {
    throw std::runtime_error("images '" + images.name + "' have " +
                             std::to_string(images.shape[0]) + " samples but heatmaps '" +
                             heatmaps.name + "' have " + std::to_string(heatmaps.shape[0]) +
                             " in " + path + "; every image needs exactly one heatmap row");
  }
  if (shape.images.height != shape.heatmaps.height || shape.images.width != shape.heatmaps.width) {
    throw std::runtime_error("images '" + images.name + "' are " + shape_text(images.shape) +
                             " but heatmaps '" + heatmaps.name + "' are " +
                             shape_text(heatmaps.shape) + " in " + path +
                             "; heatmaps must have the images' height and width");
  }
  shape.samples = static_cast<int64_t>(images.shape[0]);
  if (shape.samples == 0) {
    throw std::runtime_error("images '" + images.name + "' and heatmaps '" + heatmaps.name +
                             "' of " + path + " hold no samples (N = 0): nothing to train on");
  }
  return shape;
}

}  // namespace glint::train
