// Image files as input: each file is one single-channel image, read when asked.
#include <sstream>

#include "predict/image_file.h"
#include "predict/input.h"

namespace glint::predict {
namespace {

class FileInput final : public ImageInput {
 public:
  explicit FileInput(std::vector<std::string> files) : files_(std::move(files)) {}

  int64_t size() const override { return static_cast<int64_t>(files_.size()); }

  InputImage read(int64_t i) override {
    GrayImage g = read_gray_image(files_[static_cast<size_t>(i)]);
    return InputImage{files_[static_cast<size_t>(i)], 1, g.height, g.width, std::move(g.pixels)};
  }

  std::optional<Truth> truth(int64_t) override { return std::nullopt; }

  std::string description() const override {
    std::ostringstream s;
    s << files_.size() << " image file(s), no ground truth";
    return s.str();
  }

 private:
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<ImageInput> open_file_input(const PredictOptions& options) {
  return std::make_unique<FileInput>(options.files);
}

std::unique_ptr<ImageInput> open_input(const PredictOptions& options, std::ostream& err) {
  if (!options.files.empty()) return open_file_input(options);
  return open_h5_input(options, err);
}

}  // namespace glint::predict
