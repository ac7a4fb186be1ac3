#include "draw/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "draw/text.h"

namespace glint::draw {
namespace {

constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0}, kGrid{225, 225, 225}, kText{40, 40, 40};
constexpr int kLeft = 70, kRight = 20, kTop = 30, kGap = 34, kBottom = 44;

std::string tick_text(double v) {
  if (std::abs(v) < 1e-12) return "0";  // not "-0" from an accumulated step
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// Maps data to pixels inside one panel's plot area.
struct Frame {
  int left, top, width, height;
  double x0, x1, y0, y1;
  bool log_y;

  double px(double x) const { return left + (x - x0) / (x1 - x0) * (width - 1); }
  double py(double y) const {
    const double t = log_y ? (std::log10(y) - std::log10(y0)) / (std::log10(y1) - std::log10(y0))
                           : (y - y0) / (y1 - y0);
    return top + (1 - t) * (height - 1);
  }
};

void y_range(const Panel& p, double& lo, double& hi) {
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  for (const Series& s : p.series) {
    for (double v : s.y) {
      if (std::isfinite(v) && (!p.log_y || v > 0)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (p.y_min) lo = *p.y_min;
  if (p.y_max) hi = *p.y_max;
  if (hi <= lo) hi = p.log_y ? lo * 10 : lo + 1;
}

void draw_series(Canvas& c, const Frame& f, const Series& s) {
  std::optional<std::pair<double, double>> last;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    if (!std::isfinite(s.y[i]) || (f.log_y && s.y[i] <= 0)) {
      last.reset();
      continue;
    }
    const double x = f.px(s.x[i]), y = f.py(s.y[i]);
    if (last) c.line(last->first, last->second, x, y, s.color, /*thick=*/true, s.dashed);
    const bool hollow = i < s.hollow.size() && s.hollow[i];
    if (hollow) {
      c.fill(static_cast<int>(x) - 3, static_cast<int>(y) - 3, 8, 8, kWhite);
      c.circle(x + 0.5, y + 0.5, 4, s.color);
    } else {
      c.fill(static_cast<int>(x) - 2, static_cast<int>(y) - 2, 5, 5, s.color);
    }
    last = {x, y};
  }
}

bool has_values(const Panel& p) {
  for (const Series& s : p.series) {
    if (std::any_of(s.y.begin(), s.y.end(), [](double v) { return std::isfinite(v); })) return true;
  }
  return false;
}

std::vector<LegendEntry> legend_entries(const Panel& p) {
  if (!p.legend.empty()) return p.legend;
  std::vector<LegendEntry> entries;
  for (const Series& s : p.series) entries.push_back({s.label, s.color, s.dashed});
  return entries;
}

// The legend's box spans the plot's width less the title and a margin.
int legend_width(const Panel& p, int plot_width) { return plot_width - text_width(p.title) - 16; }

// `reserved`: pixels at the right end of the header line taken by something
// else (the chart's title runs into the first panel's header).
LegendLayout panel_legend(const Panel& p, int plot_width, int reserved) {
  if (!has_values(p)) return {};
  return layout_legend(legend_entries(p), legend_width(p, plot_width) - reserved);
}

void draw_panel(Canvas& c, const Frame& f, const Panel& p, const LegendLayout& legend,
                const std::vector<double>& x_ticks) {
  const int header_top = f.top - legend.rows * kLegendRowHeight;
  draw_text(c, f.left, header_top, p.title, kText);
  for (double t : nice_ticks(f.y0, f.y1, f.log_y)) {
    if (t < f.y0 * (1 - 1e-9) || t > f.y1 * (1 + 1e-9)) continue;
    const int y = static_cast<int>(std::lround(f.py(t)));
    c.line(f.left, y, f.left + f.width - 1, y, kGrid);
    draw_text(c, f.left - 6, y - kTextHeight / 2, tick_text(t), kText, Align::kRight);
  }
  for (double t : x_ticks) {
    const int x = static_cast<int>(std::lround(f.px(t)));
    c.line(x, f.top, x, f.top + f.height - 1, kGrid);
  }
  for (const Series& s : p.series) draw_series(c, f, s);
  c.frame(f.left, f.top, f.width, f.height, kBlack);
  if (has_values(p)) {
    draw_legend(c, legend_entries(p), legend, f.left + f.width - legend.width, header_top);
  } else if (!p.empty_note.empty()) {
    draw_text(c, f.left + f.width / 2, f.top + f.height / 2 - kTextHeight / 2, p.empty_note, kText, Align::kCenter);
  }
}

// The epochs of all series, padded so that end points are not on the frame.
std::pair<double, double> x_range(const std::vector<Panel>& panels) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0;
  for (const Panel& p : panels) {
    for (const Series& s : p.series) {
      for (double x : s.x) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
      }
    }
  }
  if (!std::isfinite(x0)) {
    x0 = 0;
    x1 = 1;
  }
  const double pad = std::max(0.5, (x1 - x0) * 0.03);
  return {x0 - pad, x1 + pad};
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, bool log_scale, bool integers) {
  std::vector<double> out;
  if (log_scale) {
    for (int e = static_cast<int>(std::floor(std::log10(lo))); e <= static_cast<int>(std::ceil(std::log10(hi))); ++e) {
      for (double m : {1.0, 2.0, 5.0}) out.push_back(m * std::pow(10.0, e));
    }
    return out;
  }
  const double raw = (hi - lo) / 5;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : raw / power < 7.5 ? 5 : 10);
  if (integers) step = std::max(1.0, std::round(step));
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push_back(v);
  return out;
}

Canvas draw_chart(const std::vector<Panel>& panels, const ChartOptions& o) {
  const int n = static_cast<int>(panels.size());
  const int plot_width = o.width - kLeft - kRight;
  std::vector<LegendLayout> legends;
  int extra = 0;  // legend rows beyond the first, which the header line holds
  // The centred title shares the first header line: the legend stays right of it.
  const int title_right = o.title.empty() ? 0 : (o.width + text_width(o.title)) / 2 + 12;
  for (const Panel& p : panels) {
    const int box_left = kLeft + plot_width - legend_width(p, plot_width);
    const int reserved = legends.empty() ? std::max(0, title_right - box_left) : 0;
    legends.push_back(panel_legend(p, plot_width, reserved));
    extra += (legends.back().rows - 1) * kLegendRowHeight;
  }
  Canvas c(o.width, kTop + extra + n * o.panel_height + (n - 1) * kGap + kBottom, kWhite);
  draw_text(c, o.width / 2, 6, o.title, kBlack, Align::kCenter);
  const auto [x0, x1] = x_range(panels);
  std::vector<double> x_ticks;
  for (double t : nice_ticks(x0, x1, false, /*integers=*/true)) {
    if (t >= x0 && t <= x1) x_ticks.push_back(t);
  }
  int top = kTop;
  for (int i = 0; i < n; ++i) {
    double y0 = 0, y1 = 1;
    y_range(panels[i], y0, y1);
    const bool log_y = panels[i].log_y;
    if (!log_y && !panels[i].y_max) y1 += (y1 - y0) * 0.05;
    if (log_y) {
      y0 /= 1.2;
      y1 *= 1.2;
    }
    top += (legends[i].rows - 1) * kLegendRowHeight;
    const Frame f{kLeft, top, plot_width, o.panel_height, x0, x1, y0, y1, log_y};
    draw_panel(c, f, panels[i], legends[i], x_ticks);
    top += o.panel_height + kGap;
    if (i == n - 1) {
      for (double t : x_ticks) {
        draw_text(c, static_cast<int>(std::lround(f.px(t))), f.top + f.height + 4, tick_text(t), kText, Align::kCenter);
      }
      draw_text(c, f.left + f.width / 2, f.top + f.height + 4 + kTextHeight + 4, o.x_label, kBlack, Align::kCenter);
    }
  }
  return c;
}

}  // namespace glint::draw
