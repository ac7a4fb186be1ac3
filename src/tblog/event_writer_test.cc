#include "tblog/event_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "probe/private_tmpfs.h"
#include "support/temp_dir.h"

namespace glint::tblog {
namespace {

using glint::testing::dir_entries;
using glint::testing::Findings;
using glint::testing::run_in_private_tmpfs;
using glint::testing::TempDir;

long count_lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(EventWriterTest, MakesTheRunFolderAndOneNamedEventFileStartingWithTheVersion) {
  TempDir dir;
  std::string path;
  {
    EventWriter writer(dir.file("runs/focal"));
    ASSERT_TRUE(writer.enabled()) << writer.error();
    path = writer.path();
  }
  const std::vector<std::string> names = dir_entries(dir.file("runs/focal"));
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(dir.file("runs/focal/") + names[0], path);
  const std::regex pattern("events\\.out\\.tfevents\\.[0-9]{10}\\.[^.]+.*\\." + std::to_string(getpid()) +
                           "\\.[0-9]+");
  EXPECT_TRUE(std::regex_match(names[0], pattern)) << names[0];
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(bytes.find("brain.Event:2"), std::string::npos);
}

TEST(EventWriterTest, TwoWritersOfOneProcessGetTwoFiles) {
  TempDir dir;
  EventWriter a(dir.path()), b(dir.path());
  EXPECT_NE(a.path(), b.path());
  EXPECT_TRUE(a.enabled() && b.enabled());
}

TEST(EventWriterTest, AFolderThatCannotBeMadeGivesOneWarningAndNoLogging) {
  TempDir dir;
  std::ofstream(dir.file("file")) << "x";
  std::ostringstream warnings;
  EventWriter writer(dir.file("file/run"), {.buffer_bytes = 1 << 20, .warnings = &warnings});
  writer.scalar("loss", 1, 1);
  writer.start_session({{"lr", 0.1}});
  writer.end_session({{"loss", 0.5}}, 2);
  EXPECT_FALSE(writer.enabled());
  EXPECT_EQ(warnings.str(), "tensorboard: cannot create the folder " + dir.file("file/run") +
                                ": Not a directory; TensorBoard logging is off for this run\n");
}

// A real 64 KiB tmpfs in a private mount namespace fills up under images.
TEST(EventWriterTest, AFullDiskGivesOneWarningThenLoggingIsOffWithoutThrowing) {
  auto run = run_in_private_tmpfs(64 * 1024, [](const std::string& dir, Findings& f) {
    std::ostringstream warnings;
    EventWriter writer(dir + "/run", {.buffer_bytes = 4096, .warnings = &warnings});
    f.expect(writer.enabled(), "not enabled at the start: " + writer.error());
    const PngImage image{std::string(20000, 'p'), 10, 10, 3};
    for (int step = 0; step < 20; ++step) {
      writer.image("val/overlay", image, step);
      writer.scalar("train/loss", 1.0 / (step + 1), step);
    }
    writer.flush();
    f.expect(!writer.enabled(), "still enabled after 400 KB into 64 KiB");
    const std::string expected = "tensorboard: cannot write " + writer.path() +
                                 ": No space left on device; TensorBoard logging is off for this run\n";
    f.expect(warnings.str() == expected, "warning was: '" + warnings.str() + "' expected: '" + expected + "'");
    writer.scalar("train/loss", 1, 99);
    writer.end_session({{"best", 1}}, 99);
    f.expect(count_lines(warnings.str()) == 1, "more than one warning: " + warnings.str());
  });
  if (!run.skip_reason.empty()) GTEST_SKIP() << run.skip_reason;
  EXPECT_FALSE(run.crashed);
  for (const std::string& failure : run.failures) ADD_FAILURE() << failure;
}

}  // namespace
}  // namespace glint::tblog
