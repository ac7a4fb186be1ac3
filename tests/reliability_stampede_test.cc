// Scenarios 1 and 11: many processes at one instant on a cold cache, and a
// restart after every user was killed.
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

class StampedeTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    images_ = pattern_dataset("images", H5T_NATIVE_UINT8, {64, 64, 64}, 7);
    labels_ = pattern_dataset("labels", H5T_NATIVE_FLOAT, {64, 32}, 8);
    labels_.chunked_compressed = true;  // one dataset through each fill path
    write_h5(h5_, {images_, labels_});
  }
  FixtureDataset images_, labels_;
};

// All probes share one stdin pipe and block reading it; closing its write end
// releases them together.
TEST_F(StampedeTest, EightProcessesAtOneInstantLoadEachDatasetExactlyOnce) {
  constexpr int kProbes = 8;
  int gate[2];
  ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));  // the probes must not hold the write end
  std::vector<std::unique_ptr<Probe>> probes;
  for (int i = 0; i < kProbes; ++i) {
    probes.push_back(std::make_unique<Probe>(probe_args({"--gate", "--fill-step", "65536"}), gate[0]));
  }
  close(gate[0]);
  close(gate[1]);
  int loaded_images = 0, loaded_labels = 0;
  for (auto& p : probes) {
    ProbeReport r = p->read_report();
    ASSERT_TRUE(r.ok) << r.raw;
    ASSERT_EQ(r.datasets.size(), 2u) << r.raw;
    EXPECT_EQ(r.datasets[0].checksum, checksum_of(images_.bytes)) << r.raw;
    EXPECT_EQ(r.datasets[1].checksum, checksum_of(labels_.bytes)) << r.raw;
    loaded_images += r.datasets[0].loaded_here;
    loaded_labels += r.datasets[1].loaded_here;
    EXPECT_EQ(p->wait().exit_code, 0);
  }
  EXPECT_EQ(loaded_images, 1);
  EXPECT_EQ(loaded_labels, 1);
  // One segment per dataset, and no lock file or other leftover.
  EXPECT_EQ(shm_files().size(), 2u);
  for (const auto& f : shm_files()) EXPECT_EQ(f.find(".lock"), std::string::npos) << f;
}

TEST_F(StampedeTest, RestartAfterEveryUserWasKilledReusesCompleteSegments) {
  std::string expected_images;
  {
    std::vector<std::unique_ptr<Probe>> holders;
    for (int i = 0; i < 3; ++i) {
      holders.push_back(std::make_unique<Probe>(probe_args({"--hold"})));
      ProbeReport r = holders.back()->read_report();
      ASSERT_TRUE(r.ok) << r.raw;
      EXPECT_EQ(r.datasets[0].loaded_here, i == 0) << r.raw;
      expected_images = r.datasets[0].checksum;
    }
    for (auto& h : holders) {
      h->kill(SIGKILL);
      EXPECT_TRUE(h->wait().signaled);
    }
  }
  auto before = shm_files();
  EXPECT_EQ(before.size(), 2u);
  Probe next(probe_args());
  ProbeReport r = next.read_report();
  ASSERT_TRUE(r.ok) << r.raw;
  EXPECT_FALSE(r.datasets[0].loaded_here);
  EXPECT_FALSE(r.datasets[1].loaded_here);
  EXPECT_EQ(r.datasets[0].checksum, expected_images);
  EXPECT_EQ(r.datasets[0].checksum, checksum_of(images_.bytes));
  EXPECT_TRUE(r.warnings.empty()) << r.raw;
  EXPECT_EQ(shm_files(), before);
}

}  // namespace
}  // namespace glint::testing
