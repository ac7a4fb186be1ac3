// tblog_write_run DIR: writes a small sweep of two runs (DIR/focal,
// DIR/hybrid) with glint::tblog, as the trainer would, and prints on stdout
// one JSON object of everything it wrote, for test_event_files.py to check
// against what tensorboard reads back.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "draw/png_canvas.h"
#include "tblog/event_writer.h"

namespace {

using glint::tblog::EventWriter;
using glint::tblog::HParam;

constexpr int kSteps = 6, kStepsPerEpoch = 2;

// A picture with one bright dot per run, so the two images differ.
glint::tblog::PngImage picture(int seed) {
  glint::draw::Canvas canvas(64, 48, {20, 20, 20});
  canvas.fill(10 + 20 * seed, 20, 6, 6, {255, 200, 0});
  return {canvas.encode_png(), canvas.height(), canvas.width(), 3};
}

void scalar(EventWriter& w, nlohmann::json& wrote, const std::string& tag, double value, int step) {
  w.scalar(tag, value, step);
  wrote["scalars"][tag].push_back({step, value});
}

nlohmann::json write_run(const std::string& dir, const std::string& loss, double lr, int seed) {
  nlohmann::json wrote = {{"dir", dir}, {"scalars", nlohmann::json::object()}};
  EventWriter w(dir);
  w.start_session({{"loss", loss}, {"lr", lr}, {"augment", seed == 0}, {"batch_size", 16}});
  wrote["hparams"] = {{"loss", loss}, {"lr", lr}, {"augment", seed == 0}, {"batch_size", 16}};
  double best = INFINITY;
  for (int step = 1; step <= kSteps; ++step) {
    scalar(w, wrote, "train/loss", (1.0 + seed) / step + 0.1, step);
    scalar(w, wrote, "train/step_s", 0.25 + 0.01 * step, step);
    if (step % kStepsPerEpoch != 0) continue;
    const double val = (1.2 + seed) / step;
    best = std::min(best, val);
    scalar(w, wrote, "val/loss", val, step);
    scalar(w, wrote, "val/f1", 1 - val / 2, step);
    const auto image = picture(seed);
    w.image("val/predictions", image, step);
    wrote["images"].push_back({{"tag", "val/predictions"}, {"step", step}, {"height", 48}, {"width", 64}});
    w.flush();  // once per epoch, as the trainer does
  }
  w.end_session({{"final/best_val_loss", best}}, kSteps);
  wrote["scalars"]["final/best_val_loss"].push_back({kSteps, best});
  wrote["enabled"] = w.enabled();
  return wrote;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tblog_write_run DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  nlohmann::json runs = {{"focal", write_run(dir + "/focal", "focal", 3e-3, 0)},
                         {"hybrid", write_run(dir + "/hybrid", "hybrid", 1e-2, 1)}};
  std::cout << runs.dump() << "\n";
  return runs["focal"]["enabled"] && runs["hybrid"]["enabled"] ? 0 : 1;
}
