// glint_predict as a real program: a model trained by train_glint_unet, real
// HDF5, PNG and CSV files, segments in a private shared-memory directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "predict/image_file.h"
#include "support/child_process.h"
#include "support/temp_dir.h"
#include "train/trainer_test_data.h"

namespace glint::predict {
namespace {

using glint::testing::built_program;
using glint::testing::ProcessResult;
using glint::testing::run_process;
using glint::testing::ShmDir;
using glint::testing::TempDir;

constexpr int64_t kImages = 12;
constexpr int64_t kSize = 32;

class GlintPredictTest : public ::testing::Test {
 protected:
  // One small file and one model trained on it for the whole suite.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    train::testdata::write_glint_set(dir_->file("d.h5"), {.count = kImages, .size = kSize});
    const ProcessResult r = run_process(
        {built_program("bin/train_glint_unet"), "--h5", dir_->file("d.h5"), "--epochs", "3", "--batch", "4",
         "--lr", "0.01", "--base_channels", "4", "--depth", "2", "--threads", "1", "--num_workers", "0",
         "--val_split", "0", "--progress", "off", "--model_path", dir_->file("m.pt"), "--fingerprint_dir",
         dir_->file("xdg/glint/fingerprints")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string file(const std::string& name) { return dir_->file(name); }

  // glint_predict with the suite's model and one thread, then `args`.
  static ProcessResult predict(std::vector<std::string> args) {
    if (std::find(args.begin(), args.end(), "--model_path") == args.end()) {
      args.insert(args.begin(), {"--model_path", file("m.pt")});
    }
    args.insert(args.begin(), {built_program("bin/glint_predict"), "--threads", "1", "--fingerprint_dir",
                               file("xdg/glint/fingerprints")});
    return run_process(args);
  }

  static TempDir* dir_;
};

TempDir* GlintPredictTest::dir_ = nullptr;

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

// The float32 images of a file written by write_glint_set, read with the HDF5 C API.
std::vector<float> read_images(const std::string& path) {
  std::vector<float> all(kImages * kSize * kSize);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, "images", H5P_DEFAULT);
  const herr_t read = H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
  H5Dclose(d);
  H5Fclose(f);
  if (read < 0) throw std::runtime_error("cannot read the images of " + path);
  return all;
}

int64_t count_of(const std::string& text, const std::string& what) {
  int64_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(GlintPredictTest, HelpUsesTheTrainersFlagNames) {
  const ProcessResult r = run_process({built_program("bin/glint_predict"), "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--model_path", "--h5", "--images", "--threads", "--indices", "--out", "--overlay",
                           "--png", "--batch", "--shared_memory", "--shm_dir"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(GlintPredictTest, WholeFileByDefaultAndCsvScoresEveryGlintAgainstTheTruth) {
  const ProcessResult r = predict({"--h5", file("d.h5"), "--out", file("all.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(count_of(r.out, "\nimage "), kImages);
  EXPECT_NE(r.out.find("predicted 12 image(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("truth: '/glints'"), std::string::npos) << r.out;
  const auto rows = read_csv(file("all.csv"));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sample", "x", "y", "score", "true_x", "true_y", "distance_px",
                                               "match"}));
  // Every true glint (one per image) is in exactly one row: hit or missed.
  int64_t truths = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 8u) << i;
    const std::string& match = rows[i][7];
    ASSERT_TRUE(match == "hit" || match == "missed" || match == "false_positive") << match;
    if (match != "false_positive") ++truths;
    if (match == "hit") {
      EXPECT_LE(std::stod(rows[i][6]), 3.0);
    }
  }
  EXPECT_EQ(truths, kImages);
}

TEST_F(GlintPredictTest, IndicesSelectRowsAndBatchSizeDoesNotChangeTheGlints) {
  ProcessResult r = predict({"--h5", file("d.h5"), "--indices", "3:5,9", "--batch", "1", "--out", file("b1.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("image 3:"), std::string::npos);
  EXPECT_NE(r.out.find("image 9:"), std::string::npos);
  EXPECT_EQ(r.out.find("image 5:"), std::string::npos);
  r = predict({"--h5", file("d.h5"), "--indices", "3:5,9", "--batch", "3", "--out", file("b3.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto one = read_csv(file("b1.csv")), three = read_csv(file("b3.csv"));
  ASSERT_EQ(one.size(), three.size());
  for (size_t i = 1; i < one.size(); ++i) {
    EXPECT_TRUE(one[i][0] == "3" || one[i][0] == "4" || one[i][0] == "9") << one[i][0];
    EXPECT_EQ(one[i][0], three[i][0]);
    for (size_t c = 1; c < 4; ++c) {
      if (!one[i][c].empty()) {
        EXPECT_NEAR(std::stod(one[i][c]), std::stod(three[i][c]), 1e-3) << i << "," << c;
      }
    }
  }
}

TEST_F(GlintPredictTest, PngFilesOfTheRowsGiveTheSameGlintsAsTheFile) {
  TempDir pngs;
  std::vector<std::string> args = {"--out", pngs.file("files.csv")};
  // Rows 2 and 7 of the file (float32 in [0, 1]) as 16-bit PNGs: 1/65535 apart.
  const std::vector<float> all = read_images(file("d.h5"));
  for (int64_t row : {2, 7}) {
    std::vector<uint16_t> px(kSize * kSize);
    for (int64_t i = 0; i < kSize * kSize; ++i) {
      px[i] = static_cast<uint16_t>(std::lround(std::clamp(all[row * kSize * kSize + i], 0.0f, 1.0f) * 65535));
    }
    const std::string path = pngs.file("row" + std::to_string(row) + ".png");
    ASSERT_EQ(write_gray16_png(path, kSize, kSize, px), "");
    args.push_back(path);
  }
  ProcessResult r = predict(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 image file(s), no ground truth"), std::string::npos) << r.out;
  r = predict({"--h5", file("d.h5"), "--indices", "2,7", "--out", pngs.file("rows.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto from_files = read_csv(pngs.file("files.csv"));
  const auto from_rows = read_csv(pngs.file("rows.csv"));
  EXPECT_EQ(from_files[0], (std::vector<std::string>{"sample", "x", "y", "score"}));
  size_t predicted = 0;
  for (size_t i = 1; i < from_rows.size(); ++i) {
    if (from_rows[i][1].empty()) continue;  // a missed truth
    ASSERT_LT(predicted + 1, from_files.size());
    const auto& a = from_files[++predicted];
    EXPECT_EQ(a[0], pngs.file(from_rows[i][0] == "2" ? "row2.png" : "row7.png"));
    for (size_t c = 1; c < 4; ++c) EXPECT_NEAR(std::stod(a[c]), std::stod(from_rows[i][c]), 1e-2) << i;
  }
  EXPECT_EQ(predicted + 1, from_files.size());
}

TEST_F(GlintPredictTest, NanRowsOfTheGlintsDatasetAreNotGlints) {
  // The generator's layout: glints [N, K, 2], rows after the last glint NaN.
  TempDir dir;
  const std::vector<float> images = read_images(file("d.h5"));
  const std::vector<float> one =
      train::testdata::write_glint_set(dir.file("unused.h5"), {.count = kImages, .size = kSize});
  std::vector<float> glints(kImages * 3 * 2, std::nanf(""));
  for (int64_t i = 0; i < kImages; ++i) {
    glints[i * 6] = one[i * 2];
    glints[i * 6 + 1] = one[i * 2 + 1];
  }
  const auto bytes = [](const std::vector<float>& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    return std::vector<uint8_t>(p, p + v.size() * sizeof(float));
  };
  const auto n = static_cast<hsize_t>(kImages), s = static_cast<hsize_t>(kSize);
  glint::testing::write_h5(dir.file("padded.h5"), {{"images", H5T_NATIVE_FLOAT, {n, s, s}, bytes(images)},
                                                   {"glints", H5T_NATIVE_FLOAT, {n, 3, 2}, bytes(glints)}});
  const ProcessResult r = predict({"--h5", dir.file("padded.h5"), "--out", dir.file("p.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int64_t truths = 0;
  for (const auto& row : read_csv(dir.file("p.csv"))) {
    if (row[7] == "hit" || row[7] == "missed") ++truths;
    EXPECT_NE(row[4], "0.000") << "a NaN row read as a glint at (0, 0)";
  }
  EXPECT_EQ(truths, kImages);
}

TEST_F(GlintPredictTest, OverlayWritesOnePngPerImageAndPngOneSheet) {
  TempDir out;
  const ProcessResult r = predict({"--h5", file("d.h5"), "--indices", "0:3", "--overlay", out.file("ov"),
                                   "--png", out.file("sheet.png"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("image 0:"), std::string::npos);
  for (const char* name : {"000000.png", "000001.png", "000002.png"}) {
    const GrayImage g = read_gray_image(out.file("ov/") + name);
    EXPECT_EQ(g.width, 8 * kSize) << name;  // 32 px images are drawn 8x
  }
  EXPECT_FALSE(std::filesystem::exists(out.file("ov/000003.png")));
  const GrayImage sheet = read_gray_image(out.file("sheet.png"));
  EXPECT_EQ(sheet.width, 3 * 8 * kSize + 2 * 4);
}

TEST_F(GlintPredictTest, ReadsImagesFromSharedMemoryWhenATrainerLoadedThem) {
  ShmDir shm;
  ProcessResult r = predict({"--h5", file("d.h5"), "--shm_dir", shm.path(), "--out", file("plain.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("read from the file"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(shm.path()));  // never loads on its own
  r = run_process({built_program("bin/shm_manager"), "--load", "--h5", file("d.h5"), "--shm-dir", shm.path()},
                  {"XDG_CACHE_HOME=" + file("xdg")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = predict({"--h5", file("d.h5"), "--shm_dir", shm.path(), "--out", file("shared.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from shared memory (attached glint_"), std::string::npos) << r.out;
  EXPECT_EQ(read_csv(file("plain.csv")), read_csv(file("shared.csv")));
}

TEST_F(GlintPredictTest, SharedMemoryFlagLoadsTheImagesWhenAbsent) {
  ShmDir shm;
  const ProcessResult r = predict({"--h5", file("d.h5"), "--shm_dir", shm.path(), "--shared_memory",
                                   "--indices", "0", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from shared memory (loaded glint_"), std::string::npos) << r.out;
}

TEST_F(GlintPredictTest, BadInputsGiveOneLineNamingTheInput) {
  TempDir dir;
  std::ofstream(dir.file("text.png")) << "not an image";
  std::vector<uint16_t> odd(30 * 30, 100);
  ASSERT_EQ(write_gray16_png(dir.file("cut.png"), 32, 32, std::vector<uint16_t>(32 * 32, 7)), "");
  std::filesystem::resize_file(dir.file("cut.png"), 60);
  ASSERT_EQ(write_gray16_png(dir.file("odd.png"), 30, 30, odd), "");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--h5", dir.file("none.h5")}, "glint_predict: error: --h5: "},
      {{"--h5", file("d.h5"), "--indices", "0:99"}, "glint_predict: error: --indices 0:99: the file has only 12 rows"},
      {{"--h5", file("d.h5"), "--images", "nope"}, "glint_predict: error: --images: "},
      {{"--h5", file("d.h5"), "--model_path", dir.file("no.pt")}, "glint_predict: error: --model_path " + dir.file("no.pt")},
      {{dir.file("text.png")}, "glint_predict: error: " + dir.file("text.png") + ": neither PNG nor"},
      {{dir.file("cut.png")}, "glint_predict: error: " + dir.file("cut.png") + ": not a readable PNG (truncated or damaged)"},
      {{dir.file("odd.png")}, "glint_predict: error: image " + dir.file("odd.png") + " is 30x30 but a UNet of depth 2"},
      {{"--h5", file("d.h5"), dir.file("odd.png")}, "glint_predict: --h5 excludes files"},
      {{"--indices", "3", dir.file("odd.png")}, "glint_predict: --indices requires --h5"},
      {{"--threshold", "2", "--h5", file("d.h5")}, "glint_predict: --threshold: "},
      {{}, "glint_predict: no input: give --h5 FILE or image files (see --help)"},
      {{"--h5", file("d.h5"), "--out", dir.file("no/dir/x.csv")}, "glint_predict: error: --out " + dir.file("no/dir/x.csv")},
  };
  for (const auto& [args, message] : cases) {
    ProcessResult r = predict(args);
    EXPECT_NE(r.exit_code, 0) << message;
    EXPECT_EQ(r.err.rfind(message, 0), 0u) << "expected: " << message << "\ngot: " << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1) << r.err;
  }
}

TEST_F(GlintPredictTest, FailureHalfWayLeavesNoCsvAndKeepsAnOlderOne) {
  TempDir dir;
  ASSERT_EQ(write_gray16_png(dir.file("ok.png"), 32, 32, std::vector<uint16_t>(32 * 32, 9000)), "");
  ASSERT_EQ(write_gray16_png(dir.file("odd.png"), 30, 30, std::vector<uint16_t>(30 * 30, 9000)), "");
  std::ofstream(dir.file("old.csv")) << "kept\n";
  const ProcessResult r =
      predict({"--batch", "1", "--out", dir.file("old.csv"), dir.file("ok.png"), dir.file("odd.png")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("image " + dir.file("odd.png") + " is 30x30"), std::string::npos) << r.err;
  std::ifstream in(dir.file("old.csv"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "kept\n");
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace glint::predict
