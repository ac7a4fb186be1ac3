#include "synth/progress.h"

#include <string>

namespace glint::synth {

ProgressPrinter::ProgressPrinter(std::FILE* out, bool terminal, std::string label,
                                 std::chrono::milliseconds delay)
    : out_(out), terminal_(terminal), label_(std::move(label)), delay_(delay) {}

void ProgressPrinter::update(uint64_t done, uint64_t total) {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  if (total == 0 || elapsed < delay_) return;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const int percent = static_cast<int>(done * 100 / total);
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = percent * kWidth / 100;
    std::fprintf(out_, "\r%s [%s%s] %3d%% %llu/%llu (%.0f samples/s)", label_.c_str(),
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                 percent, static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), rate);
    drawn_ = true;
  } else {
    const int tenth = percent / 10;
    if (tenth <= last_tenth_) return;
    last_tenth_ = tenth;
    std::fprintf(out_, "%s: %d%% (%llu/%llu samples, %.1f s)\n", label_.c_str(), percent,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 seconds);
  }
  std::fflush(out_);
}

void ProgressPrinter::finish() {
  if (terminal_ && drawn_) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  drawn_ = false;
}

}  // namespace glint::synth
