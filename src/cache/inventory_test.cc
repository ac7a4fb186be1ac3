// Listing segments made by the real cache, and hostile files beside them.
#include "glint/inventory.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <climits>
#include <cstdlib>

#include "support/cache/inventory_testing.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? buf : path;
}

TEST_F(InventoryTest, ListsLoadedSegmentsWithLayoutAndSource) {
  std::string md5 = load(h5_).at(0).md5();
  auto segments = list();
  ASSERT_EQ(segments.size(), 2u);
  const SegmentInfo& heatmaps = segments[0];
  EXPECT_EQ(heatmaps.file_name, "glint_" + md5 + "_heatmaps");
  EXPECT_EQ(heatmaps.path, shm_.file(heatmaps.file_name));
  EXPECT_EQ(heatmaps.dataset, "/heatmaps");
  EXPECT_EQ(heatmaps.md5, md5);
  EXPECT_EQ(heatmaps.problem, "");
  ASSERT_TRUE(heatmaps.layout);
  EXPECT_EQ(heatmaps.layout->dtype, DType::kFloat32);
  EXPECT_EQ(heatmaps.layout->shape, (std::vector<uint64_t>{8, 8, 8}));
  ASSERT_TRUE(heatmaps.trailer);
  EXPECT_EQ(heatmaps.trailer->source_path, canonical(h5_));
  EXPECT_EQ(heatmaps.owner_uid, ::geteuid());
  EXPECT_EQ(heatmaps.file_bytes, kSegmentHeaderBytes + 8 * 8 * 8 * 4 + heatmaps.layout->trailer_bytes);
  EXPECT_FALSE(heatmaps.stale);
  EXPECT_TRUE(heatmaps.mapped_by.empty());
  EXPECT_EQ(segments[1].dataset, "/images");
}

TEST_F(InventoryTest, Md5FilterKeepsOneFile) {
  std::string other = tmp_.file("other.h5");
  write_source(other, /*seed=*/7);
  std::string md5 = load(h5_).at(0).md5();
  load(other);
  EXPECT_EQ(list().size(), 4u);
  auto mine = list(md5);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].md5, md5);
  EXPECT_EQ(mine[1].md5, md5);
}

TEST_F(InventoryTest, MappedByShowsThisProcessWhileADatasetIsAlive) {
  {
    auto views = load(h5_);
    for (const SegmentInfo& info : list()) {
      EXPECT_EQ(info.mapped_by, std::vector<pid_t>{::getpid()}) << info.file_name;
    }
  }
  for (const SegmentInfo& info : list()) EXPECT_TRUE(info.mapped_by.empty()) << info.file_name;
}

TEST_F(InventoryTest, MappedByShowsAChildThatMapsTheSegment) {
  std::string images = "glint_" + load(h5_).at(0).md5() + "_images";
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(release[1]);
    int fd = ::open(shm_.file(images).c_str(), O_RDONLY);
    void* addr = ::mmap(/*addr=*/nullptr, 4096, PROT_READ, MAP_SHARED, fd, /*offset=*/0);
    char byte = addr == MAP_FAILED ? 'n' : 'y';
    (void)!::write(ready[1], &byte, 1);
    (void)!::read(release[0], &byte, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  EXPECT_EQ(byte, 'y');
  auto segments = list();
  ::close(release[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  const SegmentInfo* info = find(segments, images);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->mapped_by, std::vector<pid_t>{child});
}

TEST_F(InventoryTest, FindMappersOffLeavesMappedByEmpty) {
  auto views = load(h5_);
  ListOptions options;
  options.shm_dir = shm_.path();
  options.find_mappers = false;
  auto segments = list_segments(options);
  ASSERT_TRUE(segments.ok());
  for (const SegmentInfo& info : *segments) EXPECT_TRUE(info.mapped_by.empty());
}

TEST_F(InventoryTest, RemovedButMappedSegmentsAreListedSeparately) {
  auto views = load(h5_);
  ListOptions options;
  options.shm_dir = shm_.path();
  auto before = list_removed_segments(options);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_TRUE(before->empty());
  ASSERT_EQ(::unlink(shm_.file(views[1].segment()).c_str()), 0);
  auto after = list_removed_segments(options);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].dataset, "/images");
  EXPECT_EQ((*after)[0].md5, views[1].md5());
  EXPECT_EQ((*after)[0].path, canonical(shm_.path()) + "/" + views[1].segment());
  EXPECT_EQ((*after)[0].mapped_by, std::vector<pid_t>{::getpid()});
  EXPECT_GE((*after)[0].mapped_bytes, views[1].bytes());
  EXPECT_EQ(list().size(), 1u);
}

TEST_F(InventoryTest, RewrittenSourceMakesSegmentsStale) {
  load(h5_);
  write_source(h5_, /*seed=*/2, /*rows=*/9);
  for (const SegmentInfo& info : list()) {
    EXPECT_TRUE(info.stale) << info.file_name;
    EXPECT_NE(info.stale_reason.find("changed since loading (size "), std::string::npos)
        << info.stale_reason;
  }
}

TEST_F(InventoryTest, TouchedSourceMakesSegmentsStale) {
  load(h5_);
  age(h5_, 3600);
  auto segments = list();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_TRUE(segments[0].stale);
  EXPECT_NE(segments[0].stale_reason.find("modification time changed"), std::string::npos);
}

TEST_F(InventoryTest, ReplacedSourceWithSameSizeAndTimeIsStale) {
  load(h5_);
  struct stat st;
  ASSERT_EQ(::stat(h5_.c_str(), &st), 0);
  std::string copy = tmp_.file("copy.h5");
  write_path(copy, read_file(h5_));
  timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, copy.c_str(), times, 0), 0);
  ASSERT_EQ(::rename(copy.c_str(), h5_.c_str()), 0);
  auto segments = list();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_TRUE(segments[0].stale);
  EXPECT_NE(segments[0].stale_reason.find("inode changed"), std::string::npos);
}

TEST_F(InventoryTest, RemovedSourceMakesSegmentsStale) {
  load(h5_);
  ASSERT_EQ(::unlink(h5_.c_str()), 0);
  auto segments = list();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_TRUE(segments[1].stale);
  EXPECT_EQ(segments[1].stale_reason, "source file " + canonical(tmp_.path()) + "/train.h5 no longer exists");
}

}  // namespace
}  // namespace glint
