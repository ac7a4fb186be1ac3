// Datasets written with HDF5 filters that Debian ships as plugins load
// through HDF5's plugin path; a missing filter is named, with its package.
// The files are written by h5py, as users write them.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "glint/cache.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

// Debian's python3 with Debian's h5py: the HDF5 these plugins are built for
// (the project's environment has PyPI's h5py, with an HDF5 of its own).
constexpr const char* kPython = "/usr/bin/python3";

class FilterPluginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.shm_dir = shm_.path();
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
  }

  // Writes dataset "x" = arange(200 * 300) as float32, chunks of 10 rows,
  // with `compression` (an h5py argument). "" with the reason when h5py is missing.
  std::string write_with_h5py(const std::string& name, const std::string& compression, std::string* skip) {
    std::string path = tmp_.file(name);
    std::string script = "import h5py, numpy as np\n"
                         "with h5py.File('" + path + "', 'w') as f:\n"
                         "    f.create_dataset('x', data=np.arange(60000, dtype='<f4').reshape(200, 300),\n"
                         "                     chunks=(10, 300), compression=" + compression + ")\n";
    auto r = testing::run_process({kPython, "-c", script});
    if (r.exit_code != 0) *skip = "cannot write with h5py (" + r.err + ")";
    return path;
  }

  static std::vector<float> expected() {
    std::vector<float> v(60000);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
    return v;
  }

  void expect_loads(const std::string& path) {
    auto d = open_shared(path, {"x"}, options_);
    ASSERT_TRUE(d.ok()) << d.status().message();
    ASSERT_TRUE((*d)[0].loaded_here());
    auto want = expected();
    ASSERT_EQ((*d)[0].bytes(), want.size() * sizeof(float));
    EXPECT_EQ(0, std::memcmp((*d)[0].data(), want.data(), (*d)[0].bytes()));
  }

  testing::TempDir tmp_;
  testing::ShmDir shm_;
  CacheOptions options_;
};

TEST_F(FilterPluginsTest, LzfWrittenByH5pyLoadsThroughDebiansPlugin) {
  std::string skip;
  std::string path = write_with_h5py("lzf.h5", "'lzf'", &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  expect_loads(path);
}

TEST_F(FilterPluginsTest, Lz4LoadsThroughDebiansPlugin) {
  std::string skip;
  std::string path = write_with_h5py("lz4.h5", "32004", &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  expect_loads(path);
}

TEST_F(FilterPluginsTest, AMissingFilterIsNamedWithItsPackageAndNothingIsLeftBehind) {
  std::string skip;
  std::string path = write_with_h5py("lzf.h5", "'lzf'", &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  // A process whose HDF5 looks for plugins in an empty directory.
  auto r = testing::run_process({testing::built_program("bin/shm_manager"), "--load", "--h5", path, "--shm-dir",
                                 shm_.path()},
                                {"HDF5_PLUGIN_PATH=" + tmp_.path(), "XDG_CACHE_HOME=" + tmp_.file("cache")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("dataset '/x' of " + path + " cannot be loaded: it is compressed with the HDF5 filter LZF "
                       "(id 32000), which is not available: install the Debian package hdf5-plugin-lzf"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("HDF5 looks for filter plugins in " + tmp_.path()), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("truncated or damaged"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(shm_.path()));
}

}  // namespace
}  // namespace glint
