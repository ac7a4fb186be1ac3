#include "glint/shm_budget.h"

#include <gtest/gtest.h>

namespace glint {
namespace {

TEST(ShmBudgetTest, SizesUseBinaryUnitsWithOrWithoutB) {
  EXPECT_EQ(parse_shm_budget("512M")->bytes, 512ull << 20);
  EXPECT_EQ(parse_shm_budget("2g")->bytes, 2ull << 30);
  EXPECT_EQ(parse_shm_budget("1.5GiB")->bytes, 3ull << 29);
  EXPECT_EQ(parse_shm_budget("64KB")->bytes, 64ull << 10);
  EXPECT_EQ(parse_shm_budget("3000000")->bytes, 3000000u);
  EXPECT_EQ(parse_shm_budget("1T")->bytes, 1ull << 40);
}

TEST(ShmBudgetTest, PercentIsAShareOfTheFileSystem) {
  auto b = parse_shm_budget("40%");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->percent, 40);
  EXPECT_EQ(b->cap(1000), 400u);
  EXPECT_EQ(b->text(), "40%");
}

TEST(ShmBudgetTest, EmptyOrNoneMeansNoBudget) {
  EXPECT_FALSE(parse_shm_budget("")->limited());
  EXPECT_FALSE(parse_shm_budget("none")->limited());
  EXPECT_EQ(parse_shm_budget("")->cap(1000), UINT64_MAX);
}

TEST(ShmBudgetTest, BadValuesSayWhatIsAccepted) {
  for (const char* bad : {"lots", "0", "-5G", "12X", "150%", "2GG", "%", "nan", "1e30"}) {
    auto b = parse_shm_budget(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().code(), Code::kInvalidArgument);
    EXPECT_NE(b.status().message().find("'" + std::string(bad) + "' is not a shared-memory budget"),
              std::string::npos)
        << b.status().message();
    EXPECT_NE(b.status().message().find("(40%)"), std::string::npos);
  }
}

}  // namespace
}  // namespace glint
