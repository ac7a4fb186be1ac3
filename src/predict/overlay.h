// Pictures of predictions (drawn by draw/marked_images.h): the image in grey (first channel, min black, max
// white), red rings on predicted glints, green crosses on true ones.
// Small images are enlarged (up to 8x) so that a 64x64 image is 256 wide.
#pragma once

#include <string>
#include <vector>

#include "predict/input.h"
#include "predict/result.h"

namespace glint::predict {

// Writes DIR/<name>.png for one image: name is the row zero-padded to six
// digits ("000017") for HDF5 rows, the file's name without extension for
// image files. Throws std::runtime_error (one line) when it cannot be written.
void write_overlay(const std::string& dir, const InputImage& image, const ImageResult& result,
                   bool from_file);

// One picture of the first kMaxImages images, four to a row (--png).
class ContactSheet {
 public:
  static constexpr size_t kMaxImages = 64;
  // Keeps the image if there is room; returns false when the sheet is full.
  bool add(const InputImage& image, const ImageResult& result);
  // Writes the PNG; returns its "WxH". Throws std::runtime_error (one line).
  // With no image kept, writes nothing and returns "0x0".
  std::string write(const std::string& path) const;
  size_t size() const { return images_.size(); }

 private:
  std::vector<InputImage> images_;
  std::vector<ImageResult> results_;
};

}  // namespace glint::predict
