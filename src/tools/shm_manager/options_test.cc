#include "options.h"

#include <gtest/gtest.h>

namespace glint::shm_manager {
namespace {

// Parses a command line in-process, as the program does.
ManagerOptions parse(const std::string& line) {
  CLI::App app;
  ManagerOptions options;
  setup_shm_manager(app, options);
  app.parse(line, /*program_name_included=*/false);
  return options;
}

std::string parse_error(const std::string& line) {
  try {
    parse(line);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseDurationTest, AcceptsEachUnit) {
  EXPECT_EQ(parse_duration("30s"), 30);
  EXPECT_EQ(parse_duration("10m"), 600);
  EXPECT_EQ(parse_duration("2h"), 7200);
  EXPECT_EQ(parse_duration("7d"), 7 * 86400);
  EXPECT_EQ(parse_duration("0s"), 0);
}

TEST(ParseDurationTest, RejectsMalformedValues) {
  for (const char* bad : {"", "s", "10", "10x", "-5m", "+5m", "1.5h", "h2", "2 h", "99999999999999999d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(OptionsTest, DefaultsPointAtDevShm) {
  ManagerOptions o = parse("--list");
  EXPECT_TRUE(o.list);
  EXPECT_EQ(o.shm_dir, "/dev/shm");
  EXPECT_FALSE(o.older_than_seconds);
}

TEST(OptionsTest, CleanupAllTakesFilters) {
  ManagerOptions o = parse("--cleanup-all --older-than 2h --stale --dry-run --json");
  EXPECT_TRUE(o.cleanup_all);
  EXPECT_EQ(o.older_than_seconds, 7200);
  EXPECT_TRUE(o.stale);
  EXPECT_TRUE(o.dry_run);
  EXPECT_TRUE(o.json);
}

TEST(OptionsTest, DatasetsSplitOnCommas) {
  ManagerOptions o = parse("--load --h5 /etc/hostname --datasets images,/heatmaps");
  EXPECT_EQ(o.datasets, (std::vector<std::string>{"images", "/heatmaps"}));
}

TEST(OptionsTest, BadDurationIsOneClearLine) {
  std::string error = parse_error("--cleanup-all --older-than 3 weeks");
  EXPECT_TRUE(error.find("'3' is not a duration; use a whole number and a unit: 30s, 10m, 2h or 7d") !=
              std::string::npos)
      << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

// --cleanup takes the path of a file that is gone, so the parser accepts any
// path; the commands check it (ShmManagerTest.MissingFileIsOneClearLine).
TEST(OptionsTest, AMissingH5FileIsLeftToTheCommands) {
  EXPECT_EQ(parse("--cleanup --h5 /no/such/file.h5").h5, "/no/such/file.h5");
  EXPECT_EQ(parse("--list --h5 /no/such/file.h5").h5, "/no/such/file.h5");
}

TEST(OptionsTest, ExactlyOneCommand) {
  const std::string one_of = "Exactly 1 option from [--list,--cleanup,--cleanup-all,--load]";
  EXPECT_EQ(parse_error("--list --cleanup-all"), one_of + " is required and 2 were given");
  EXPECT_EQ(parse_error("--json"), one_of + " is required");
}

TEST(OptionsTest, OptionsOutsideTheirCommandAreRejectedNamingBothFlags) {
  EXPECT_EQ(parse_error("--cleanup"), "--cleanup requires --h5");
  EXPECT_EQ(parse_error("--load"), "--load requires --h5");
  EXPECT_EQ(parse_error("--cleanup-all --h5 /etc/hostname"), "--h5 excludes --cleanup-all");
  EXPECT_EQ(parse_error("--list --dry-run"), "--list excludes --dry-run");
  EXPECT_EQ(parse_error("--load --h5 /etc/hostname --stale"), "--load excludes --stale");
  EXPECT_EQ(parse_error("--list --datasets images"), "--datasets requires --load");
  EXPECT_EQ(parse_error("--cleanup-all --no-make-room"), "--no-make-room requires --load");
  EXPECT_EQ(parse_error("--cleanup-all --rehash"), "--rehash requires --h5");
}

TEST(OptionsTest, EveryFlagWithItsCommandParses) {
  for (const std::string line :
       {"--list", "--list --h5 /etc/hostname --rehash --json", "--cleanup --h5 /etc/hostname --dry-run --stale",
        "--cleanup-all --older-than 1d --dry-run",
        "--load --h5 /etc/hostname --datasets a,b --share-group g --no-reclaim --no-make-room --max-shm 1G"}) {
    EXPECT_EQ(parse_error(line), "") << line;
  }
}

TEST(OptionsTest, MaxShmTakesASizeOrAPercentAndSaysWhatIsWrong) {
  EXPECT_EQ(parse("--load --h5 /etc/hostname --max-shm 2G").max_shm.bytes, 2ull << 30);
  EXPECT_EQ(parse("--list --max-shm 40%").max_shm.percent, 40);
  EXPECT_NE(parse_error("--list --max-shm lots").find("'lots' is not a shared-memory budget"), std::string::npos)
      << parse_error("--list --max-shm lots");
}

}  // namespace
}  // namespace glint::shm_manager
