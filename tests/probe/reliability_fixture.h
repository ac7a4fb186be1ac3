// Common ground of the reliability tests: a private segment directory, an
// HDF5 file, and the probe's arguments to reach them.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "probe/private_tmpfs.h"
#include "probe/probe_client.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint::testing {

class ReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { h5_ = tmp_.file("data.h5"); }

  // Probe arguments for `h5` in this test's directories, then `extra`.
  std::vector<std::string> probe_args(const std::vector<std::string>& extra = {}) const {
    return args_for(h5_, shm_.path(), extra);
  }
  std::vector<std::string> args_for(const std::string& h5, const std::string& shm,
                                    const std::vector<std::string>& extra) const {
    std::vector<std::string> a = {"--h5", h5, "--shm-dir", shm, "--store-dir", tmp_.file("fingerprints")};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  std::set<std::string> shm_files() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(shm_.path())) out.insert(e.path().filename());
    return out;
  }

  TempDir tmp_;
  ShmDir shm_;
  std::string h5_;
};

// The checksum the probe prints for `bytes` (FNV-1a, 16 hex digits).
inline std::string checksum_of(const std::vector<uint8_t>& bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(bytes.data(), bytes.size())));
  return buf;
}

// Ends a test on the outcome of run_isolated: skipped with its reason (not
// root, no namespaces), its notes printed, each failure reported, and a
// failure if the isolated child died.
inline void report(const IsolatedRun& run) {
  if (!run.skip_reason.empty()) GTEST_SKIP() << run.skip_reason;
  for (const auto& n : run.notes) std::printf("[ NOTE     ] %s\n", n.c_str());
  for (const auto& f : run.failures) ADD_FAILURE() << f;
  EXPECT_FALSE(run.crashed) << "the isolated child died";
}

// "exit 1, stderr: ..." (or "exit -1 signal 9, ...") for a failure message.
inline std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.signaled ? " signal " + std::to_string(r.signal) : "") +
         ", stderr: " + r.err;
}

}  // namespace glint::testing
