#include "draw/train_log_plot.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "draw/chart.h"

namespace glint::draw {
namespace {

constexpr Rgb kBlue{31, 119, 180}, kOrange{255, 127, 14}, kGreen{44, 160, 44}, kRed{214, 39, 40},
    kPurple{148, 103, 189}, kGrey{110, 110, 110};
// Run colours (matplotlib's tab10), in order.
constexpr Rgb kRunColors[] = {kBlue,           kOrange,         kGreen,         kRed,           kPurple,
                              {140, 86, 75},   {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

// One log key as a series; null (no validation) is a gap.
Series series(const std::map<long, nlohmann::json>& epochs, std::string_view key, std::string label, Rgb color,
              bool dashed = false) {
  Series s{std::move(label), {}, {}, color, dashed, {}};
  for (const auto& [epoch, j] : epochs) {
    const auto it = j.find(key);
    s.x.push_back(static_cast<double>(epoch));
    s.y.push_back(it != j.end() && it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN());
    s.hollow.push_back(j.value("partial", false));
  }
  return s;
}

bool spans_decades(const Panel& p) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const Series& s : p.series) {
    for (double v : s.y) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  return lo > 0 && std::isfinite(lo) && hi / lo > 20;
}

Rgb run_color(size_t i) { return kRunColors[i % std::size(kRunColors)]; }

// One series per run of `key`, labelled with the run's name.
Panel runs_panel(const std::vector<RunLog>& runs, std::string title, std::string_view key) {
  Panel p{std::move(title), {}, false, 0.0, {}, "no validation set (--val_split 0)"};
  for (size_t i = 0; i < runs.size(); ++i) p.series.push_back(series(runs[i].epochs, key, runs[i].name, run_color(i)));
  return p;
}

}  // namespace

std::map<long, nlohmann::json> read_train_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read; give the file of train_glint_unet --log");
  std::map<long, nlohmann::json> epochs;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("epoch") || !j["epoch"].is_number_integer()) {
      throw std::runtime_error(path + ":" + std::to_string(n) +
                               ": not a line of train_glint_unet --log (JSON with an \"epoch\" key)");
    }
    const long epoch = j["epoch"].get<long>();  // before the move below
    epochs[epoch] = std::move(j);
  }
  if (epochs.empty()) throw std::runtime_error(path + ": no epochs logged yet");
  return epochs;
}

Canvas plot_train_log(const std::map<long, nlohmann::json>& epochs, const std::string& title) {
  Panel loss{"loss", {series(epochs, "train_loss", "train loss", kBlue),
                      series(epochs, "val_loss", "validation loss", kOrange)}, false, {}, {}, ""};
  loss.log_y = spans_decades(loss);
  Panel error{"localisation error, pixels",
              {series(epochs, "loc_error_px", "matched glints", kBlue),
               series(epochs, "loc_error_all_px", "misses counted as the radius", kOrange, /*dashed=*/true)},
              false, 0.0, {}, "no validation set (--val_split 0)"};
  Panel rates{"validation", {series(epochs, "precision", "precision", kPurple), series(epochs, "recall", "recall", kRed),
                             series(epochs, "f1", "F1", kGreen)},
              false, 0.0, 1.05, "no validation set (--val_split 0)"};
  ChartOptions o;
  o.title = title;
  return draw_chart({loss, error, rates}, o);
}

Canvas plot_train_logs(const std::vector<RunLog>& runs, const std::string& title) {
  Panel loss{"loss", {}, false, {}, {}, ""};
  for (size_t i = 0; i < runs.size(); ++i) {
    loss.series.push_back(series(runs[i].epochs, "train_loss", runs[i].name, run_color(i), /*dashed=*/true));
    loss.series.push_back(series(runs[i].epochs, "val_loss", runs[i].name, run_color(i)));
    loss.legend.push_back({runs[i].name, run_color(i)});
  }
  loss.legend.push_back({"validation", kGrey});
  loss.legend.push_back({"train", kGrey, /*dashed=*/true});
  loss.log_y = spans_decades(loss);
  Panel error = runs_panel(runs, "localisation error of matched glints, pixels", "loc_error_px");
  Panel f1 = runs_panel(runs, "F1 (validation)", "f1");
  f1.y_max = 1.05;
  ChartOptions o;
  o.title = title;
  return draw_chart({loss, error, f1}, o);
}

}  // namespace glint::draw
