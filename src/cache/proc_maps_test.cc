#include "proc_maps.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include "support/temp_dir.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

constexpr std::string_view kMaps =
    "55d0c0a00000-55d0c0a21000 r-xp 00000000 08:01 1312 /usr/bin/cat\n"
    "7f0000000000-7f0000001000 r--s 00000000 00:1a 77   /dev/shm/glint_a_x\n"
    "7f0000001000-7f0000003000 r--s 00001000 00:1a 77   /dev/shm/glint_a_x\n"
    "7f0000010000-7f0000014000 r--s 00000000 00:1a 78   /dev/shm/glint_b_y (deleted)\n"
    "7f0000020000-7f0000021000 rw-s 00000000 00:1a 79   /dev/shm/with space\n"
    "7f0000030000-7f0000031000 rw-p 00000000 00:00 0 \n"
    "7f0000040000-7f0000041000 rw-p 00000000 00:00 0    [stack]\n"
    "garbage line\n"
    "zz-7f rw-s 00000000 00:1a 80 /dev/shm/bad_range\n";

TEST(ProcMapsTest, KeepsFileMappingsUnderThePrefixAndMergesRanges) {
  auto files = parse_proc_maps(42, kMaps, "/dev/shm/");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "/dev/shm/glint_a_x");
  EXPECT_EQ(files[0].pid, 42);
  EXPECT_EQ(files[0].inode, 77u);
  EXPECT_EQ(files[0].dev, makedev(0, 0x1a));
  EXPECT_EQ(files[0].mapped_bytes, 0x3000u);
  EXPECT_FALSE(files[0].deleted);
}

TEST(ProcMapsTest, StripsTheDeletedSuffixAndKeepsSpacesInPaths) {
  auto files = parse_proc_maps(42, kMaps, "/dev/shm/");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[1].path, "/dev/shm/glint_b_y");
  EXPECT_TRUE(files[1].deleted);
  EXPECT_EQ(files[1].mapped_bytes, 0x4000u);
  EXPECT_EQ(files[2].path, "/dev/shm/with space");
}

TEST(ProcMapsTest, IgnoresOtherDirectoriesAndAnonymousMemory) {
  auto files = parse_proc_maps(42, kMaps, "/usr/");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "/usr/bin/cat");
  EXPECT_TRUE(parse_proc_maps(42, "", "/").empty());
}

class ProcScanTest : public ::testing::Test {
 protected:
  // A one-page file in a private tmpfs directory, mapped by this process.
  void SetUp() override {
    path_ = shm_.file("mapped");
    UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::ftruncate(fd.get(), 4096), 0);
    addr_ = ::mmap(/*addr=*/nullptr, 4096, PROT_READ, MAP_SHARED, fd.get(), /*offset=*/0);
    ASSERT_NE(addr_, MAP_FAILED);
    struct stat st;
    ASSERT_EQ(::fstat(fd.get(), &st), 0);
    inode_ = st.st_ino;
    dev_ = st.st_dev;
  }
  void TearDown() override { ::munmap(addr_, 4096); }

  const MappedFile* find_own() {
    files_ = scan_proc_maps(shm_.path() + "/");
    auto it = std::find_if(files_.begin(), files_.end(),
                           [](const MappedFile& f) { return f.pid == ::getpid(); });
    return it == files_.end() ? nullptr : &*it;
  }

  testing::ShmDir shm_;
  std::string path_;
  void* addr_ = nullptr;
  uint64_t inode_ = 0;
  dev_t dev_ = 0;
  std::vector<MappedFile> files_;
};

TEST_F(ProcScanTest, SeesThisProcessMappingAFile) {
  const MappedFile* own = find_own();
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->path, path_);
  EXPECT_EQ(own->inode, inode_);
  EXPECT_EQ(own->dev, dev_);
  EXPECT_EQ(own->mapped_bytes, 4096u);
  EXPECT_FALSE(own->deleted);
}

TEST_F(ProcScanTest, MarksAMappedFileWhoseNameWasRemoved) {
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  const MappedFile* own = find_own();
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->path, path_);
  EXPECT_TRUE(own->deleted);
}

}  // namespace
}  // namespace glint
