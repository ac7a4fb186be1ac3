#include "draw/legend.h"

#include "draw/text.h"

namespace glint::draw {
namespace {

constexpr Rgb kText{40, 40, 40};
constexpr int kSample = 22, kSampleGap = 5, kEntryGap = 14;

int entry_width(const LegendEntry& e) { return kSample + kSampleGap + text_width(e.label); }

}  // namespace

LegendLayout layout_legend(const std::vector<LegendEntry>& entries, int width) {
  LegendLayout layout;
  layout.width = width;
  layout.row_of.resize(entries.size());
  layout.left_of.resize(entries.size());
  std::vector<std::vector<size_t>> rows(1);
  int used = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const int w = entry_width(entries[i]);
    if (!rows.back().empty() && used + kEntryGap + w > width) {
      rows.emplace_back();
      used = 0;
    }
    used += (rows.back().empty() ? 0 : kEntryGap) + w;
    rows.back().push_back(i);
  }
  layout.rows = static_cast<int>(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    int row_width = -kEntryGap;
    for (size_t i : rows[r]) row_width += kEntryGap + entry_width(entries[i]);
    int x = width - row_width;
    for (size_t i : rows[r]) {
      layout.row_of[i] = static_cast<int>(r);
      layout.left_of[i] = x;
      x += entry_width(entries[i]) + kEntryGap;
    }
  }
  return layout;
}

void draw_legend(Canvas& c, const std::vector<LegendEntry>& entries, const LegendLayout& layout, int left, int top) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const int x = left + layout.left_of[i];
    const int y = top + layout.row_of[i] * kLegendRowHeight;
    c.line(x, y + 8, x + kSample, y + 8, entries[i].color, /*thick=*/true, entries[i].dashed);
    draw_text(c, x + kSample + kSampleGap, y + 1, entries[i].label, kText);
  }
}

}  // namespace glint::draw
