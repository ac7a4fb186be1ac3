// cleanup_segments on segments made by the real cache.
#include <sys/file.h>

#include "glint/inventory.h"
#include "support/cache/inventory_testing.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

class CleanupTest : public InventoryTest {
 protected:
  CleanupReport cleanup(const CleanupOptions& options) {
    auto report = cleanup_segments(options);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? std::move(*report) : CleanupReport{};
  }

  uint64_t total_bytes() {
    uint64_t bytes = 0;
    for (const SegmentInfo& info : list()) bytes += info.file_bytes;
    return bytes;
  }
};

TEST_F(CleanupTest, DryRunReportsButRemovesNothing) {
  load(h5_);
  uint64_t bytes = total_bytes();
  CleanupOptions options = cleanup_options();
  options.dry_run = true;
  CleanupReport report = cleanup(options);
  EXPECT_EQ(report.removed.size(), 2u);
  EXPECT_EQ(report.freed_bytes, bytes);
  EXPECT_EQ(list().size(), 2u);
}

TEST_F(CleanupTest, RemovesSegmentsAndReportsFreedBytes) {
  load(h5_);
  uint64_t bytes = total_bytes();
  CleanupReport report = cleanup(cleanup_options());
  ASSERT_EQ(report.removed.size(), 2u);
  EXPECT_EQ(report.freed_bytes, bytes);
  EXPECT_TRUE(report.skipped.empty());
  EXPECT_TRUE(list().empty());
  EXPECT_TRUE(load(h5_).at(0).loaded_here());  // and the cache rebuilds them
}

TEST_F(CleanupTest, OlderThanKeepsYoungSegments) {
  auto views = load(h5_);
  age(shm_.file(views[0].segment()), 7200);
  CleanupOptions options = cleanup_options();
  options.older_than_seconds = 3600;
  CleanupReport report = cleanup(options);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0].file_name, views[0].segment());
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0], views[1].segment() + ": younger than 3600 s");
  EXPECT_TRUE(exists(views[1].segment()));
}

TEST_F(CleanupTest, StaleOnlyKeepsSegmentsOfUnchangedFiles) {
  std::string other = tmp_.file("other.h5");
  write_source(other, /*seed=*/5);
  std::string fresh_md5 = load(other).at(0).md5();
  load(h5_);
  write_source(h5_, /*seed=*/2, /*rows=*/9);
  CleanupOptions options = cleanup_options();
  options.stale_only = true;
  CleanupReport report = cleanup(options);
  EXPECT_EQ(report.removed.size(), 2u);
  for (const SegmentInfo& info : report.removed) EXPECT_TRUE(info.stale);
  auto left = list();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].md5, fresh_md5);
  EXPECT_NE(report.skipped.at(0).find("not stale"), std::string::npos);
}

TEST_F(CleanupTest, Md5AndSourcePathSelectOneFileAndItsOlderVersions) {
  cache_.reclaim_old_versions = false;  // keep the older version for the cleanup to select
  std::string other = tmp_.file("other.h5");
  write_source(other, /*seed=*/5);
  load(other);
  std::string old_md5 = load(h5_).at(0).md5();
  write_source(h5_, /*seed=*/2);
  auto current = load(h5_);
  ASSERT_NE(current.at(0).md5(), old_md5);
  CleanupOptions options = cleanup_options();
  options.md5 = current[0].md5();
  auto old = list(old_md5);
  ASSERT_EQ(old.size(), 2u);
  ASSERT_TRUE(old[0].trailer);
  options.source_path = old[0].trailer->source_path;
  CleanupReport report = cleanup(options);
  EXPECT_EQ(report.removed.size(), 4u);
  EXPECT_EQ(list().size(), 2u);  // other.h5's
  EXPECT_TRUE(list(old_md5).empty());
}

TEST_F(CleanupTest, OtherUsersSegmentsAreKept) {
  auto views = load(h5_);
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a segment to another user";
  ASSERT_EQ(::lchown(shm_.file(views[0].segment()).c_str(), 65534, 65534), 0);
  CleanupReport report = cleanup(cleanup_options());
  EXPECT_EQ(report.removed.size(), 1u);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find(views[0].segment() + ": owned by "), std::string::npos);
  EXPECT_NE(report.skipped[0].find("only your own segments are removed"), std::string::npos);
  EXPECT_TRUE(exists(views[0].segment()));
}

TEST_F(CleanupTest, RemovedSegmentStaysReadableAndReportsItsMappers) {
  auto views = load(h5_);
  uint8_t first = static_cast<const uint8_t*>(views[1].data())[0];
  CleanupReport report = cleanup(cleanup_options());
  ASSERT_EQ(report.removed.size(), 2u);
  EXPECT_EQ(report.removed[0].mapped_by, std::vector<pid_t>{::getpid()});
  EXPECT_EQ(static_cast<const uint8_t*>(views[1].data())[0], first);
  ListOptions options;
  options.shm_dir = shm_.path();
  auto removed = list_removed_segments(options);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 2u);
}

TEST_F(CleanupTest, AbandonedLockFileIsRemovedAndAHeldOneKept) {
  std::string md5 = load(h5_).at(0).md5();
  std::string abandoned = "glint_" + md5 + "_images.lock";
  std::string held = "glint_" + md5 + "_heatmaps.lock";
  write_file(abandoned, "");
  write_file(held, "");
  UniqueFd holder(::open(shm_.file(held).c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_EQ(::flock(holder.get(), LOCK_EX), 0);  // as a loader does
  CleanupOptions options = cleanup_options();
  options.md5 = md5;
  CleanupReport report = cleanup(options);
  EXPECT_EQ(report.removed_locks, std::vector<std::string>{abandoned});
  EXPECT_FALSE(exists(abandoned));
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0], held + ": held by a process loading that segment now");
  EXPECT_TRUE(exists(held));
}

TEST_F(CleanupTest, DryRunKeepsLockFiles) {
  std::string lock = "glint_0123456789abcdef0123456789abcdef_images.lock";
  write_file(lock, "");
  CleanupOptions options = cleanup_options();
  options.dry_run = true;
  EXPECT_EQ(cleanup(options).removed_locks, std::vector<std::string>{lock});
  EXPECT_TRUE(exists(lock));
}

TEST_F(CleanupTest, SymlinkIsRemovedButItsTargetIsNot) {
  std::string link = "glint_0123456789abcdef0123456789abcdef_link";
  ASSERT_EQ(::symlink(h5_.c_str(), shm_.file(link).c_str()), 0);
  CleanupReport report = cleanup(cleanup_options());
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.freed_bytes, 0u);
  EXPECT_FALSE(exists(link));
  struct stat st;
  EXPECT_EQ(::stat(h5_.c_str(), &st), 0);
}

}  // namespace
}  // namespace glint
