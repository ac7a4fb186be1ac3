#include "util/cli.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace glint {
namespace {

struct Parsed {
  std::optional<int> code;
  std::string shm_dir;
  std::string min_glints;
  bool dry = false;
  std::vector<std::string> files;
};

// A program declaring one flag of each spelling, parsed in-process.
Parsed parse(std::vector<std::string> args) {
  Parsed p;
  CLI::App app("test", "prog");
  app.add_option("--shm_dir", p.shm_dir);
  app.add_option("--min-glints", p.min_glints);
  app.add_flag("--dry_run", p.dry);
  app.add_option("files", p.files);
  args.insert(args.begin(), "prog");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  p.code = parse_command_line(app, static_cast<int>(argv.size()), argv.data());
  return p;
}

TEST(CliTest, EveryMultiWordFlagTakesBothSpellings) {
  for (const std::string shm : {"--shm_dir", "--shm-dir"}) {
    for (const std::string glints : {"--min-glints", "--min_glints"}) {
      const Parsed p = parse({shm, "/x", glints, "3", "--dry-run"});
      EXPECT_FALSE(p.code.has_value()) << shm << " " << glints;
      EXPECT_EQ(p.shm_dir, "/x");
      EXPECT_EQ(p.min_glints, "3");
      EXPECT_TRUE(p.dry);
    }
  }
}

TEST(CliTest, OtherSpellingWorksWithAnEqualsSign) {
  EXPECT_EQ(parse({"--shm-dir=/y"}).shm_dir, "/y");
}

TEST(CliTest, UnknownFlagIsStillAUsageError) {
  ::testing::internal::CaptureStderr();
  const Parsed p = parse({"--shm-dirs", "/x"});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(p.code.value_or(-1), kUsageError);
  EXPECT_NE(err.find("--shm-dirs"), std::string::npos) << err;
}

TEST(CliTest, ArgumentsAfterDoubleDashAreLeftAlone) {
  const Parsed p = parse({"--", "--shm-dir"});
  EXPECT_FALSE(p.code.has_value());
  EXPECT_EQ(p.files, std::vector<std::string>{"--shm-dir"});
  EXPECT_EQ(p.shm_dir, "");
}

}  // namespace
}  // namespace glint
