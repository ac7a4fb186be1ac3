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
  EXPECT_EQ(check_combination(o), "");
}

TEST(OptionsTest, CleanupAllTakesFilters) {
  ManagerOptions o = parse("--cleanup-all --older-than 2h --stale --dry-run --json");
  EXPECT_TRUE(o.cleanup_all);
  EXPECT_EQ(o.older_than_seconds, 7200);
  EXPECT_TRUE(o.stale);
  EXPECT_TRUE(o.dry_run);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(check_combination(o), "");
}

TEST(OptionsTest, DatasetsSplitOnCommas) {
  ManagerOptions o = parse("--load --h5 /etc/hostname --datasets images,/heatmaps");
  EXPECT_EQ(o.datasets, (std::vector<std::string>{"images", "/heatmaps"}));
  EXPECT_EQ(check_combination(o), "");
}

TEST(OptionsTest, BadDurationIsOneClearLine) {
  std::string error = parse_error("--cleanup-all --older-than 3 weeks");
  EXPECT_TRUE(error.find("'3' is not a duration; use a whole number and a unit: 30s, 10m, 2h or 7d") !=
              std::string::npos)
      << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(OptionsTest, MissingH5FileIsRejectedWhereDeclared) {
  std::string error = parse_error("--list --h5 /no/such/file.h5");
  EXPECT_NE(error.find("File does not exist: /no/such/file.h5"), std::string::npos) << error;
}

TEST(OptionsTest, CommandsAreMutuallyExclusive) {
  EXPECT_EQ(check_combination(parse("--list --cleanup-all")),
            "give exactly one command: --list, --cleanup, --cleanup-all or --load (see --help)");
  EXPECT_EQ(check_combination(parse("--json")),
            "give exactly one command: --list, --cleanup, --cleanup-all or --load (see --help)");
}

TEST(OptionsTest, OptionsOutsideTheirCommandAreRejected) {
  EXPECT_EQ(check_combination(parse("--cleanup")),
            "--cleanup needs --h5 FILE (to remove every segment of yours, use --cleanup-all)");
  EXPECT_EQ(check_combination(parse("--cleanup-all --h5 /etc/hostname")),
            "--cleanup-all takes no --h5; use --cleanup --h5 FILE for one file's segments");
  EXPECT_EQ(check_combination(parse("--list --dry-run")),
            "--dry-run, --stale and --older-than only apply to --cleanup and --cleanup-all");
  EXPECT_EQ(check_combination(parse("--list --datasets images")),
            "--datasets, --share-group, --no-reclaim and --no-make-room only apply to --load");
  EXPECT_EQ(check_combination(parse("--cleanup-all --no-make-room")),
            "--datasets, --share-group, --no-reclaim and --no-make-room only apply to --load");
  EXPECT_EQ(check_combination(parse("--cleanup-all --rehash")),
            "--rehash only applies with --h5 FILE");
}

TEST(OptionsTest, MaxShmTakesASizeOrAPercentAndSaysWhatIsWrong) {
  EXPECT_EQ(parse("--load --h5 /etc/hostname --max-shm 2G").max_shm.bytes, 2ull << 30);
  EXPECT_EQ(parse("--list --max_shm 40%").max_shm.percent, 40);
  EXPECT_NE(parse_error("--list --max-shm lots").find("'lots' is not a shared-memory budget"), std::string::npos)
      << parse_error("--list --max-shm lots");
}

}  // namespace
}  // namespace glint::shm_manager
