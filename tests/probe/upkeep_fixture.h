// Common ground of the upkeep tests: several HDF5 files of one 6 MiB dataset
// each, so that a private tmpfs of a chosen size holds only some of them.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "glint/segment_format.h"
#include "probe/reliability_fixture.h"

namespace glint::testing {

constexpr uint64_t kMiB = 1 << 20;

class UpkeepTest : public ReliabilityTest {
 protected:
  static constexpr int kFiles = 4;

  void SetUp() override {
    ReliabilityTest::SetUp();
    for (int i = 0; i < kFiles; ++i) {
      files_.push_back(tmp_.file("file" + std::to_string(i) + ".h5"));
      data_.push_back(pattern_dataset("x", H5T_NATIVE_UINT8, {96, 256, 256}, 100 + static_cast<uint32_t>(i)));
      write_h5(files_.back(), {data_.back()});
    }
  }

  // Runs one probe on file i in `dir` to completion; its report.
  ProbeReport open_file(int i, const std::string& dir, const std::vector<std::string>& extra = {}) {
    Probe p(args_for(files_[static_cast<size_t>(i)], dir, extra));
    ProbeReport r = p.read_report();
    p.wait();
    return r;
  }

  bool has_data_of(const ProbeReport& r, int i) const {
    return r.ok && r.datasets.size() == 1 && r.datasets[0].checksum == checksum_of(data_[static_cast<size_t>(i)].bytes);
  }

  // Segment names in `dir` (not lock files, not the journal).
  static std::vector<std::string> segments_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& name : dir_entries(dir)) {
      if (parse_segment_name(name).ok()) out.push_back(name);
    }
    return out;
  }

  static bool present(const std::string& dir, const std::string& segment) {
    struct stat st;
    return ::stat((dir + "/" + segment).c_str(), &st) == 0;
  }

  static std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : " | ") + i;
    return s;
  }

  std::vector<std::string> files_;
  std::vector<FixtureDataset> data_;
};

inline void report_run(const IsolatedRun& run) {
  if (!run.skip_reason.empty()) GTEST_SKIP() << run.skip_reason;
  for (const auto& n : run.notes) std::printf("[ NOTE     ] %s\n", n.c_str());
  for (const auto& f : run.failures) ADD_FAILURE() << f;
  EXPECT_FALSE(run.crashed) << "the isolated child died";
}

}  // namespace glint::testing
