#include "synth/render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

namespace glint::synth {
namespace {

GeneratorOptions small_options() {
  GeneratorOptions o;
  o.size = 64;
  o.count = 100;
  o.seed = 7;
  return o;
}

float at(const std::vector<float>& plane, uint32_t size, float x, float y) {
  return plane[static_cast<size_t>(y) * size + static_cast<size_t>(x)];
}

TEST(RenderTest, SameSeedAndIndexGiveTheSameSample) {
  const GeneratorOptions o = small_options();
  const Sample a = render_sample(o, 3);
  const Sample b = render_sample(o, 3);
  EXPECT_EQ(a.image, b.image);
  EXPECT_EQ(a.heatmap, b.heatmap);
  EXPECT_EQ(a.glints.size(), b.glints.size());
  EXPECT_NE(a.image, render_sample(o, 4).image);
  GeneratorOptions other = o;
  other.seed = 8;
  EXPECT_NE(a.image, render_sample(other, 3).image);
}

TEST(RenderTest, HeatmapPeaksAtOneOnEveryGlint) {
  const GeneratorOptions o = small_options();
  for (uint64_t i = 0; i < 30; ++i) {
    const Sample s = render_sample(o, i);
    ASSERT_GE(s.glints.size(), o.min_glints);
    ASSERT_LE(s.glints.size(), o.max_glints);
    for (const GlintPoint& g : s.glints) {
      EXPECT_EQ(g.x, std::round(g.x));
      EXPECT_EQ(g.y, std::round(g.y));
      ASSERT_TRUE(g.x >= 0 && g.y >= 0 && g.x < o.size && g.y < o.size);
      EXPECT_EQ(at(s.heatmap, o.size, g.x, g.y), 1.0f) << "sample " << i;
      // A glint is a bright spot in the image, too.
      EXPECT_GT(at(s.image, o.size, g.x, g.y), 0.75f) << "sample " << i;
    }
    EXPECT_LE(*std::max_element(s.heatmap.begin(), s.heatmap.end()), 1.0f);
    EXPECT_GE(*std::min_element(s.image.begin(), s.image.end()), 0.0f);
    EXPECT_LE(*std::max_element(s.image.begin(), s.image.end()), 1.0f);
  }
}

TEST(RenderTest, HeatmapIsAGaussianOfTheRequestedSigma) {
  std::vector<float> heatmap(32 * 32);
  render_heatmap({{10, 12}}, 32, 3.0, heatmap.data());
  EXPECT_FLOAT_EQ(at(heatmap, 32, 13, 12), std::exp(-9.0f / 18.0f));
  EXPECT_FLOAT_EQ(at(heatmap, 32, 10, 8), std::exp(-16.0f / 18.0f));
  EXPECT_EQ(at(heatmap, 32, 30, 30), 0.0f);
}

TEST(RenderTest, GlintCountCoversTheWholeRange) {
  GeneratorOptions o = small_options();
  o.min_glints = 2;
  o.max_glints = 5;
  std::set<size_t> seen;
  for (uint64_t i = 0; i < 60; ++i) seen.insert(render_sample(o, i).glints.size());
  EXPECT_EQ(seen, (std::set<size_t>{2, 3, 4, 5}));
}

TEST(RenderTest, ManyGlintsOnATinyImageStayDistinct) {
  GeneratorOptions o = small_options();
  o.size = 16;
  o.min_glints = 64;
  o.max_glints = 64;
  const Sample s = render_sample(o, 0);
  ASSERT_EQ(s.glints.size(), 64u);
  std::set<std::pair<float, float>> unique;
  for (const GlintPoint& g : s.glints) unique.insert({g.x, g.y});
  EXPECT_EQ(unique.size(), 64u);
}

TEST(RenderTest, PupilIsDarkAndGlintsAreNearIt) {
  const GeneratorOptions o = small_options();
  for (uint64_t i = 0; i < 20; ++i) {
    const EyeScene scene = make_scene(o, i);
    for (const Spot& g : scene.glints) {
      EXPECT_LT(std::hypot(g.x - scene.iris_x, g.y - scene.iris_y), scene.iris_r) << i;
    }
    const Sample s = render_sample(o, i);
    const float pupil = at(s.image, o.size, std::round(scene.pupil_x), std::round(scene.pupil_y));
    const bool glint_on_centre = at(s.heatmap, o.size, std::round(scene.pupil_x),
                                    std::round(scene.pupil_y)) > 0.01f;
    if (!glint_on_centre) {
      EXPECT_LT(pupil, 0.25f) << i;
    }
  }
}

}  // namespace
}  // namespace glint::synth
