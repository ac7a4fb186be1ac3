#include "tensorboard_log.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "draw/marked_images.h"
#include "model/peaks.h"

namespace glint::train {
namespace {

std::string text_of(const tblog::HParamValue& v) {
  switch (v.type()) {
    case tblog::HParamValue::Type::kString: return v.text();
    case tblog::HParamValue::Type::kBool: return v.flag() ? "true" : "false";
    case tblog::HParamValue::Type::kNumber: break;
  }
  std::ostringstream s;
  s << v.number();
  return s.str();
}

std::vector<draw::Mark> marks(const std::vector<Peak>& peaks) {
  std::vector<draw::Mark> out;
  out.reserve(peaks.size());
  for (const Peak& p : peaks) out.push_back({p.x, p.y});
  return out;
}

}  // namespace

std::vector<tblog::HParam> run_hparams(const TrainOptions& o) {
  return {
      {"loss", o.loss},
      {"lr", o.lr},
      {"batch", static_cast<double>(o.batch)},
      {"epochs", static_cast<double>(o.epochs)},
      {"seed", static_cast<double>(o.seed)},
      {"val_split", o.val_split},
      {"augment", o.augment},
      {"base_channels", static_cast<double>(o.base_channels)},
      {"depth", static_cast<double>(o.depth)},
      {"precision", o.precision},
      {"world_size", o.dist.world_size},
      {"data", std::filesystem::path(o.h5).filename().string()},
  };
}

std::string run_name(const TrainOptions& o) {
  if (!o.run_name.empty()) return o.run_name;
  const std::vector<tblog::HParam> mine = run_hparams(o), defaults = run_hparams(TrainOptions{});
  std::string name;
  for (size_t i = 0; i < mine.size(); ++i) {
    if (mine[i].name == "data") continue;
    const std::string value = text_of(mine[i].value);
    if (value == text_of(defaults[i].value)) continue;
    name += (name.empty() ? "" : ",") + mine[i].name + "=" + value;
  }
  return name.empty() ? "defaults" : name;
}

TensorBoardLog::TensorBoardLog(const TrainOptions& o, std::ostream& warnings) {
  if (o.tensorboard.empty() || o.dist.rank != 0) return;
  run_dir_ = (std::filesystem::path(o.tensorboard) / run_name(o)).string();
  writer_ = std::make_unique<tblog::EventWriter>(run_dir_, tblog::EventWriterOptions{.warnings = &warnings});
  writer_->start_session(run_hparams(o));
  writer_->flush();
}

TensorBoardLog::~TensorBoardLog() {
  if (writer_ && !finished_) writer_->end_session({}, last_step_, tblog::SessionStatus::kFailure);
}

void TensorBoardLog::step(int64_t global_step, double loss) {
  if (!writer_) return;
  last_step_ = global_step;
  if (std::isfinite(loss)) writer_->scalar("train/step_loss", loss, global_step);
}

void TensorBoardLog::epoch(const EpochResult& r) {
  if (!writer_) return;
  last_step_ = r.global_step;
  const bool val = r.metrics.images > 0;  // as in the JSON log: metrics only of a validation
  const std::pair<const char*, double> scalars[] = {
      {"loss/train", r.train_loss},
      {"loss/val", r.val_loss},
      {"val/loc_error_px", val ? r.metrics.mean_error_px : NAN},
      {"val/loc_error_all_px", val ? r.metrics.mean_error_all_px : NAN},
      {"val/precision", val ? r.metrics.precision : NAN},
      {"val/recall", val ? r.metrics.recall : NAN},
      {"val/f1", val ? r.metrics.f1 : NAN},
      {"train/lr", r.lr},
      {"train/samples_per_s", r.samples_per_s},
      {"train/step_s", r.step_s},
      {"train/data_wait_pct", data_wait_percent(r)},
      {"train/peak_rss_mib", r.peak_rss_mib},
  };
  for (const auto& [tag, value] : scalars) {
    if (std::isfinite(value)) writer_->scalar(tag, value, r.global_step);
  }
  writer_->flush();
}

void TensorBoardLog::validation_images(const torch::Tensor& images, const torch::Tensor& probabilities,
                                       const torch::Tensor& target, int64_t global_step) {
  if (!enabled()) return;
  const int64_t n = std::min<int64_t>(kValidationImages, images.size(0));
  const torch::Tensor pixels = images.slice(0, 0, n).select(1, 0).to(torch::kCPU, torch::kFloat).contiguous();
  const MetricsOptions peak_options;
  const auto predicted = extract_batch_peaks(probabilities.slice(0, 0, n).to(torch::kCPU, torch::kFloat),
                                             peak_options.predicted);
  const auto truth = extract_batch_peaks(target.slice(0, 0, n).to(torch::kCPU, torch::kFloat),
                                         peak_options.ground_truth);
  const int height = static_cast<int>(pixels.size(1)), width = static_cast<int>(pixels.size(2));
  std::vector<draw::MarkedImage> sheet;
  for (int64_t i = 0; i < n; ++i) {
    sheet.push_back({pixels[i].data_ptr<float>(), height, width, marks(predicted[i]), marks(truth[i])});
  }
  const draw::Canvas canvas = draw::marked_sheet(sheet);
  writer_->image("val/predictions", {canvas.encode_png(), canvas.height(), canvas.width(), 3}, global_step);
}

void TensorBoardLog::finish(double best_val_loss, int64_t best_epoch, int64_t epochs_done, int64_t global_step,
                            bool interrupted) {
  if (!writer_) return;
  std::vector<std::pair<std::string, double>> final_metrics = {
      {"final/best_epoch", static_cast<double>(best_epoch)},
      {"final/epochs_done", static_cast<double>(epochs_done)}};
  if (std::isfinite(best_val_loss)) final_metrics.emplace_back("final/best_val_loss", best_val_loss);
  writer_->end_session(final_metrics, global_step,
                       interrupted ? tblog::SessionStatus::kFailure : tblog::SessionStatus::kSuccess);
  finished_ = true;
}

}  // namespace glint::train
