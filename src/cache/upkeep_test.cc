// The removal protocol of the upkeep, and the record of the last attach,
// with real segments in a real shared-memory directory.
#include "upkeep.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "glint/cache.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

class UpkeepRemovalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = tmp_.file("a.h5");
    testing::write_h5(h5_, {testing::pattern_dataset("x", H5T_NATIVE_UINT8, {8, 64, 64}, 3)});
    options_.shm_dir = shm_.path();
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
  }

  // Loads the file and lets go of the mapping; the segment's listing.
  SegmentInfo loaded_then_unmapped() {
    auto d = open_shared(h5_, {}, options_);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return listing();
  }

  SegmentInfo listing() const {
    ListOptions list;
    list.shm_dir = shm_.path();
    auto all = list_segments(list);
    EXPECT_TRUE(all.ok() && all->size() == 1u);
    return all->front();
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_;
  CacheOptions options_;
};

TEST_F(UpkeepRemovalTest, AnUnusedSegmentIsRemoved) {
  SegmentInfo info = loaded_then_unmapped();
  Removal r = remove_unused(shm_.path(), {info});
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.freed_bytes, info.file_bytes);
  EXPECT_TRUE(r.in_use.empty());
  EXPECT_NE(::access(info.path.c_str(), F_OK), 0);
}

TEST_F(UpkeepRemovalTest, AMappedSegmentStays) {
  auto held = open_shared(h5_, {}, options_);
  ASSERT_TRUE(held.ok());
  SegmentInfo info = listing();
  info.mapped_by.clear();  // as if listed a moment before the mapping was made
  Removal r = remove_unused(shm_.path(), {info});
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(r.in_use.size(), 1u);
  EXPECT_EQ(::access(info.path.c_str(), F_OK), 0);
  held->clear();  // the attach's lock goes with its last mapping
  EXPECT_EQ(remove_unused(shm_.path(), {info}).removed.size(), 1u);
}

TEST_F(UpkeepRemovalTest, AMappingThatDidNotComeThroughTheCacheIsFoundInProc) {
  SegmentInfo info = loaded_then_unmapped();
  UniqueFd fd(::open(info.path.c_str(), O_RDONLY | O_CLOEXEC));
  void* map = ::mmap(nullptr, info.file_bytes, PROT_READ, MAP_SHARED, fd.get(), 0);  // as numpy would
  ASSERT_NE(map, MAP_FAILED);
  fd.reset();
  Removal r = remove_unused(shm_.path(), {info});
  EXPECT_TRUE(r.removed.empty());
  ASSERT_EQ(r.in_use.size(), 1u);
  EXPECT_EQ(r.in_use[0].mapped_by, std::vector<pid_t>{::getpid()});
  ::munmap(map, info.file_bytes);
}

TEST_F(UpkeepRemovalTest, ASegmentBeingAttachedStays) {
  SegmentInfo info = loaded_then_unmapped();
  // What an attach holds between open() and mmap().
  UniqueFd attaching(::open(info.path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_EQ(0, ::flock(attaching.get(), LOCK_SH));
  Removal r = remove_unused(shm_.path(), {info});
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(r.in_use.size(), 1u);
  attaching.reset();
  EXPECT_EQ(remove_unused(shm_.path(), {info}).removed.size(), 1u);
}

TEST_F(UpkeepRemovalTest, AReplacedSegmentIsNotRemovedByItsOldListing) {
  SegmentInfo info = loaded_then_unmapped();
  ASSERT_EQ(0, ::unlink(info.path.c_str()));
  SegmentInfo fresh = loaded_then_unmapped();
  ASSERT_NE(fresh.inode, info.inode);
  Removal r = remove_unused(shm_.path(), {info});
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(::access(fresh.path.c_str(), F_OK), 0);
}

TEST_F(UpkeepRemovalTest, AttachRecordsTheLastUseAndListingDoesNot) {
  SegmentInfo info = loaded_then_unmapped();
  const timespec old[2] = {{1000, 0}, {0, UTIME_OMIT}};
  ASSERT_EQ(0, ::utimensat(AT_FDCWD, info.path.c_str(), old, 0));
  EXPECT_EQ(listing().last_attach_unix_ns, 1000'000'000'000);
  EXPECT_EQ(listing().last_attach_unix_ns, 1000'000'000'000);  // reading for a listing is no use
  auto again = open_shared(h5_, {}, options_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)[0].loaded_here());
  EXPECT_GT(listing().last_attach_unix_ns, listing().modified_unix_ns - 1);
}

TEST_F(UpkeepRemovalTest, OnlyTheOwnersValidPrivateSegmentsAreRemovable) {
  SegmentInfo info = loaded_then_unmapped();
  EXPECT_TRUE(removable_by(info, info.owner_uid));
  EXPECT_FALSE(removable_by(info, info.owner_uid + 1));
  SegmentInfo broken = info;
  broken.problem = "bad header";
  EXPECT_FALSE(removable_by(broken, info.owner_uid));
  SegmentInfo shared = info;
  shared.mode = 0440;  // other users of the group may map it where we cannot see
  EXPECT_EQ(removable_by(shared, info.owner_uid), info.owner_uid == 0);
}

}  // namespace
}  // namespace glint
