// shm_manager as a user runs it: the real binary, a private segment
// directory (--shm-dir) and a private fingerprint store (XDG_CACHE_HOME).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "glint/fingerprint.h"
#include "support/child_process.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

using testing::ProcessResult;

class ShmManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = write_source("train.h5", /*seed=*/1);
    auto md5 = md5_file(h5_);
    ASSERT_TRUE(md5.ok()) << md5.status().message();
    md5_ = *md5;
  }

  std::string write_source(const std::string& name, uint32_t seed) {
    std::string path = tmp_.file(name);
    testing::write_h5(path, {testing::pattern_dataset("images", H5T_NATIVE_UINT8, {6, 8, 8}, seed),
                             testing::pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {6, 8, 8}, seed)});
    return path;
  }

  ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), testing::built_program("bin/shm_manager"));
    args.push_back("--shm-dir");
    args.push_back(shm_.path());
    return testing::run_process(args, {"XDG_CACHE_HOME=" + tmp_.file("cache")});
  }

  nlohmann::json run_json(std::vector<std::string> args) {
    args.push_back("--json");
    ProcessResult r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, /*cb=*/nullptr, /*allow_exceptions=*/false);
  }

  bool exists(const std::string& dataset) const {
    struct stat st;
    return ::stat(shm_.file("glint_" + md5_ + "_" + dataset).c_str(), &st) == 0;
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_, md5_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(ShmManagerTest, HelpListsEveryCommand) {
  ProcessResult r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--list", "--cleanup", "--cleanup-all", "--load", "--h5", "--json",
                           "--dry-run", "--older-than", "--stale", "--shm-dir", "--rehash"}) {
    EXPECT_TRUE(contains(r.out, flag)) << flag;
  }
}

TEST_F(ShmManagerTest, ListOfAColdFileShowsCrosses) {
  ProcessResult r = run({"--list", "--h5", h5_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "File: " + h5_ + "\nMD5: " + md5_ + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "✗ /images      - glint_" + md5_ + "_images\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "Not in shared memory")) << r.out;
  EXPECT_TRUE(contains(r.out, "0 of 2 datasets in shared memory; 0 segments, 0.0 MiB")) << r.out;
}

TEST_F(ShmManagerTest, LoadThenListShowsTicks) {
  ProcessResult load = run({"--load", "--h5", h5_});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_TRUE(contains(load.out, "✓ /images      - glint_" + md5_ + "_images\n  Loaded in ")) << load.out;
  EXPECT_TRUE(contains(load.out, "2 datasets: 2 loaded, 0 already present")) << load.out;
  EXPECT_TRUE(contains(load.err, "loading /images: 100%")) << load.err;
  ProcessResult again = run({"--load", "--h5", h5_, "--datasets", "images"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "Already present, attached in")) << again.out;
  ProcessResult list = run({"--list", "--h5", h5_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "✓ /heatmaps    - glint_" + md5_ + "_heatmaps\n")) << list.out;
  EXPECT_TRUE(contains(list.out, "✓ /images      - glint_" + md5_ + "_images\n")) << list.out;
  EXPECT_TRUE(contains(list.out, "Shape: 6x8x8   dtype: float32")) << list.out;
  EXPECT_TRUE(contains(list.out, "Mapped by: none   Fresh")) << list.out;
  EXPECT_TRUE(contains(list.out, "2 of 2 datasets in shared memory; 2 segments, ")) << list.out;
}

TEST_F(ShmManagerTest, JsonListingsParse) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  nlohmann::json all = run_json({"--list"});
  ASSERT_TRUE(all.is_object()) << all;
  ASSERT_EQ(all["segments"].size(), 2u);
  EXPECT_EQ(all["total_segments"], 2);
  EXPECT_EQ(all["segments"][1]["dataset"], "/images");
  EXPECT_EQ(all["segments"][1]["md5"], md5_);
  EXPECT_EQ(all["segments"][1]["ok"], true);
  EXPECT_EQ(all["segments"][1]["shape"], nlohmann::json::array({6, 8, 8}));
  nlohmann::json file = run_json({"--list", "--h5", h5_});
  ASSERT_TRUE(file.is_object());
  EXPECT_EQ(file["md5"], md5_);
  ASSERT_EQ(file["datasets"].size(), 2u);
  EXPECT_EQ(file["datasets"][0]["present"], true);
  EXPECT_EQ(file["datasets"][0]["segment"], "glint_" + md5_ + "_heatmaps");
}

TEST_F(ShmManagerTest, CleanupOfOneFileKeepsOtherFiles) {
  std::string other = write_source("other.h5", /*seed=*/9);
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  ASSERT_EQ(run({"--load", "--h5", other}).exit_code, 0);
  ProcessResult r = run({"--cleanup", "--h5", h5_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Removed glint_" + md5_ + "_images (")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 segments removed, ")) << r.out;
  EXPECT_FALSE(exists("images"));
  EXPECT_EQ(run_json({"--list"})["total_segments"], 2);
}

TEST_F(ShmManagerTest, CleanupAllDryRunRemovesNothing) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  ProcessResult r = run({"--cleanup-all", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Would remove glint_" + md5_ + "_heatmaps (")) << r.out;
  EXPECT_TRUE(contains(r.out, "Dry run: 2 segments would be removed, ")) << r.out;
  EXPECT_TRUE(exists("images"));
  EXPECT_TRUE(exists("heatmaps"));
  nlohmann::json report = run_json({"--cleanup-all", "--dry-run"});
  EXPECT_EQ(report["dry_run"], true);
  EXPECT_EQ(report["removed"].size(), 2u);
}

TEST_F(ShmManagerTest, CleanupAllOlderThanKeepsFreshSegments) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  ProcessResult r = run({"--cleanup-all", "--older-than", "1h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Kept glint_" + md5_ + "_images: younger than 3600 s")) << r.out;
  EXPECT_TRUE(contains(r.out, "0 segments removed, 0.0 MiB freed")) << r.out;
  EXPECT_TRUE(exists("images"));
}

TEST_F(ShmManagerTest, BadDurationIsOneClearLine) {
  ProcessResult r = run({"--cleanup-all", "--older-than", "3w"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "shm_manager: --older-than: '3w' is not a duration; use a whole number and a unit: "
            "30s, 10m, 2h or 7d (see --help)\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(ShmManagerTest, MissingFileIsOneClearLine) {
  ProcessResult r = run({"--list", "--h5", tmp_.file("missing.h5")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "shm_manager: --h5 " + tmp_.file("missing.h5") + ": no such file (see --help)\n");
}

TEST_F(ShmManagerTest, CleanupByPathRemovesTheSegmentsOfADeletedFile) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  ASSERT_EQ(::unlink(h5_.c_str()), 0);
  ProcessResult r = run({"--cleanup", "--h5", h5_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "File: " + h5_ + " (gone)\nMD5: " + md5_ + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 segments removed, ")) << r.out;
  EXPECT_FALSE(exists("images"));
  EXPECT_FALSE(exists("heatmaps"));
}

TEST_F(ShmManagerTest, CleanupByPathFindsARenamedThenDeletedFileByItsRememberedFingerprint) {
  // The segments' trailers name train.h5; only the fingerprint store knows
  // that renamed.h5 had the same MD5.
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  const std::string renamed = tmp_.file("renamed.h5");
  ASSERT_EQ(::rename(h5_.c_str(), renamed.c_str()), 0);
  ASSERT_EQ(run({"--list", "--h5", renamed}).exit_code, 0);  // remembers it under its new name
  ASSERT_EQ(::unlink(renamed.c_str()), 0);
  nlohmann::json j = run_json({"--cleanup", "--h5", renamed});
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["file_exists"], false);
  EXPECT_EQ(j["md5s"], nlohmann::json::array({md5_}));
  EXPECT_EQ(j["removed"].size(), 2u) << j.dump();
  EXPECT_FALSE(exists("images"));
}

TEST_F(ShmManagerTest, CleanupByPathRemovesTheSegmentsOfADamagedFile) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  ASSERT_EQ(::truncate(h5_.c_str(), 100), 0);  // same inode, no longer HDF5
  ProcessResult r = run({"--cleanup", "--h5", h5_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "2 segments removed, ")) << r.out;
  EXPECT_FALSE(exists("images"));
}

TEST_F(ShmManagerTest, CleanupOfAPathNothingKnowsNamesCleanupAllStale) {
  ProcessResult r = run({"--cleanup", "--h5", tmp_.file("never.h5")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "--h5 " + tmp_.file("never.h5") + ": no such file")) << r.err;
  EXPECT_TRUE(contains(r.err, "shm_manager --cleanup-all --stale")) << r.err;
  // A file that exists but has no segment gets the same hint, on stdout.
  ProcessResult none = run({"--cleanup", "--h5", h5_});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(contains(none.out, "No segment of this file was found; shm_manager --cleanup-all --stale")) << none.out;
}

TEST_F(ShmManagerTest, JsonListingCarriesEveryFieldOfTheTextListing) {
  ASSERT_EQ(run({"--load", "--h5", h5_}).exit_code, 0);
  nlohmann::json all = run_json({"--list"});
  ASSERT_EQ(all["segments"].size(), 2u);
  for (const auto& s : all["segments"]) {
    for (const char* key : {"tier", "size_bytes", "shape", "dtype", "owner", "age_seconds", "last_used_unix_ns",
                            "last_used_seconds_ago", "mapped_by", "problem", "stale", "stale_reason", "fresh"}) {
      EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
    }
    EXPECT_GT(s["last_used_unix_ns"].get<int64_t>(), 0) << s.dump();
    EXPECT_EQ(s["fresh"], true) << s.dump();
  }
}

TEST_F(ShmManagerTest, FileThatIsNotHdf5IsOneLineNamingIt) {
  std::string text = tmp_.file("notes.h5");
  testing::run_process({"/bin/sh", "-c", "echo hello > " + text});
  ProcessResult r = run({"--load", "--h5", text});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("shm_manager: ")) << r.err;
  EXPECT_TRUE(contains(r.err, text)) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(ShmManagerTest, UnknownDatasetNamesWhatTheFileHas) {
  ProcessResult r = run({"--load", "--h5", h5_, "--datasets", "images,labels"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "shm_manager: '" + h5_ +
                       "' has no numeric dataset 'labels'; it has: /heatmaps, /images\n");
  EXPECT_FALSE(exists("images"));
}

TEST_F(ShmManagerTest, EveryCommandCoversTheDiskTier) {
  // XDG_CACHE_HOME (see run) makes the default disk tier tmp_/cache/glint.
  const std::string cache = tmp_.file("cache/glint");
  ProcessResult load = run({"--load", "--h5", h5_, "--max-shm", "100"});  // smaller than any segment
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_TRUE(contains(load.out, "Tier: loaded into the disk tier " + cache + ": ")) << load.out;
  EXPECT_TRUE(contains(load.err, " is over --max_shm ")) << load.err;
  EXPECT_FALSE(exists("images"));
  struct stat st;
  ASSERT_EQ(0, ::stat((cache + "/glint_" + md5_ + "_images").c_str(), &st));

  ProcessResult list = run({"--list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "glint segments in " + shm_.path() + " and the disk tier " + cache)) << list.out;
  EXPECT_TRUE(contains(list.out, "Tier: disk   Size: ")) << list.out;
  nlohmann::json j = run_json({"--list", "--h5", h5_});
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["cache_dir"], cache);
  ASSERT_EQ(j["segments"].size(), 2u);
  for (const auto& s : j["segments"]) EXPECT_EQ(s["tier"], "disk") << s.dump();

  ProcessResult cleanup = run({"--cleanup", "--h5", h5_});
  ASSERT_EQ(cleanup.exit_code, 0) << cleanup.err;
  EXPECT_TRUE(contains(cleanup.out, "2 segments removed")) << cleanup.out;
  // Only the fingerprint store (fingerprints/) shares the directory.
  for (const auto& e : std::filesystem::directory_iterator(cache)) {
    EXPECT_EQ(e.path().filename(), "fingerprints") << "left in the disk tier: " << e.path();
  }
}

TEST_F(ShmManagerTest, TwoCommandsAreRefused) {
  ProcessResult r = run({"--list", "--cleanup-all"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "shm_manager: Exactly 1 option from [--list,--cleanup,--cleanup-all,--load] is required and 2 "
            "were given (see --help)\n");
}

}  // namespace
}  // namespace glint
