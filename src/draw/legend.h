// A chart panel's legend, laid out in the header line above its plot area
// (right of the panel's title), never over the data: entries run left to
// right, right-aligned, and wrap into more rows above when they do not fit.
// Used by chart.cc.
#pragma once

#include <string>
#include <vector>

#include "draw/png_canvas.h"

namespace glint::draw {

struct LegendEntry {
  std::string label;
  Rgb color;
  bool dashed = false;
};

inline constexpr int kLegendRowHeight = 17;  // pixels per row (and the header line without a legend)

// Where each entry goes: its row (0 = top row) and its left edge, relative
// to the legend's box.
struct LegendLayout {
  int width = 0;  // of the box, as asked
  int rows = 1;
  std::vector<int> row_of, left_of;
};

// Lays out `entries` in rows at most `width` pixels wide (an entry wider
// than that gets a row of its own); rows are right-aligned to `width`.
LegendLayout layout_legend(const std::vector<LegendEntry>& entries, int width);

// Draws the laid-out entries in the box whose top-left corner is (left, top).
void draw_legend(Canvas& canvas, const std::vector<LegendEntry>& entries, const LegendLayout& layout, int left,
                 int top);

}  // namespace glint::draw
