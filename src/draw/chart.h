// Line charts of values per step (epochs), stacked panels sharing the x axis,
// drawn on a Canvas: what glint_plot_log draws a training log with.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "draw/legend.h"
#include "draw/png_canvas.h"

namespace glint::draw {

struct Series {
  std::string label;      // in the panel's legend
  std::vector<double> x;  // same length as y; non-finite y values are gaps
  std::vector<double> y;
  Rgb color;
  bool dashed = false;
  std::vector<bool> hollow;  // per point: drawn as a ring (e.g. a partial epoch); may be empty
};

struct Panel {
  std::string title;                 // above the panel, left ("loss", "pixels")
  std::vector<Series> series;
  bool log_y = false;                // logarithmic y axis (values must be > 0)
  std::optional<double> y_min, y_max;  // fixed limits; else from the data
  std::string empty_note;            // written in the panel when no series has a value
  // Drawn above the plot area, right of the title (draw/legend.h), never
  // over the data. Empty: one entry per series (label, colour, dashes).
  std::vector<LegendEntry> legend = {};
};

struct ChartOptions {
  int width = 760;
  int panel_height = 210;
  std::string title;
  std::string x_label = "epoch";
};

// Draws the panels, one below the other, with grid, tick labels, legends.
// A panel whose legend needs more than one row gets taller by the extra rows.
Canvas draw_chart(const std::vector<Panel>& panels, const ChartOptions& options);

// "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of
// ten (linear), or 1, 2, 5 times powers of ten (log). At least two values for
// lo < hi, except that with `integers` (whole steps, at least 1) a span below
// 2 may give one.
std::vector<double> nice_ticks(double lo, double hi, bool log_scale, bool integers = false);

}  // namespace glint::draw
