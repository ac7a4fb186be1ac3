#include "util/user.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace glint {
namespace {

TEST(UserTest, RootIsKnownFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> names(8);
  for (size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back([&names, i] { names[i] = user_name(0).value_or("?"); });
  }
  for (auto& t : threads) t.join();
  for (const auto& name : names) EXPECT_EQ(name, "root");
  EXPECT_EQ(home_directory(0).value_or("?"), "/root");
}

TEST(UserTest, UnknownUidIsNullopt) {
  EXPECT_FALSE(user_name(4'000'000'000u).has_value());
}

}  // namespace
}  // namespace glint
