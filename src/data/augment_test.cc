#include "data/augment.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>
#include <vector>

namespace glint::train {
namespace {

std::vector<float> ramp(int64_t planes, int64_t h, int64_t w) {
  std::vector<float> v(static_cast<size_t>(planes * h * w));
  std::iota(v.begin(), v.end(), 1.0f);
  return v;
}

TEST(AugmentTest, SameSeedEpochAndSampleGiveTheSameTransform) {
  AugmentOptions o;
  for (int64_t s = 0; s < 50; ++s) {
    AugmentParams a = draw_augment(o, 7, 3, s);
    AugmentParams b = draw_augment(o, 7, 3, s);
    EXPECT_EQ(a.horizontal_flip, b.horizontal_flip);
    EXPECT_EQ(a.vertical_flip, b.vertical_flip);
    EXPECT_EQ(a.dy, b.dy);
    EXPECT_EQ(a.dx, b.dx);
  }
}

TEST(AugmentTest, TransformsCoverEveryFlipAndShiftWithinRange) {
  AugmentOptions o;
  o.max_shift = 2;
  std::set<std::pair<bool, bool>> flips;
  std::set<int> shifts;
  int changed_by_epoch = 0;
  for (int64_t s = 0; s < 400; ++s) {
    AugmentParams p = draw_augment(o, 1, 0, s);
    flips.insert({p.horizontal_flip, p.vertical_flip});
    shifts.insert(p.dy);
    shifts.insert(p.dx);
    AugmentParams q = draw_augment(o, 1, 1, s);
    if (q.dy != p.dy || q.dx != p.dx || q.horizontal_flip != p.horizontal_flip) ++changed_by_epoch;
  }
  EXPECT_EQ(flips.size(), 4u);
  EXPECT_EQ(shifts, (std::set<int>{-2, -1, 0, 1, 2}));
  EXPECT_GT(changed_by_epoch, 300);
}

TEST(AugmentTest, DisabledOptionsGiveTheIdentity) {
  AugmentOptions o{.horizontal_flip = false, .vertical_flip = false, .max_shift = 0};
  for (int64_t s = 0; s < 100; ++s) EXPECT_TRUE(draw_augment(o, 5, 2, s).identity());
}

TEST(AugmentTest, DoubleFlipRestoresThePlanes) {
  std::vector<float> v = ramp(2, 3, 5);
  const std::vector<float> original = v;
  AugmentParams p{.horizontal_flip = true, .vertical_flip = true, .dy = 0, .dx = 0};
  apply_augment(p, v.data(), 2, 3, 5);
  EXPECT_NE(v, original);
  EXPECT_EQ(v[0], original[14]);  // plane 0: top-left <- bottom-right
  EXPECT_EQ(v[15], original[29]);
  apply_augment(p, v.data(), 2, 3, 5);
  EXPECT_EQ(v, original);
}

TEST(AugmentTest, ShiftMovesPixelsAndFillsZeros) {
  std::vector<float> v = ramp(1, 3, 4);  // rows {1 2 3 4} {5 6 7 8} {9 10 11 12}
  AugmentParams p{.horizontal_flip = false, .vertical_flip = false, .dy = 1, .dx = -1};
  apply_augment(p, v.data(), 1, 3, 4);
  EXPECT_EQ(v, (std::vector<float>{0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0}));
}

TEST(AugmentTest, FlipThenShiftKeepsAPeakAtTheSamePlaceInEveryPlane) {
  const int64_t h = 12, w = 10;
  AugmentOptions o;
  for (int64_t s = 0; s < 64; ++s) {
    std::vector<float> planes(static_cast<size_t>(3 * h * w), 0.0f);
    for (int64_t c = 0; c < 3; ++c) planes[static_cast<size_t>(c * h * w + 5 * w + 4)] = 1.0f;
    apply_augment(draw_augment(o, 9, 0, s), planes.data(), 3, h, w);
    int64_t first = -1;
    for (int64_t c = 0; c < 3; ++c) {
      auto begin = planes.begin() + c * h * w;
      const int64_t at = std::max_element(begin, begin + h * w) - begin;
      if (c == 0) first = at;
      EXPECT_EQ(at, first) << "sample " << s << " plane " << c;
    }
  }
}

}  // namespace
}  // namespace glint::train
