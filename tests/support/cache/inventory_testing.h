// A fixture for inventory tests: an HDF5 file, a private segment directory,
// and helpers to load segments with the real cache and to forge files.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "glint/cache.h"
#include "glint/inventory.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h5_ = tmp_.file("train.h5");
    write_source(h5_, /*seed=*/1);
    cache_.shm_dir = shm_.path();
    cache_.fingerprint.store_dir = tmp_.file("fingerprints");
  }

  static void write_source(const std::string& path, uint32_t seed, hsize_t rows = 8) {
    testing::write_h5(path, {testing::pattern_dataset("images", H5T_NATIVE_UINT8, {rows, 8, 8}, seed),
                             testing::pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {rows, 8, 8}, seed)});
  }

  std::vector<SharedDataset> load(const std::string& path) {
    auto shared = open_shared(path, {}, cache_);
    EXPECT_TRUE(shared.ok()) << shared.status().message();
    return shared.ok() ? std::move(*shared) : std::vector<SharedDataset>{};
  }

  std::vector<SegmentInfo> list(const std::string& md5 = "") {
    ListOptions options;
    options.shm_dir = shm_.path();
    options.md5 = md5;
    auto segments = list_segments(options);
    EXPECT_TRUE(segments.ok()) << segments.status().message();
    return segments.ok() ? std::move(*segments) : std::vector<SegmentInfo>{};
  }

  CleanupOptions cleanup_options() const {
    CleanupOptions options;
    options.shm_dir = shm_.path();
    return options;
  }

  const SegmentInfo* find(const std::vector<SegmentInfo>& segments, const std::string& file_name) {
    auto it = std::find_if(segments.begin(), segments.end(),
                           [&](const SegmentInfo& s) { return s.file_name == file_name; });
    return it == segments.end() ? nullptr : &*it;
  }

  // (POSIX calls: GCC 12 warns falsely inside <fstream> at -O2.)
  static void write_path(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  void write_file(const std::string& name, const std::string& bytes) {
    write_path(shm_.file(name), bytes);
  }

  static std::string read_file(const std::string& path) {
    std::string out;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    char buf[65536];
    ssize_t n = 0;
    while (fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    if (fd >= 0) ::close(fd);
    return out;
  }

  bool exists(const std::string& name) const {
    struct stat st;
    return ::lstat(shm_.file(name).c_str(), &st) == 0;
  }

  // Moves a file's access and modification times `seconds` into the past.
  static void age(const std::string& path, int64_t seconds) {
    timespec times[2];
    clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  std::string h5_;
  CacheOptions cache_;
};

}  // namespace glint
