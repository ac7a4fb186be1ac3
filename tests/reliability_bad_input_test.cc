// Scenario 7: every bad input ends in one clear line (what, which input, why)
// and a non-zero exit of the probe, and leaves nothing in shared memory.
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

// A string and a compound dataset, written with the HDF5 C API directly.
void add_unsupported_datasets(const std::string& path) {
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  hsize_t n = 4;
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 8);
  char names[4][8] = {"a", "b", "c", "d"};
  hid_t ds = H5Dcreate2(file, "names", str, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(H5Dwrite(ds, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, names), 0);
  H5Dclose(ds);
  struct Pair {
    int32_t id;
    float score;
  } pairs[4] = {{1, 0.5f}, {2, 1.5f}, {3, 2.5f}, {4, 3.5f}};
  hid_t cmp = H5Tcreate(H5T_COMPOUND, sizeof(Pair));
  H5Tinsert(cmp, "id", HOFFSET(Pair, id), H5T_NATIVE_INT32);
  H5Tinsert(cmp, "score", HOFFSET(Pair, score), H5T_NATIVE_FLOAT);
  ds = H5Dcreate2(file, "pairs", cmp, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(H5Dwrite(ds, cmp, H5S_ALL, H5S_ALL, H5P_DEFAULT, pairs), 0);
  H5Dclose(ds);
  H5Tclose(cmp);
  H5Tclose(str);
  H5Sclose(space);
  H5Fclose(file);
}

class BadInputTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    images_ = pattern_dataset("images", H5T_NATIVE_UINT8, {64, 64, 64}, 31);
    auto nan = pattern_dataset("with_nan", H5T_NATIVE_FLOAT, {8, 8}, 32);
    const float q = std::nanf("");
    for (size_t i = 0; i < nan.bytes.size(); i += 12) std::memcpy(&nan.bytes[i], &q, sizeof q);
    nan_ = nan;
    write_h5(h5_, {images_, nan_, pattern_dataset("empty", H5T_NATIVE_FLOAT, {0, 8}, 33)});
    add_unsupported_datasets(h5_);
  }

  // Runs the probe; expects exit 1, `fragments` in its one stderr line, and an empty segment directory.
  void expect_refused(const std::string& what, const std::string& h5, const std::vector<std::string>& datasets,
                      const std::vector<std::string>& fragments) {
    std::vector<std::string> extra;
    if (!datasets.empty()) {
      std::string list;
      for (const auto& d : datasets) list += (list.empty() ? "" : ",") + d;
      extra = {"--datasets", list};
    }
    Probe p(args_for(h5, shm_.path(), extra));
    ProbeReport r = p.read_report();
    ProcessResult done = p.wait();
    EXPECT_FALSE(done.signaled) << what;
    EXPECT_EQ(done.exit_code, 1) << what;
    EXPECT_FALSE(r.ok) << what;
    EXPECT_EQ(done.err, r.error + "\n") << what << ": not one line";
    for (const auto& f : fragments) EXPECT_NE(r.error.find(f), std::string::npos) << what << ": " << r.error;
    EXPECT_TRUE(shm_files().empty()) << what;
    std::printf("[ MESSAGE  ] %s: %s\n", what.c_str(), r.error.c_str());
    ++cases_;
  }

  FixtureDataset images_, nan_;
  int cases_ = 0;
};

TEST_F(BadInputTest, EveryBadInputIsNamedAndLeavesNoSegment) {
  expect_refused("missing file", tmp_.file("nope.h5"), {"images"}, {tmp_.file("nope.h5")});
  expect_refused("directory", tmp_.path(), {"images"}, {tmp_.path(), "is a directory"});
  std::ofstream(tmp_.file("notes.txt")) << "this is not HDF5\n";
  expect_refused("not HDF5", tmp_.file("notes.txt"), {"images"}, {tmp_.file("notes.txt"), "is not an HDF5 file"});
  std::string cut = tmp_.file("cut.h5");
  write_h5(cut, {images_});
  ASSERT_EQ(0, ::truncate(cut.c_str(), 100 * 1024));
  expect_refused("truncated HDF5", cut, {"images"}, {cut, "truncated"});
  expect_refused("missing dataset", h5_, {"images", "labels"}, {"'/labels' not found in " + h5_, "/images"});
  expect_refused("empty dataset", h5_, {"empty"}, {"'/empty'", h5_, "is empty"});
  expect_refused("string dataset", h5_, {"names"}, {"'/names'", "string"});
  expect_refused("compound dataset", h5_, {"pairs"}, {"'/pairs'", "compound"});
  std::printf("[ FIGURES  ] bad_input_cases=%d\n", cases_);
}

TEST_F(BadInputTest, NanValuesAreDataAndLoad) {
  Probe p(probe_args({"--datasets", "with_nan"}));
  ProbeReport r = p.read_report();
  ASSERT_TRUE(r.ok) << r.raw;
  EXPECT_EQ(r.datasets[0].checksum, checksum_of(nan_.bytes));
  EXPECT_EQ(p.wait().exit_code, 0);
}

TEST_F(BadInputTest, WithoutDatasetListUnsupportedOnesAreSkipped) {
  Probe p(probe_args());
  ProbeReport r = p.read_report();
  ASSERT_TRUE(r.ok) << r.raw;
  std::set<std::string> names;
  for (const auto& d : r.datasets) names.insert(d.name);
  // "/empty" is numeric but empty: listed as an error would block everything.
  EXPECT_TRUE(names.count("/images") && names.count("/with_nan")) << r.raw;
  EXPECT_FALSE(names.count("/names") || names.count("/pairs")) << r.raw;
}

}  // namespace
}  // namespace glint::testing
