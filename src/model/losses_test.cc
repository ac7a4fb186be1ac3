#include "model/losses.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace glint::train {
namespace {

// The hand-computed example used by every test below, one 2x2 map:
//   logits  [ln 3, 0; -ln 3, 0]  ->  p = sigmoid = [0.75, 0.5; 0.25, 0.5]
//   target  [1, 0.5; 0, 0]
// (sigmoid(ln 3) = 3/(3+1) = 0.75; sigmoid(-ln 3) = 0.25.)
torch::Tensor logits() {
  return torch::tensor({std::log(3.0), 0.0, -std::log(3.0), 0.0}, torch::kFloat).reshape({1, 1, 2, 2});
}
torch::Tensor target() { return torch::tensor({1.0f, 0.5f, 0.0f, 0.0f}).reshape({1, 1, 2, 2}); }

double value(const torch::Tensor& t) { return t.item<double>(); }

TEST(LossesTest, FocalMatchesHandComputation) {
  // One positive (the 1), so N = 1. ln 0.75 = -0.2876821, ln 0.5 = -0.6931472.
  //   pos (p=.75,y=1):  (1-.75)^2 ln .75          = 0.0625 * -0.2876821   = -0.0179801
  //   neg (p=.5,y=.5):  (1-.5)^4 .5^2 ln(1-.5)    = 0.0625*0.25*-0.693147 = -0.0108304
  //   neg (p=.25,y=0):  1 * .25^2 ln(.75)         = 0.0625 * -0.2876821   = -0.0179801
  //   neg (p=.5,y=0):   1 * .5^2 ln(.5)           = 0.25 * -0.6931472     = -0.1732868
  //   loss = -(sum) / 1 = 0.2200775
  EXPECT_NEAR(value(focal_loss(logits(), target())), 0.2200775, 1e-6);
}

TEST(LossesTest, FocalWithoutPositivesDividesByOne) {
  // All negatives with y = 0: sum p^2 ln(1-p) over p = .75,.5,.25,.5
  //   .5625 ln .25 + .25 ln .5 + .0625 ln .75 + .25 ln .5
  //   = -0.7797905 - 0.1732868 - 0.0179801 - 0.1732868 = -1.1443443; N clamps to 1.
  EXPECT_NEAR(value(focal_loss(logits(), torch::zeros({1, 1, 2, 2}))), 1.1443443, 1e-6);
}

TEST(LossesTest, FocalPositivesIncludeSubPixelPeaks) {
  // A Gaussian centred between pixels tops out below 1; its top pixel is
  // still the glint. [0.9, 0.5; 0.5, 0.3]: only 0.9 is a 3x3 maximum.
  const auto y = torch::tensor({0.9f, 0.5f, 0.5f, 0.3f}).reshape({1, 1, 2, 2});
  EXPECT_TRUE(torch::equal(focal_positives(y),
                           torch::tensor({1.0f, 0.0f, 0.0f, 0.0f}).reshape({1, 1, 2, 2})));
  // A rendered 1.0 that float rounding made 0.99995 is still positive, and
  // an all-background map (max 0.01 < kPeakFloor) has none.
  const auto rounded = torch::tensor({0.99995f, 0.99995f, 0.0f, 0.0f}).reshape({1, 1, 2, 2});
  EXPECT_EQ(value(focal_positives(rounded).sum()), 2.0);
  EXPECT_EQ(value(focal_positives(torch::full({1, 1, 2, 2}, 0.01f)).sum()), 0.0);
}

TEST(LossesTest, FocalAcceptsHalfTargets) {
  EXPECT_NEAR(value(focal_loss(logits(), target().to(torch::kHalf))), 0.2200775, 1e-6);
}

TEST(LossesTest, DiceMatchesHandComputation) {
  // sum p*y = .75*1 + .5*.5 = 1.0; sum p = 2.0; sum y = 1.5; eps = 1
  //   dice = 1 - (2*1.0 + 1) / (2.0 + 1.5 + 1) = 1 - 3/4.5 = 0.3333333
  EXPECT_NEAR(value(dice_loss(logits(), target())), 1.0 / 3.0, 1e-6);
}

TEST(LossesTest, HybridIsFocalPlusDice) {
  // 0.2200775 + 1.0 * 0.3333333 = 0.5534108
  EXPECT_NEAR(value(hybrid_loss(logits(), target())), 0.5534108, 1e-6);
}

TEST(LossesTest, MseMatchesHandComputation) {
  // (p-y)^2 = .0625, 0, .0625, .25 -> mean = 0.375 / 4 = 0.09375
  EXPECT_NEAR(value(sigmoid_mse_loss(logits(), target())), 0.09375, 1e-7);
}

TEST(LossesTest, BceMatchesHandComputation) {
  // -[y ln p + (1-y) ln(1-p)]: -ln .75 = 0.2876821; -(.5 ln .5 + .5 ln .5) = 0.6931472;
  // -ln(1-.25) = 0.2876821; -ln(1-.5) = 0.6931472 -> mean = 1.9616586 / 4 = 0.4904146
  EXPECT_NEAR(value(bce_with_logits_loss(logits(), target())), 0.4904146, 1e-6);
}

TEST(LossesTest, FocalStaysFiniteForExtremeLogits) {
  const auto x = torch::tensor({200.0f, -200.0f, 200.0f, -200.0f}).reshape({1, 1, 2, 2});
  const auto y = torch::tensor({0.0f, 1.0f, 0.0f, 0.0f}).reshape({1, 1, 2, 2});
  auto leaf = x.clone().requires_grad_(true);
  const auto loss = focal_loss(leaf, y);
  loss.backward();
  EXPECT_TRUE(std::isfinite(value(loss)));
  EXPECT_TRUE(torch::isfinite(leaf.grad()).all().item<bool>());
}

TEST(LossesTest, FactoryReturnsEachLossByName) {
  for (const auto& name : loss_names()) {
    const auto loss = make_loss(name)(logits(), target());
    EXPECT_EQ(loss.dim(), 0) << name;
  }
  EXPECT_NEAR(value(make_loss("hybrid")(logits(), target())), 0.5534108, 1e-6);
}

TEST(LossesTest, FactoryNamesValidLossesForUnknownName) {
  try {
    make_loss("l1");
    FAIL() << "unknown loss accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown loss 'l1'; valid losses: focal, hybrid, mse, bce");
  }
}

TEST(LossesTest, ShapeMismatchIsOneClearLine) {
  try {
    sigmoid_mse_loss(logits(), torch::zeros({1, 1, 4, 4}));
    FAIL() << "mismatch accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "mse loss: logits shape [1, 1, 2, 2] differs from target shape [1, 1, 4, 4]");
  }
}

// The Python package mirrors the one table: the same names in the same
// order in glint.losses.LOSSES (its formulas are compared with these by
// python/tests).
TEST(LossesTest, PythonPackageHasEveryLossOfTheTable) {
  const char* src = std::getenv("GLINT_SOURCE_DIR");
  const std::string path = std::string(src ? src : GLINT_SOURCE_DIR_DEFAULT) + "/python/glint/losses.py";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  std::vector<std::string> python;
  while (std::getline(in, line)) {
    if (line.rfind("LOSSES = {", 0) != 0) continue;
    const std::regex key("\"([a-z]+)\":");
    for (std::sregex_iterator it(line.begin(), line.end(), key), end; it != end; ++it) python.push_back((*it)[1]);
  }
  EXPECT_EQ(python, loss_names()) << path << ": LOSSES must list the losses of src/model/losses.cc, in order";
}

}  // namespace
}  // namespace glint::train
