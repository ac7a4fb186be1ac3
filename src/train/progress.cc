#include "progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ostream>

namespace glint::train {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  return text;
}

std::string format_progress(const std::string& label, int64_t done, int64_t total,
                            double samples_per_s, double loss) {
  constexpr int kWidth = 20;
  const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  char text[256];
  std::snprintf(text, sizeof text, "%s [%s] %lld/%lld steps  %.1f samples/s  loss %.4f",
                label.c_str(), bar.c_str(), static_cast<long long>(done),
                static_cast<long long>(total), samples_per_s, loss);
  return text;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}

ProgressBar::~ProgressBar() { clear(); }

void ProgressBar::start(std::string label, int64_t total) {
  label_ = std::move(label);
  total_ = total;
  start_ = Clock::now();
  last_draw_ = Clock::time_point{};
}

void ProgressBar::update(int64_t done, int64_t samples, double loss) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0;
  // ETA from steps, not samples: the last batch may be short.
  const double eta = done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(total_ - done) : NAN;
  const std::string line =
      format_progress(label_, done, total_, rate, loss) + "  ETA " + format_duration(eta);
  // Pad with spaces so a shorter line fully covers the previous one.
  out_ << '\r' << line << std::string(drawn_width_ > line.size() ? drawn_width_ - line.size() : 0, ' ')
       << std::flush;
  drawn_width_ = line.size();
}

void ProgressBar::clear() {
  if (!enabled_ || drawn_width_ == 0) return;
  out_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_width_ = 0;
}

}  // namespace glint::train
