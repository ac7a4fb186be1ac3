// Where glint_predict's images come from: rows of an HDF5 file (read from
// the file, or from the shared-memory cache when the data is there) or image
// files. No LibTorch here: images are plain floats.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "predict/predict_options.h"

namespace glint::predict {

struct InputImage {
  std::string label;          // "17" (row of the file) or the file's path
  int64_t channels = 1;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<float> pixels;  // [channels, height, width], scaled as in training
};

// The ground truth of one image, when the input has it.
struct Truth {
  // From a glints dataset: (x, y) of every glint, NaN padding dropped.
  std::vector<std::pair<double, double>> points;
  // Else from a heatmaps dataset: [channels, height, width] values 0..1.
  std::vector<float> heatmap;
  int64_t heatmap_channels = 0;  // 0 = points are the truth
};

// Thread safety: none; one caller.
class ImageInput {
 public:
  virtual ~ImageInput() = default;
  // Number of images selected (rows of --indices, or files).
  virtual int64_t size() const = 0;
  // The i-th selected image, 0 <= i < size(). Throws std::runtime_error
  // with one line when it cannot be read.
  virtual InputImage read(int64_t i) = 0;
  // Its ground truth; nullopt when the input has none.
  virtual std::optional<Truth> truth(int64_t i) = 0;
  // One line for people: "d.h5 '/images' rows 0:100 of 300 (uint8 1x64x64),
  // from shared memory (attached glint_<md5>_images); truth: '/glints'".
  virtual std::string description() const = 0;
};

// Opens the input the options name. Warnings (a cache that could not be
// used) go to `err` as "warning: ..." lines. Throws std::runtime_error with
// one line naming the flag and the input.
std::unique_ptr<ImageInput> open_input(const PredictOptions& options, std::ostream& err);

// Implementations (input_h5.cc, input_files.cc).
std::unique_ptr<ImageInput> open_h5_input(const PredictOptions& options, std::ostream& err);
std::unique_ptr<ImageInput> open_file_input(const PredictOptions& options);

}  // namespace glint::predict
