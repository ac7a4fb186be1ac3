#include "predict/predict.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "predict/input.h"
#include "predict/model.h"
#include "predict/overlay.h"
#include "predict/result.h"
#include "runtime/malloc_tuning.h"
#include "runtime/threads.h"
#include "util/output_path.h"

namespace glint::predict {
namespace {

using train::Peak;

// The truth as peaks: glint positions as they are, heatmaps through the same
// peak finder the trainer's validation uses.
std::vector<Peak> truth_peaks(const Truth& t, const InputImage& image) {
  if (t.heatmap_channels == 0) {
    std::vector<Peak> peaks;
    for (const auto& [x, y] : t.points) peaks.push_back({.channel = 0, .x = x, .y = y, .score = 1.0});
    return peaks;
  }
  const torch::Tensor map = torch::from_blob(const_cast<float*>(t.heatmap.data()),
                                             {t.heatmap_channels, image.height, image.width});
  return train::extract_peaks(map, train::MetricsOptions{}.ground_truth);
}

// Everything done with one image once its peaks are known.
class Reporter {
 public:
  Reporter(const PredictOptions& o, ImageInput& input, std::ostream& out)
      : o_(o), input_(input), out_(out) {
    train::MetricsOptions mo;
    mo.match_radius = o.match_radius;
    metrics_ = train::PeakMetrics(mo);
    if (!o.out.empty()) csv_.emplace(o.out, input.size() > 0 && input.truth(0).has_value());
    if (!o.overlay.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o.overlay, ec);
      if (ec) throw std::runtime_error("--overlay " + o.overlay + ": cannot create (" + ec.message() + ")");
    }
  }

  void report(int64_t index, const InputImage& image, std::vector<Peak> predicted) {
    ImageResult r{image.label, std::move(predicted), std::nullopt, {}};
    if (const std::optional<Truth> t = input_.truth(index)) {
      r.truth = truth_peaks(*t, image);
      r.match = train::match_peaks(r.predicted, *r.truth, o_.match_radius);
      metrics_.add_image(r.predicted, *r.truth);
      has_truth_ = true;
    }
    if (!o_.quiet) print_result(out_, r, o_.match_radius);
    if (csv_) csv_->write(r);
    if (!o_.overlay.empty()) write_overlay(o_.overlay, image, r, !o_.files.empty());
    if (!o_.png.empty()) sheet_.add(image, r);
  }

  void finish() {
    if (has_truth_) out_ << "all: " << train::format_summary(metrics_.summary()) << "\n";
    if (csv_) {
      csv_->close();
      out_ << "wrote " << o_.out << "\n";
    }
    if (!o_.overlay.empty()) out_ << "wrote " << input_.size() << " PNG(s) to " << o_.overlay << "/\n";
    if (!o_.png.empty() && sheet_.size() == 0) {
      out_ << "--png " << o_.png << ": no image to draw, nothing written\n";
    } else if (!o_.png.empty()) {
      out_ << "wrote " << o_.png << " (" << sheet_.write(o_.png) << ", first " << sheet_.size()
           << " image(s); red circles: predicted, green crosses: truth)\n";
    }
  }

 private:
  const PredictOptions& o_;
  ImageInput& input_;
  std::ostream& out_;
  train::PeakMetrics metrics_;
  bool has_truth_ = false;
  std::optional<CsvWriter> csv_;
  ContactSheet sheet_;
};

// Runs one batch of same-sized images through the model.
std::vector<std::vector<Peak>> infer(LoadedModel& model, const std::vector<InputImage>& batch,
                                     double threshold) {
  const InputImage& first = batch.front();
  torch::Tensor x = torch::empty({static_cast<int64_t>(batch.size()), first.channels, first.height, first.width});
  for (size_t i = 0; i < batch.size(); ++i) {
    std::memcpy(x[static_cast<int64_t>(i)].data_ptr<float>(), batch[i].pixels.data(),
                batch[i].pixels.size() * sizeof(float));
  }
  train::PeakOptions po;
  po.threshold = threshold;
  return train::extract_batch_peaks(predict_heatmaps(model, x), po);
}

// Each output (--out, --png, --overlay) can be written; throws one line
// naming the flag, the path and the cause.
void check_outputs(const PredictOptions& o) {
  const auto check = [](const char* flag, const std::string& path, const std::string& why) {
    if (!why.empty()) throw std::runtime_error(std::string(flag) + " " + path + ": " + why);
  };
  if (!o.out.empty()) check("--out", o.out, file_output_problem(o.out, "glints.csv"));
  if (!o.png.empty()) check("--png", o.png, file_output_problem(o.png, "glints.png"));
  if (!o.overlay.empty()) check("--overlay", o.overlay, directory_output_problem(o.overlay));
}

int run(const PredictOptions& o, std::ostream& out, std::ostream& err) {
  // Batches allocate and free the same large activations, as training steps do.
  train::apply_malloc_tuning();
  train::configure_threads(o.threads);
  check_outputs(o);  // before any reading: a bad path costs milliseconds, not a whole pass
  std::unique_ptr<ImageInput> input = open_input(o, err);
  LoadedModel model = load_model(o.model_path, o.precision);
  out << describe_model(o.model_path, model) << "\n" << "input: " << input->description() << "\n";
  Reporter reporter(o, *input, out);
  const auto start = std::chrono::steady_clock::now();
  std::vector<InputImage> batch;
  int64_t first = 0;  // index of batch[0]
  const auto flush = [&] {
    const auto peaks = infer(model, batch, o.threshold);
    for (size_t i = 0; i < batch.size(); ++i) reporter.report(first + static_cast<int64_t>(i), batch[i], peaks[i]);
    first += static_cast<int64_t>(batch.size());
    batch.clear();
  };
  for (int64_t i = 0; i < input->size(); ++i) {
    InputImage image = input->read(i);
    check_image(model, image);
    if (!batch.empty() && (static_cast<int64_t>(batch.size()) == o.batch || image.height != batch[0].height ||
                           image.width != batch[0].width)) {
      flush();
    }
    batch.push_back(std::move(image));
  }
  if (!batch.empty()) flush();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  reporter.finish();
  out << "predicted " << input->size() << " image(s) in " << std::fixed << std::setprecision(2) << seconds
      << " s (" << std::setprecision(1) << (seconds > 0 ? static_cast<double>(input->size()) / seconds : 0.0)
      << " images/s, batch " << o.batch << ")\n";
  return 0;
}

}  // namespace

int run_predict(const PredictOptions& options, std::ostream& out, std::ostream& err) {
  std::string what;
  try {
    return run(options, out, err);
  } catch (const c10::Error& e) {
    what = e.what_without_backtrace();
  } catch (const std::exception& e) {
    what = e.what();
  }
  out.flush();
  err << "glint_predict: error: " << what.substr(0, what.find('\n')) << "\n";
  return 1;
}

}  // namespace glint::predict
