#include "draw/run_summary.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace glint::draw {
namespace {

double number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : NAN;
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

RunSummary summarize_run(const std::string& name, const std::map<long, nlohmann::json>& epochs) {
  RunSummary r;
  r.name = name;
  r.epochs = static_cast<long>(epochs.size());
  const nlohmann::json* at = epochs.empty() ? nullptr : &epochs.rbegin()->second;
  std::vector<double> speeds;
  for (const auto& [epoch, j] : epochs) {
    const double val = number(j, "val_loss");
    if (std::isfinite(val) && !(val >= r.best_val_loss)) {  // first of equal losses wins
      r.best_val_loss = val;
      r.best_epoch = epoch;
      at = &j;
    }
    if (const double s = number(j, "samples_per_s"); std::isfinite(s) && s > 0) speeds.push_back(s);
    if (const double m = number(j, "peak_rss_mib"); std::isfinite(m)) {
      r.peak_memory_mib = std::isfinite(r.peak_memory_mib) ? std::max(r.peak_memory_mib, m) : m;
    }
  }
  if (at != nullptr) {
    r.loc_error_px = number(*at, "loc_error_px");
    r.precision = number(*at, "precision");
    r.recall = number(*at, "recall");
    r.f1 = number(*at, "f1");
  }
  r.samples_per_s = median(std::move(speeds));
  return r;
}

std::vector<std::string> run_names(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  for (const std::string& p : paths) names.push_back(std::filesystem::path(p).stem().string());
  std::vector<std::string> out = names;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (std::count(names.begin(), names.end(), names[i]) > 1) {
      const std::string folder = std::filesystem::path(paths[i]).parent_path().filename().string();
      out[i] = (folder.empty() ? "." : folder) + "/" + names[i];
    }
  }
  return out;
}

}  // namespace glint::draw
