#include "predict/overlay.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "draw/marked_images.h"

namespace glint::predict {
namespace {

std::vector<draw::Mark> marks(const std::vector<train::Peak>& peaks) {
  std::vector<draw::Mark> out;
  out.reserve(peaks.size());
  for (const train::Peak& p : peaks) out.push_back({p.x, p.y});
  return out;
}

// The first channel of the image with its predicted and true glints.
draw::MarkedImage marked(const InputImage& image, const ImageResult& r) {
  draw::MarkedImage m{image.pixels.data(), static_cast<int>(image.height), static_cast<int>(image.width),
                      marks(r.predicted), std::nullopt};
  if (r.truth) m.truth = marks(*r.truth);
  return m;
}

}  // namespace

void write_overlay(const std::string& dir, const InputImage& image, const ImageResult& result,
                   bool from_file) {
  std::string name;
  if (from_file) {
    name = std::filesystem::path(image.label).stem().string();
  } else {
    char padded[32];
    std::snprintf(padded, sizeof padded, "%06lld", std::stoll(image.label));
    name = padded;
  }
  const draw::Canvas canvas = draw::marked_sheet({marked(image, result)});
  if (const std::string error = canvas.write_png(dir + "/" + name + ".png"); !error.empty()) {
    throw std::runtime_error("--overlay: " + error);
  }
}

bool ContactSheet::add(const InputImage& image, const ImageResult& result) {
  if (images_.size() >= kMaxImages) return false;
  images_.push_back(image);
  results_.push_back(result);
  return true;
}

std::string ContactSheet::write(const std::string& path) const {
  if (images_.empty()) return "0x0";
  std::vector<draw::MarkedImage> sheet;
  for (size_t i = 0; i < images_.size(); ++i) sheet.push_back(marked(images_[i], results_[i]));
  const draw::Canvas canvas = draw::marked_sheet(sheet);
  if (const std::string error = canvas.write_png(path); !error.empty()) {
    throw std::runtime_error("--png: " + error);
  }
  return std::to_string(canvas.width()) + "x" + std::to_string(canvas.height());
}

}  // namespace glint::predict
