#include "train_log.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/number_text.h"
#include "util/posix_error.h"

namespace glint::train {
namespace {

// nlohmann writes NaN as null already; the helper says so where it matters.
nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}


}  // namespace

double data_wait_percent(const EpochResult& r) {
  return r.epoch_s > 0 ? 100.0 * r.data_wait_s / r.epoch_s : 0.0;
}

std::string format_epoch_line(const EpochResult& r) {
  std::string line = "epoch " + std::to_string(r.epoch) + "/" + std::to_string(r.epochs);
  if (r.partial) line += " (partial, " + std::to_string(r.steps) + " steps)";
  line += "  train " + fixed_or_na(r.train_loss, 4) + "  val " + fixed_or_na(r.val_loss, 4);
  if (r.metrics.images > 0) {
    line += "  err " + fixed_or_na(r.metrics.mean_error_px, 2) + " px  P " +
            fixed_or_na(r.metrics.precision, 3) + "  R " + fixed_or_na(r.metrics.recall, 3);
  }
  line += "  " + fixed_or_na(r.samples_per_s, 1) + " samples/s  data wait " + fixed_or_na(r.data_wait_s, 2) +
          " s (" + fixed_or_na(data_wait_percent(r), 1) + "%)  " + fixed_or_na(r.epoch_s, 1) + " s";
  return line;
}

std::string epoch_json(const EpochResult& r) {
  const bool val = r.metrics.images > 0;
  const auto metric = [val](double v) { return val ? number_or_null(v) : nlohmann::json(nullptr); };
  nlohmann::json j = {
      {"epoch", r.epoch},
      {"epochs", r.epochs},
      {"partial", r.partial},
      {"steps", r.steps},
      {"global_step", r.global_step},
      {"train_loss", number_or_null(r.train_loss)},
      {"val_loss", number_or_null(r.val_loss)},
      {"loc_error_px", metric(r.metrics.mean_error_px)},
      {"loc_error_all_px", metric(r.metrics.mean_error_all_px)},
      {"precision", metric(r.metrics.precision)},
      {"recall", metric(r.metrics.recall)},
      {"f1", metric(r.metrics.f1)},
      {"val_images", r.metrics.images},
      {"gt_glints", r.metrics.ground_truth_peaks},
      {"pred_glints", r.metrics.predicted_peaks},
      {"matched", r.metrics.matched},
      {"samples_per_s", r.samples_per_s},
      {"step_s", number_or_null(r.step_s)},
      {"data_wait_s", r.data_wait_s},
      {"data_wait_pct", data_wait_percent(r)},
      {"epoch_s", r.epoch_s},
      {"lr", r.lr},
      {"peak_rss_mib", number_or_null(r.peak_rss_mib)},
  };
  return j.dump();
}

TrainLog::TrainLog(const std::string& path, bool append) : path_(path) {
  if (path.empty()) return;
  out_.open(path, append ? std::ios::app : std::ios::trunc);
  if (!out_) {
    throw std::runtime_error("--log " + path + ": cannot open for writing (" +
                             errno_text(errno) + "); check the directory exists and is writable");
  }
}

void TrainLog::write(const EpochResult& r) {
  if (path_.empty()) return;
  out_ << epoch_json(r) << '\n' << std::flush;
  if (!out_) throw std::runtime_error("--log " + path_ + ": write failed (disk full?)");
}

}  // namespace glint::train
