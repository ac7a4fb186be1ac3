// The cache with real files, real processes and a real tmpfs.
#include "glint/cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

using testing::fnv1a;
using testing::pattern_dataset;
using testing::write_h5;

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = tmp_.file("train.h5");
    images_ = pattern_dataset("images", H5T_NATIVE_UINT8, {20, 16, 16}, 1);
    heatmaps_ = pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {20, 1, 16, 16}, 2);
    write_h5(h5_, {images_, heatmaps_});
    options_.shm_dir = shm_.path();
    options_.cache_dir = "";  // the disk tier has its own tests (disk_tier_test.cc)
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
    options_.on_warning = [this](std::string_view w) { warnings_.emplace_back(w); };
  }

  std::set<std::string> shm_files() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(shm_.path())) out.insert(e.path().filename());
    return out;
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_;
  testing::FixtureDataset images_, heatmaps_;
  CacheOptions options_;
  std::vector<std::string> warnings_;
};

TEST_F(CacheTest, FirstCallLoadsAndLaterCallAttachesToTheSameBytes) {
  auto first = open_shared(h5_, {"images", "heatmaps"}, options_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_TRUE((*first)[0].loaded_here());
  EXPECT_EQ((*first)[0].dtype(), DType::kUInt8);
  EXPECT_EQ((*first)[0].shape(), (std::vector<uint64_t>{20, 16, 16}));
  EXPECT_EQ((*first)[1].dtype(), DType::kFloat32);
  EXPECT_EQ((*first)[1].shape(), (std::vector<uint64_t>{20, 1, 16, 16}));
  ASSERT_EQ((*first)[0].bytes(), images_.bytes.size());
  EXPECT_EQ(0, std::memcmp((*first)[0].data(), images_.bytes.data(), images_.bytes.size()));
  EXPECT_EQ(0, std::memcmp((*first)[1].data(), heatmaps_.bytes.data(), heatmaps_.bytes.size()));
  EXPECT_EQ((*first)[0].segment(), "glint_" + (*first)[0].md5() + "_images");

  auto second = open_shared(h5_, {"/images", "heatmaps"}, options_);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_FALSE((*second)[0].loaded_here());
  EXPECT_FALSE((*second)[1].loaded_here());
  EXPECT_EQ(0, std::memcmp((*second)[1].data(), heatmaps_.bytes.data(), heatmaps_.bytes.size()));
  EXPECT_EQ(shm_files(), (std::set<std::string>{(*first)[0].segment(), (*first)[1].segment()}));
}

TEST_F(CacheTest, SegmentsAreReadOnlyForTheirOwnerByDefault) {
  auto ds = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  struct stat st;
  ASSERT_EQ(0, ::stat((shm_.path() + "/" + (*ds)[0].segment()).c_str(), &st));
  EXPECT_EQ(st.st_mode & 07777, 0400u);
  EXPECT_EQ(st.st_uid, geteuid());
}

TEST_F(CacheTest, EmptyListMeansEveryNumericDataset) {
  testing::write_h5(h5_, {images_, heatmaps_, pattern_dataset("meta/ids", H5T_NATIVE_INT64, {20}, 3)});
  auto all = open_shared(h5_, {}, options_);
  ASSERT_TRUE(all.ok()) << all.status().message();
  std::set<std::string> names;
  for (const auto& d : *all) names.insert(d.dataset());
  EXPECT_EQ(names, (std::set<std::string>{"/images", "/heatmaps", "/meta/ids"}));
}

TEST_F(CacheTest, EveryDtypeAndRankRoundTrips) {
  std::vector<testing::FixtureDataset> sets = {
      pattern_dataset("i8", H5T_NATIVE_INT8, {7}),         pattern_dataset("u8", H5T_NATIVE_UINT8, {7, 3}),
      pattern_dataset("i16", H5T_NATIVE_INT16, {2, 3, 4}), pattern_dataset("u16", H5T_NATIVE_UINT16, {2, 3, 4, 5}),
      pattern_dataset("i32", H5T_NATIVE_INT32, {9}),       pattern_dataset("u32", H5T_NATIVE_UINT32, {9}),
      pattern_dataset("i64", H5T_NATIVE_INT64, {9}),       pattern_dataset("u64", H5T_NATIVE_UINT64, {9}),
      pattern_dataset("f32", H5T_NATIVE_FLOAT, {9}),       pattern_dataset("f64", H5T_NATIVE_DOUBLE, {9}),
      pattern_dataset("grp/deep/f32", H5T_NATIVE_FLOAT, {3, 3}),
  };
  sets[10].chunked_compressed = true;
  write_h5(h5_, sets);
  for (const auto& s : sets) {
    auto ds = open_shared(h5_, {s.name}, options_);
    ASSERT_TRUE(ds.ok()) << s.name << ": " << ds.status().message();
    ASSERT_EQ((*ds)[0].bytes(), s.bytes.size()) << s.name;
    EXPECT_EQ(0, std::memcmp((*ds)[0].data(), s.bytes.data(), s.bytes.size())) << s.name;
    EXPECT_EQ((*ds)[0].shape().size(), s.shape.size());
  }
}

TEST_F(CacheTest, BadRequestsFailWithAClearMessageAndLeaveNothing) {
  struct Case {
    std::string dataset, fragment;
  } cases[] = {
      {"missing", "dataset '/missing' not found in " + h5_ + " (it has: /heatmaps, /images)"},
      {"../x", "not allowed"},
  };
  for (const auto& c : cases) {
    auto ds = open_shared(h5_, {"images", c.dataset}, options_);
    ASSERT_FALSE(ds.ok()) << c.dataset;
    EXPECT_NE(ds.status().message().find(c.fragment), std::string::npos) << ds.status().message();
    EXPECT_TRUE(shm_files().empty()) << c.dataset;
  }
  auto missing = open_shared(tmp_.file("nope.h5"), {"images"}, options_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.h5"), std::string::npos);
  auto dir = open_shared(tmp_.path(), {"images"}, options_);
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos) << dir.status().message();
  std::ofstream(tmp_.file("text.h5")) << "not hdf5 at all";
  auto text = open_shared(tmp_.file("text.h5"), {"images"}, options_);
  EXPECT_NE(text.status().message().find("is not an HDF5 file"), std::string::npos) << text.status().message();
}

TEST_F(CacheTest, EmptyAndUnsupportedDatasetsAreRejectedByName) {
  write_h5(h5_, {images_, pattern_dataset("empty", H5T_NATIVE_FLOAT, {0, 4}),
                 pattern_dataset("rank5", H5T_NATIVE_UINT8, {1, 1, 1, 1, 2})});
  auto empty = open_shared(h5_, {"images", "empty"}, options_);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("'/empty'"), std::string::npos) << empty.status().message();
  EXPECT_NE(empty.status().message().find("is empty"), std::string::npos);
  auto rank5 = open_shared(h5_, {"rank5"}, options_);
  ASSERT_FALSE(rank5.ok());
  EXPECT_EQ(rank5.status().code(), Code::kUnsupported);
  EXPECT_NE(rank5.status().message().find("rank 5"), std::string::npos) << rank5.status().message();
  EXPECT_TRUE(shm_files().empty());
}

TEST_F(CacheTest, OwnDamagedSegmentIsRebuiltWithAWarning) {
  std::string md5;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok());
    md5 = (*ds)[0].md5();
  }
  std::string path = shm_.path() + "/glint_" + md5 + "_images";
  ASSERT_EQ(0, ::unlink(path.c_str()));
  std::ofstream(path) << "garbage that is not a segment header, certainly not 64 bytes of one......";
  auto again = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)[0].loaded_here());
  EXPECT_EQ(0, std::memcmp((*again)[0].data(), images_.bytes.data(), images_.bytes.size()));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("wrong magic"), std::string::npos) << warnings_[0];
  EXPECT_NE(warnings_[0].find("rebuilding"), std::string::npos);
}

TEST_F(CacheTest, AttachOnlyAttachesWhatIsThereAndNeverLoads) {
  CacheOptions attach_only = options_;
  attach_only.attach_only = true;
  auto none = open_shared(h5_, {"images"}, attach_only);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kNotFound);
  EXPECT_NE(none.status().message().find("attach only"), std::string::npos) << none.status().message();
  EXPECT_TRUE(shm_files().empty());  // no segment, no lock file
  std::string path;
  {
    auto loaded = open_shared(h5_, {"images"}, options_);  // as a trainer does
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    path = shm_.path() + "/" + (*loaded)[0].segment();
    auto attached = open_shared(h5_, {"images"}, attach_only);
    ASSERT_TRUE(attached.ok()) << attached.status().message();
    EXPECT_FALSE((*attached)[0].loaded_here());
    EXPECT_EQ(0, std::memcmp((*attached)[0].data(), images_.bytes.data(), images_.bytes.size()));
    // One dataset there, one not: the call fails and loads neither.
    auto partly = open_shared(h5_, {"images", "heatmaps"}, attach_only);
    EXPECT_EQ(partly.status().code(), Code::kNotFound);
    EXPECT_EQ(shm_files(), (std::set<std::string>{(*loaded)[0].segment()}));
  }
  // A damaged segment is left in place for a loading caller to rebuild.
  ASSERT_EQ(0, ::unlink(path.c_str()));
  const std::string garbage = "garbage that is not a segment header, certainly not 64 bytes of one......";
  std::ofstream(path) << garbage;
  auto damaged = open_shared(h5_, {"images"}, attach_only);
  EXPECT_EQ(damaged.status().code(), Code::kNotFound);
  EXPECT_EQ(std::filesystem::file_size(path), garbage.size());
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(CacheTest, SymlinkUnderTheSegmentNameIsNeverFollowed) {
  std::string md5;
  {
    auto ds = open_shared(h5_, {"images"}, options_);
    ASSERT_TRUE(ds.ok());
    md5 = (*ds)[0].md5();
  }
  std::string path = shm_.path() + "/glint_" + md5 + "_images";
  std::string target = tmp_.file("target");
  std::ofstream(target) << "precious";
  ASSERT_EQ(0, ::unlink(path.c_str()));
  ASSERT_EQ(0, ::symlink(target.c_str(), path.c_str()));
  auto again = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)[0].loaded_here());
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("symbolic link"), std::string::npos) << warnings_[0];
  std::ifstream in(target);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(CacheTest, ChangedFileGetsNewSegmentsAndOldViewsStayIntact) {
  auto before = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(before.ok());
  uint64_t sum_before = fnv1a((*before)[0].data(), (*before)[0].bytes());
  write_h5(h5_, {pattern_dataset("images", H5T_NATIVE_UINT8, {20, 16, 16}, 99), heatmaps_});
  auto after = open_shared(h5_, {"images"}, options_);
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_NE((*after)[0].md5(), (*before)[0].md5());
  EXPECT_TRUE((*after)[0].loaded_here());
  EXPECT_EQ(fnv1a((*before)[0].data(), (*before)[0].bytes()), sum_before);
  EXPECT_NE(fnv1a((*after)[0].data(), (*after)[0].bytes()), sum_before);
  EXPECT_EQ(shm_files().size(), 2u);
}

// Children block on a pipe until the parent closes it, so all of them ask at
// the same instant; each reports "<loaded_here> <checksum>".
TEST_F(CacheTest, ConcurrentColdStartLoadsEachDatasetExactlyOnce) {
  constexpr int kChildren = 6;
  int gate[2], report[2];
  ASSERT_EQ(0, pipe(gate));
  ASSERT_EQ(0, pipe(report));
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(gate[1]);
      char c;
      (void)!read(gate[0], &c, 1);  // returns 0 when the parent closes the gate
      auto ds = open_shared(h5_, {"images", "heatmaps"}, options_);
      char line[128];
      int n = ds.ok() ? snprintf(line, sizeof line, "%d %d %llx\n", (*ds)[0].loaded_here(), (*ds)[1].loaded_here(),
                                 static_cast<unsigned long long>(fnv1a((*ds)[0].data(), (*ds)[0].bytes()) ^
                                                                 fnv1a((*ds)[1].data(), (*ds)[1].bytes())))
                      : snprintf(line, sizeof line, "error\n");
      (void)!write(report[1], line, static_cast<size_t>(n));
      _exit(ds.ok() ? 0 : 1);
    }
    pids.push_back(pid);
  }
  close(gate[0]);
  close(report[1]);
  close(gate[1]);
  std::string all;
  char buf[512];
  ssize_t n;
  while ((n = read(report[0], buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
  close(report[0]);
  for (pid_t p : pids) {
    int st;
    waitpid(p, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  int loaded_images = 0, loaded_heatmaps = 0;
  std::set<std::string> sums;
  std::istringstream lines(all);
  std::string a, b, sum;
  int count = 0;
  while (lines >> a >> b >> sum) {
    loaded_images += a == "1";
    loaded_heatmaps += b == "1";
    sums.insert(sum);
    ++count;
  }
  EXPECT_EQ(count, kChildren) << all;
  EXPECT_EQ(loaded_images, 1) << all;
  EXPECT_EQ(loaded_heatmaps, 1) << all;
  EXPECT_EQ(sums.size(), 1u) << all;
  EXPECT_EQ(shm_files().size(), 2u);
}

}  // namespace
}  // namespace glint
