#include "predict.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "glint/h5.h"
#include "png_canvas.h"
#include "train/checkpoint.h"
#include "train/convert.h"
#include "train/peaks.h"
#include "train/threads.h"
#include "train/unet.h"

namespace glint::predict {
namespace {

using train::Peak;

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

// Rows [index, index + count) of `dataset` as float32 [count, C, H, W].
torch::Tensor read_rows(H5Source& file, const DatasetInfo& info, const PredictOptions& o,
                        train::ValueScale scale) {
  const auto& s = info.shape;
  if (s.size() != 3 && s.size() != 4) {
    fail("dataset '" + info.name + "' of " + o.h5 + " has rank " + std::to_string(s.size()) +
         "; expected [N,H,W] or [N,C,H,W]");
  }
  const int64_t c = s.size() == 4 ? static_cast<int64_t>(s[1]) : 1;
  const auto h = static_cast<int64_t>(s[s.size() - 2]);
  const auto w = static_cast<int64_t>(s[s.size() - 1]);
  std::vector<uint8_t> raw(static_cast<size_t>(o.count * c * h * w) * dtype_size(info.dtype));
  const Status st = file.read_rows(info.name, static_cast<uint64_t>(o.index),
                                   static_cast<uint64_t>(o.count), raw.data());
  if (!st.ok()) fail(st.message());
  torch::Tensor out = torch::empty({o.count, c, h, w}, torch::kFloat32);
  train::convert_to_float(info.dtype, raw.data(), out.numel(), out.data_ptr<float>(), scale);
  return out;
}

DatasetInfo image_info(H5Source& file, const PredictOptions& o) {
  auto info = file.info(o.images);
  if (!info.ok()) fail("--images: " + info.status().message());
  const uint64_t rows = info->shape.empty() ? 0 : info->shape[0];
  if (static_cast<uint64_t>(o.index + o.count) > rows) {
    fail("--index " + std::to_string(o.index) + " --count " + std::to_string(o.count) +
         ": " + o.h5 + " has only " + std::to_string(rows) + " images");
  }
  return *info;
}

// Ground truth, when the file has a heatmaps dataset of the same geometry.
std::optional<torch::Tensor> read_truth(H5Source& file, const PredictOptions& o,
                                        const torch::Tensor& images) {
  auto info = file.info(o.heatmaps);
  if (!info.ok()) return std::nullopt;
  torch::Tensor t = read_rows(file, *info, o, train::ValueScale::kAsIs);
  if (t.size(2) != images.size(2) || t.size(3) != images.size(3)) return std::nullopt;
  return t;
}

train::UNet load_model(const PredictOptions& o, const torch::Tensor& images) {
  const train::CheckpointMeta meta = train::read_checkpoint_meta(o.model_path);
  train::UNet model(meta.unet);
  train::load_checkpoint(o.model_path, *model, nullptr);
  model->eval();
  if (images.size(1) != meta.unet.in_channels) {
    fail(o.model_path + " expects " + std::to_string(meta.unet.in_channels) +
         "-channel images but '" + o.images + "' has " + std::to_string(images.size(1)));
  }
  std::cout << o.model_path << ": UNet " << train::describe(meta.unet) << ", " << meta.epoch
            << " epochs, loss " << meta.loss << "\n";
  return model;
}

void print_image(int64_t index, const std::vector<Peak>& peaks, const std::vector<Peak>* truth) {
  std::cout << "image " << index << ": " << peaks.size() << " glint(s)\n";
  for (const Peak& p : peaks) {
    std::printf("  x %7.2f  y %7.2f  score %.3f\n", p.x, p.y, p.score);
  }
  if (truth == nullptr) return;
  std::cout << "  truth:";
  for (const Peak& p : *truth) std::printf(" (%.2f, %.2f)", p.x, p.y);
  const train::MatchResult m = train::match_peaks(peaks, *truth, 3.0);
  std::printf("  -> %zu matched within 3 px, mean error %.2f px\n", m.pairs.size(),
              m.pairs.empty() ? 0.0 : m.sum_distance / static_cast<double>(m.pairs.size()));
  std::fflush(stdout);
}

void draw_png(const PredictOptions& o, const torch::Tensor& images,
              const std::vector<std::vector<Peak>>& predicted,
              const std::vector<std::vector<Peak>>* truth) {
  const int h = static_cast<int>(images.size(2));
  const int w = static_cast<int>(images.size(3));
  const int scale = std::clamp(256 / std::max(h, w), 1, 8);
  const int columns = static_cast<int>(std::min<int64_t>(o.count, 4));
  const int rows = static_cast<int>((o.count + columns - 1) / columns);
  const int gap = 4;
  Canvas canvas(columns * (w * scale + gap) - gap, rows * (h * scale + gap) - gap);
  const torch::Tensor first_channel = images.select(1, 0).contiguous();
  for (int64_t i = 0; i < o.count; ++i) {
    const int left = static_cast<int>(i % columns) * (w * scale + gap);
    const int top = static_cast<int>(i / columns) * (h * scale + gap);
    canvas.draw_gray(first_channel[i].data_ptr<float>(), h, w, scale, left, top);
    const auto at = [&](const Peak& p, bool x) { return (x ? left : top) + ((x ? p.x : p.y) + 0.5) * scale; };
    if (truth != nullptr) {
      for (const Peak& p : (*truth)[i]) canvas.cross(at(p, true), at(p, false), std::max(2, scale), {0, 220, 0});
    }
    for (const Peak& p : predicted[i]) {
      canvas.circle(at(p, true), at(p, false), std::max(4.0, 2.5 * scale), {255, 40, 40});
    }
  }
  if (const std::string error = canvas.write_png(o.png); !error.empty()) fail("--png: " + error);
  std::cout << "wrote " << o.png << " (" << canvas.width() << "x" << canvas.height()
            << "; red circles: predicted, green crosses: truth)\n";
}

int run(const PredictOptions& o) {
  train::configure_threads(o.threads);
  auto opened = H5Source::open(o.h5);
  if (!opened.ok()) fail("--h5: " + opened.status().message());
  H5Source& file = **opened;
  const torch::Tensor images = read_rows(file, image_info(file, o), o, train::ValueScale::kImage);
  const std::optional<torch::Tensor> truth = read_truth(file, o, images);
  train::UNet model = load_model(o, images);
  torch::NoGradGuard no_grad;
  const torch::Tensor probs = torch::sigmoid(model->forward(images));
  train::PeakOptions po;
  po.threshold = o.threshold;
  const auto predicted = train::extract_batch_peaks(probs, po);
  std::vector<std::vector<Peak>> truth_peaks;
  train::PeakMetrics metrics;
  if (truth) truth_peaks = train::extract_batch_peaks(*truth, train::MetricsOptions{}.ground_truth);
  for (int64_t i = 0; i < o.count; ++i) {
    print_image(o.index + i, predicted[i], truth ? &truth_peaks[i] : nullptr);
    if (truth) metrics.add_image(predicted[i], truth_peaks[i]);
  }
  if (truth) std::cout << "all: " << train::format_summary(metrics.summary()) << "\n";
  if (!o.png.empty()) draw_png(o, images, predicted, truth ? &truth_peaks : nullptr);
  return 0;
}

}  // namespace

int run_predict(const PredictOptions& options) {
  try {
    return run(options);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    std::cerr << "glint_predict: error: " << what.substr(0, what.find('\n')) << "\n";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    std::cerr << "glint_predict: error: " << what.substr(0, what.find('\n')) << "\n";
  }
  return 1;
}

}  // namespace glint::predict
