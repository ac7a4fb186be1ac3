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

}  // namespace
}  // namespace glint::draw
