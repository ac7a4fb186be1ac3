// The disk tier with real files: where a load goes, what it writes, and how
// a damaged segment is caught. Processes, cgroups and small file systems are
// in tests/reliability_disk_tier_test.cc.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "glint/cache.h"
#include "glint/segment_format.h"
#include "segment_checksum.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

using testing::pattern_dataset;

class DiskTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = tmp_.file("train.h5");
    images_ = pattern_dataset("images", H5T_NATIVE_UINT8, {64, 32, 32}, 1);
    testing::write_h5(h5_, {images_});
    options_.shm_dir = shm_.path();
    options_.cache_dir = tmp_.file("cache/glint");  // created by the first disk-tier load
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
    options_.max_shm = *parse_shm_budget("16K");   // images (64 KiB) never fit in /dev/shm
    options_.on_warning = [this](std::string_view w) { warnings_.emplace_back(w); };
  }

  std::string disk_path(const SharedDataset& d) const { return options_.cache_dir + "/" + d.segment(); }

  RawSegmentHeader header_of(const std::string& path) const {
    RawSegmentHeader h{};
    std::ifstream(path, std::ios::binary).read(reinterpret_cast<char*>(&h), sizeof h);
    return h;
  }

  // Writes `byte` at payload offset `at` as another program would (mtime changes).
  void scribble(const std::string& path, uint64_t at, char byte) const {
    ASSERT_EQ(0, ::chmod(path.c_str(), 0600));
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(1, ::pwrite(fd, &byte, 1, static_cast<off_t>(kSegmentHeaderBytes + at)));
    ::close(fd);
    ASSERT_EQ(0, ::chmod(path.c_str(), 0400));
  }

  bool same_as_images(const SharedDataset& d) const {
    return d.bytes() == images_.bytes.size() && std::memcmp(d.data(), images_.bytes.data(), d.bytes()) == 0;
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_;
  testing::FixtureDataset images_;
  CacheOptions options_;
  std::vector<std::string> warnings_;
};

TEST_F(DiskTierTest, LoadThatDoesNotFitSharedMemoryGoesToTheCacheDirectoryAndSaysWhy) {
  auto first = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const SharedDataset& d = (*first)[0];
  EXPECT_TRUE(d.loaded_here());
  EXPECT_EQ(d.tier(), Tier::kDisk);
  EXPECT_EQ(d.path(), disk_path(d));
  EXPECT_TRUE(same_as_images(d));
  EXPECT_NE(d.tier_note().find("disk tier " + options_.cache_dir), std::string::npos) << d.tier_note();
  EXPECT_NE(d.tier_note().find(" is over --max_shm "), std::string::npos) << d.tier_note();
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("dataset '/images' of " + h5_ + ": disk tier"), std::string::npos) << warnings_[0];
  EXPECT_TRUE(std::filesystem::is_empty(shm_.path()));
  struct stat st;
  ASSERT_EQ(0, ::stat(options_.cache_dir.c_str(), &st));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(0, ::stat(d.path().c_str(), &st));
  EXPECT_EQ(st.st_mode & 07777, 0400u);
}

TEST_F(DiskTierTest, SecondOpenAttachesToTheDiskSegmentAndCanPreadIt) {
  ASSERT_TRUE(open_shared(h5_, {"images"}, options_).ok());
  auto second = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(second.ok()) << second.status().message();
  const SharedDataset& d = (*second)[0];
  EXPECT_FALSE(d.loaded_here());
  EXPECT_EQ(d.tier(), Tier::kDisk);
  EXPECT_NE(d.tier_note().find("attached in the disk tier"), std::string::npos) << d.tier_note();
  ASSERT_GE(d.fd(), 0);
  std::vector<uint8_t> row(1024);
  ASSERT_EQ(static_cast<ssize_t>(row.size()), ::pread(d.fd(), row.data(), row.size(), d.payload_offset() + 5 * 1024));
  EXPECT_EQ(0, std::memcmp(row.data(), images_.bytes.data() + 5 * 1024, row.size()));
}

TEST_F(DiskTierTest, SharedMemoryWinsWhenItFitsAndItsViewHasNoDescriptor) {
  options_.max_shm = ShmBudget{};
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[0].tier(), Tier::kSharedMemory);
  EXPECT_EQ((*ds)[0].fd(), -1);
  EXPECT_NE((*ds)[0].tier_note().find("shared memory " + shm_.path()), std::string::npos) << (*ds)[0].tier_note();
  EXPECT_FALSE(std::filesystem::exists(options_.cache_dir));
  // Shared-memory segments carry no checksum and stay format version 1.
  EXPECT_EQ(header_of((*ds)[0].path()).version, kSegmentFormatVersionNoChecksum);
}

TEST_F(DiskTierTest, DiskSegmentRecordsTheCrcOfItsBytesAndIsMarkedVerifiedForThisBoot) {
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  const std::string path = (*ds)[0].path();
  RawSegmentHeader h = header_of(path);
  EXPECT_EQ(h.version, kSegmentFormatVersion);
  EXPECT_EQ(h.flags, kSegmentFlagChecksum);
  int fd = ::open(path.c_str(), O_RDONLY);
  struct stat st;
  ASSERT_EQ(0, ::fstat(fd, &st));
  auto crc = crc32_of_range(fd, kSegmentHeaderBytes, static_cast<uint64_t>(st.st_size), path);
  ::close(fd);
  ASSERT_TRUE(crc.ok());
  EXPECT_EQ(h.payload_crc32, *crc);
  std::ifstream marker(path + std::string(kVerifiedSuffix));
  std::string boot;
  marker >> boot;
  EXPECT_EQ(boot, boot_id());
}

TEST_F(DiskTierTest, PageWrittenAfterPublicationIsDetectedAndTheSegmentRebuilt) {
  std::string path;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    path = (*ds)[0].path();
  }
  scribble(path, 4096 * 3 + 7, static_cast<char>(images_.bytes[4096 * 3 + 7] ^ 0x5a));
  auto again = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)[0].loaded_here());
  EXPECT_TRUE(same_as_images((*again)[0]));
  ASSERT_FALSE(warnings_.empty());
  bool said = false;
  for (const auto& w : warnings_) said |= w.find("segment " + path + " is damaged (CRC-32 ") != std::string::npos &&
                                          w.find("; rebuilding it") != std::string::npos;
  EXPECT_TRUE(said) << ::testing::PrintToString(warnings_);
}

TEST_F(DiskTierTest, DamageThatKeepsTheMtimeIsCaughtOnTheFirstAttachOfABoot) {
  std::string path;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    path = (*ds)[0].path();
  }
  struct stat before;
  ASSERT_EQ(0, ::stat(path.c_str(), &before));
  scribble(path, 100, static_cast<char>(images_.bytes[100] ^ 1));
  const timespec times[2] = {before.st_atim, before.st_mtim};  // as a power loss leaves it
  ASSERT_EQ(0, ::utimensat(AT_FDCWD, path.c_str(), times, 0));
  // A new boot: the marker of the old one no longer counts.
  ASSERT_EQ(0, ::unlink((path + std::string(kVerifiedSuffix)).c_str()));
  auto again = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)[0].loaded_here());
  EXPECT_TRUE(same_as_images((*again)[0]));
}

TEST_F(DiskTierTest, IntactSegmentIsVerifiedOnceThenAttachedWithoutReading) {
  std::string path;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok());
    path = (*ds)[0].path();
  }
  ASSERT_EQ(0, ::unlink((path + std::string(kVerifiedSuffix)).c_str()));
  auto first = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE((*first)[0].loaded_here());
  EXPECT_NE((*first)[0].tier_note().find("(checksum verified for this boot)"), std::string::npos);
  auto second = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].tier_note().find("verified"), std::string::npos) << (*second)[0].tier_note();
}

TEST_F(DiskTierTest, SegmentWithoutChecksumInTheCacheDirectoryIsRebuilt) {
  // A version-1 segment, as /dev/shm holds, copied into the cache directory.
  options_.max_shm = ShmBudget{};
  std::string shm_path;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok());
    shm_path = (*ds)[0].path();
  }
  std::filesystem::create_directories(options_.cache_dir);
  const std::string name = std::filesystem::path(shm_path).filename();
  std::filesystem::copy_file(shm_path, options_.cache_dir + "/" + name);
  std::filesystem::remove(shm_path);
  options_.max_shm = *parse_shm_budget("16K");
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_TRUE((*ds)[0].loaded_here());
  EXPECT_EQ(header_of(options_.cache_dir + "/" + name).version, kSegmentFormatVersion);
  bool said = false;
  for (const auto& w : warnings_) said |= w.find("has no checksum (format version 1)") != std::string::npos;
  EXPECT_TRUE(said) << ::testing::PrintToString(warnings_);
}

TEST_F(DiskTierTest, NeitherTierWithRoomIsNoSpaceNamingBoth) {
  options_.max_cache = *parse_shm_budget("16K");
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kNoSpace);
  EXPECT_NE(ds.status().message().find("not enough disk space in the budget for dataset '/images' of " + h5_),
            std::string::npos)
      << ds.status().message();
  EXPECT_NE(ds.status().message().find("--max_cache / GLINT_MAX_CACHE"), std::string::npos);
  EXPECT_NE(ds.status().message().find("shared memory was not an option either: "),
            std::string::npos)
      << ds.status().message();
}

TEST_F(DiskTierTest, WithoutADiskTierATooLargeLoadIsNoSpace) {
  options_.cache_dir = "";
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kNoSpace);
  EXPECT_NE(ds.status().message().find("no disk tier (set GLINT_CACHE_DIR or --cache_dir)"), std::string::npos)
      << ds.status().message();
}

TEST(DefaultCacheDirTest, EnvironmentThenXdgThenHome) {
  ::setenv("GLINT_CACHE_DIR", "/x/glint_cache", 1);
  ::setenv("XDG_CACHE_HOME", "/xdg", 1);
  ::setenv("HOME", "/home/u", 1);
  EXPECT_EQ(default_cache_dir(), "/x/glint_cache");
  ::setenv("GLINT_CACHE_DIR", "", 1);
  EXPECT_EQ(default_cache_dir(), "") << "set but empty turns the disk tier off";
  ::unsetenv("GLINT_CACHE_DIR");
  EXPECT_EQ(default_cache_dir(), "/xdg/glint");
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(default_cache_dir(), "/home/u/.cache/glint");
  ::unsetenv("HOME");
  EXPECT_EQ(default_cache_dir(), "");
}

}  // namespace
}  // namespace glint
