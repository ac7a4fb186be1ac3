#include "draw/chart.h"

#include <gtest/gtest.h>

#include "draw/text.h"

namespace glint::draw {
namespace {

TEST(ChartTest, LinearTicksAreRoundStepsCoveringTheRange) {
  EXPECT_EQ(nice_ticks(0, 1, false), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(nice_ticks(0.5, 6.5, false, /*integers=*/true), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(nice_ticks(0, 37, false), (std::vector<double>{0, 5, 10, 15, 20, 25, 30, 35}));
}

TEST(ChartTest, LogTicksAreOneTwoFiveTimesPowersOfTen) {
  const std::vector<double> t = nice_ticks(0.02, 3, true);
  EXPECT_DOUBLE_EQ(t.front(), 0.01);
  EXPECT_DOUBLE_EQ(t.back(), 50);
  EXPECT_EQ(t.size(), 12u);
}

TEST(ChartTest, TextIsDrawnInsideItsBoxAndClipped) {
  Canvas c(100, 20, {255, 255, 255});
  draw_text(c, 2, 2, "Ag", {0, 0, 0});
  EXPECT_EQ(text_width("Ag"), 14);
  draw_text(c, 95, 2, "clipped at the edge", {0, 0, 0});  // must not write outside
  const std::string path = ::testing::TempDir() + "/text.png";
  EXPECT_EQ(c.write_png(path), "");
}

TEST(ChartTest, ChartHasOnePanelHeightPerPanel) {
  Panel p{"loss", {Series{"train", {1, 2, 3}, {3, 2, 1}, {0, 0, 255}, false, {}}}, false, {}, {}, ""};
  ChartOptions o;
  const Canvas one = draw_chart({p}, o);
  const Canvas two = draw_chart({p, p}, o);
  EXPECT_EQ(one.width(), o.width);
  EXPECT_EQ(two.height() - one.height(), o.panel_height + 34);
}

// The legend sits in the header line above the plot: whatever its labels,
// not one pixel of the plot area changes (it used to cover the last epochs).
TEST(ChartTest, LegendNeverCoversThePlot) {
  const auto chart = [](const std::string& label) {
    Series s{label, {1, 2, 3, 4, 5, 6}, {0.2, 0.5, 0.9, 1, 1, 1}, {214, 39, 40}, false, {}};
    Panel p{"validation", {s}, false, 0.0, 1.05, ""};
    return draw_chart({p}, ChartOptions{});
  };
  const Canvas shortLabel = chart("F1"), longLabel = chart("a label far longer than any before, over the data");
  ASSERT_EQ(shortLabel.height(), longLabel.height());
  const int left = 70, top = 30, width = 760 - 70 - 20, height = 210;  // chart.cc's frame of one panel
  int differ = 0, header_differ = 0;
  for (int y = 0; y < shortLabel.height(); ++y) {
    for (int x = 0; x < shortLabel.width(); ++x) {
      const Rgb a = shortLabel.pixel(x, y), b = longLabel.pixel(x, y);
      const bool same = a.r == b.r && a.g == b.g && a.b == b.b;
      const bool in_plot = x >= left && x < left + width && y >= top && y < top + height;
      differ += !same && in_plot;
      header_differ += !same && !in_plot && y < top;
    }
  }
  EXPECT_EQ(differ, 0);
  EXPECT_GT(header_differ, 100) << "the legend was not drawn above the plot";
}

TEST(ChartTest, ALegendTooWideForOneLineWrapsAndMakesThePanelTaller) {
  Panel p{"loss", {}, false, {}, {}, ""};
  for (int i = 0; i < 12; ++i) {
    p.series.push_back(Series{"run number " + std::to_string(i), {1, 2}, {1.0 + i, 2.0}, {0, 0, 255}, false, {}});
  }
  const Canvas c = draw_chart({p}, ChartOptions{});
  EXPECT_GT(c.height(), draw_chart({Panel{"loss", {p.series[0]}, false, {}, {}, ""}}, ChartOptions{}).height());
  EXPECT_EQ((c.height() - (30 + 210 + 44)) % 17, 0);
}

}  // namespace
}  // namespace glint::draw
