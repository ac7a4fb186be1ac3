// The make_glint_dataset program, run as a real process.
#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/child_process.h"
#include "support/synth/h5_read_testing.h"
#include "support/temp_dir.h"

namespace glint::synth {
namespace {

using glint::testing::built_program;
using glint::testing::run_process;
using glint::synth::testing::file_bytes;
using glint::synth::testing::read_dataset;

glint::testing::ProcessResult run(const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(built_program("bin/make_glint_dataset"));
  for (const std::string& arg : args) argv.push_back(arg);
  return run_process(argv);
}

size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

TEST(MakeGlintDatasetTest, HelpDescribesTheOptions) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"OUT", "--count", "--size", "--glints", "--image-dtype",
                             "--heatmap-dtype", "--compress", "--seed", "--sigma", "--preset",
                             "--force", "--preview"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

TEST(MakeGlintDatasetTest, ZeroCountIsOneClearLine) {
  glint::testing::TempDir dir;
  const auto r = run({dir.file("out.h5"), "--count", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("--count 0: expected a whole number from 1 to 4294967296"), std::string::npos) << r.err;
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(MakeGlintDatasetTest, BadGlintRangeIsOneClearLine) {
  glint::testing::TempDir dir;
  const auto r = run({dir.file("out.h5"), "--glints", "5-2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("expected MIN-MAX"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'5-2'"), std::string::npos) << r.err;
}

TEST(MakeGlintDatasetTest, WritesTheRequestedLayout) {
  glint::testing::TempDir dir;
  const std::string out = dir.file("out.h5");
  const auto r = run({out, "--count", "6", "--size", "24", "--glints", "2-5", "--image-dtype",
                      "float32", "--heatmap-dtype", "float32", "--seed", "9", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote " + out), std::string::npos) << r.out;
  EXPECT_EQ(read_dataset(out, "images").shape, (std::vector<hsize_t>{6, 24, 24}));
  EXPECT_EQ(read_dataset(out, "images").type_size, 4u);
  EXPECT_EQ(read_dataset(out, "heatmaps").type_size, 4u);
  EXPECT_EQ(read_dataset(out, "glints").shape, (std::vector<hsize_t>{6, 5, 2}));
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{"out.h5"}));
}

TEST(MakeGlintDatasetTest, SeedPresetKeepsItsTypesWithASmallerCount) {
  glint::testing::TempDir dir;
  const std::string out = dir.file("seed.h5");
  const auto r = run({out, "--preset", "seed", "--count", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto images = read_dataset(out, "images");
  EXPECT_EQ(images.shape, (std::vector<hsize_t>{2, 256, 256}));
  EXPECT_EQ(images.type_class, H5T_FLOAT);
  EXPECT_EQ(images.type_size, 4u);
  EXPECT_TRUE(read_dataset(out, "heatmaps").half);
}

TEST(MakeGlintDatasetTest, ExistingOutputNeedsForce) {
  glint::testing::TempDir dir;
  const std::string out = dir.file("out.h5");
  std::ofstream(out) << "keep me";
  const auto refused = run({out, "--count", "2", "--size", "16"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "make_glint_dataset: '" + out + "' already exists: pass --force to overwrite it\n");
  EXPECT_EQ(file_bytes(out), "keep me");
  const auto forced = run({out, "--count", "2", "--size", "16", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(read_dataset(out, "images").shape, (std::vector<hsize_t>{2, 16, 16}));
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{"out.h5"}));
}

TEST(MakeGlintDatasetTest, ASizeTheDefaultDepthCannotTrainIsNamed) {
  glint::testing::TempDir dir;
  const auto odd = run({dir.file("a.h5"), "--count", "2", "--size", "60", "--quiet"});
  EXPECT_EQ(odd.exit_code, 0) << odd.err;
  EXPECT_EQ(odd.err, "make_glint_dataset: note: 60x60 images train only with --depth 2 or less "
                     "(train_glint_unet's default --depth 3 needs a multiple of 8, such as 64)\n");
  const auto none = run({dir.file("b.h5"), "--count", "2", "--size", "17", "--quiet"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.err, "make_glint_dataset: note: 17x17 images do not divide by 2, so no UNet depth fits them; "
                      "use a --size that is a multiple of 8, such as 16\n");
  const auto fits = run({dir.file("c.h5"), "--count", "2", "--size", "24", "--quiet"});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_EQ(fits.err, "");
}

TEST(MakeGlintDatasetTest, MissingDirectoryIsOneLineAndLeavesNothing) {
  glint::testing::TempDir dir;
  const auto r = run({dir.file("missing/out.h5"), "--count", "2", "--size", "16"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "make_glint_dataset: cannot create a temporary file in the output directory '" +
                       dir.file("missing") + "': No such file or directory\n");
  EXPECT_TRUE(entries(dir.path()).empty());
}

// A file size limit makes the write fail half way, like a full disk.
TEST(MakeGlintDatasetTest, FailedWriteLeavesNoFile) {
  glint::testing::TempDir dir;
  const std::string out = dir.file("out.h5");
  const auto r = run_process({"/bin/sh", "-c",
                              "trap '' XFSZ; ulimit -f 200; exec \"$0\" \"$1\" --count 50 "
                              "--size 64 --quiet",
                              built_program("bin/make_glint_dataset"), out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'" + out + "'"), std::string::npos) << r.err;
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(MakeGlintDatasetTest, InterruptRemovesTheTemporaryFile) {
  glint::testing::TempDir dir;
  const std::string out = dir.file("big.h5");
  glint::testing::Child child({built_program("bin/make_glint_dataset"), out, "--count", "20000",
                               "--size", "128", "--quiet"});
  // The temporary file appears only after the signal handlers are in place.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (entries(dir.path()).empty() && std::chrono::steady_clock::now() < deadline) {
    const timespec pause = {0, 1000000};
    nanosleep(&pause, nullptr);
  }
  ASSERT_FALSE(entries(dir.path()).empty()) << "the generator never started writing";
  child.kill(SIGINT);
  const auto r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("interrupted after "), std::string::npos) << r.err;
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(MakeGlintDatasetTest, PreviewIsAPngGridOfTheFirstSamples) {
  glint::testing::TempDir dir;
  const std::string png = dir.file("preview.png");
  const auto r = run({dir.file("out.h5"), "--count", "4", "--size", "32", "--preview", png});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = file_bytes(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
           (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 4u * 32 + 3 * 4);  // IHDR width: four images and three gaps
  EXPECT_EQ(be32(20), 32u);              // IHDR height: one row
}

}  // namespace
}  // namespace glint::synth
