#include "predict/overlay.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "draw/png_canvas.h"

namespace glint::predict {
namespace {

using draw::Canvas;
using draw::Rgb;

constexpr Rgb kPredicted{255, 40, 40};
constexpr Rgb kTruth{0, 220, 0};

int scale_for(int64_t height, int64_t width) {
  return std::clamp(static_cast<int>(256 / std::max<int64_t>(height, width)), 1, 8);
}

void draw(Canvas& canvas, const InputImage& image, const ImageResult& r, int scale, int left, int top) {
  canvas.draw_gray(image.pixels.data(), static_cast<int>(image.height), static_cast<int>(image.width),
                   scale, left, top);
  const auto at_x = [&](const train::Peak& p) { return left + (p.x + 0.5) * scale; };
  const auto at_y = [&](const train::Peak& p) { return top + (p.y + 0.5) * scale; };
  if (r.truth) {
    for (const train::Peak& p : *r.truth) canvas.cross(at_x(p), at_y(p), std::max(2, scale), kTruth);
  }
  for (const train::Peak& p : r.predicted) {
    canvas.circle(at_x(p), at_y(p), std::max(4.0, 2.5 * scale), kPredicted);
  }
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
  const int scale = scale_for(image.height, image.width);
  Canvas canvas(static_cast<int>(image.width) * scale, static_cast<int>(image.height) * scale);
  draw(canvas, image, result, scale, 0, 0);
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
  int64_t h = 0, w = 0;
  for (const InputImage& i : images_) {
    h = std::max(h, i.height);
    w = std::max(w, i.width);
  }
  const int scale = scale_for(h, w);
  const int cell_w = static_cast<int>(w) * scale, cell_h = static_cast<int>(h) * scale, gap = 4;
  const int columns = static_cast<int>(std::min<size_t>(images_.size(), 4));
  const int rows = static_cast<int>((images_.size() + columns - 1) / columns);
  Canvas canvas(columns * (cell_w + gap) - gap, rows * (cell_h + gap) - gap);
  for (size_t i = 0; i < images_.size(); ++i) {
    draw(canvas, images_[i], results_[i], scale, static_cast<int>(i % columns) * (cell_w + gap),
         static_cast<int>(i / columns) * (cell_h + gap));
  }
  if (const std::string error = canvas.write_png(path); !error.empty()) {
    throw std::runtime_error("--png: " + error);
  }
  return std::to_string(canvas.width()) + "x" + std::to_string(canvas.height());
}

}  // namespace glint::predict
