// glint_predict as a real program: a model trained by train_glint_unet, real
// HDF5, PNG and CSV files, segments in a private shared-memory directory.
#include "support/predict/predict_testing.h"

namespace glint::predict::testing {
namespace {

TEST_F(GlintPredictTest, HelpUsesTheTrainersFlagNames) {
  const ProcessResult r = run_process({built_program("bin/glint_predict"), "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--model_path", "--h5", "--images", "--threads", "--indices", "--out", "--overlay",
                           "--png", "--batch", "--shared_memory", "--shm_dir", "--precision"}) {
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

TEST_F(GlintPredictTest, PrecisionIsSaidAndBf16Runs) {
  const ProcessResult fp32 = predict({"--h5", file("d.h5"), "--indices", "0:2", "--precision", "fp32"});
  ASSERT_EQ(fp32.exit_code, 0) << fp32.err;
  EXPECT_NE(fp32.out.find("; runs in fp32"), std::string::npos) << fp32.out;
  const ProcessResult bf16 = predict({"--h5", file("d.h5"), "--indices", "0:2", "--precision", "bf16"});
  if (bf16.exit_code != 0 && bf16.err.find("AVX512_BF16") != std::string::npos) {
    GTEST_SKIP() << "this CPU has no AVX512_BF16: " << bf16.err;
  }
  ASSERT_EQ(bf16.exit_code, 0) << bf16.err;
  EXPECT_NE(bf16.out.find("; runs in bf16 autocast"), std::string::npos) << bf16.out;
  EXPECT_NE(bf16.out.find("predicted 2 image(s)"), std::string::npos) << bf16.out;
}

TEST_F(GlintPredictTest, UnknownPrecisionIsOneLineAndExit2) {
  const ProcessResult r = predict({"--h5", file("d.h5"), "--precision", "fp16"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_of(r.err, "\n"), 1) << r.err;
  EXPECT_NE(r.err.find("--precision"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fp16"), std::string::npos) << r.err;
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

TEST_F(GlintPredictTest, HeatmapPeaksAreTheTruthWhenTheFileHasNoGlints) {
  TempDir dir;
  const auto bytes = [](const std::vector<float>& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    return std::vector<uint8_t>(p, p + v.size() * sizeof(float));
  };
  const auto n = static_cast<hsize_t>(kImages), s = static_cast<hsize_t>(kSize);
  glint::testing::write_h5(dir.file("maps.h5"),
                           {{"images", H5T_NATIVE_FLOAT, {n, s, s}, bytes(read_images(file("d.h5")))},
                            {"heatmaps", H5T_NATIVE_FLOAT, {n, 1, s, s}, bytes(read_images(file("d.h5"), "heatmaps"))}});
  ProcessResult r = predict({"--h5", dir.file("maps.h5"), "--out", dir.file("maps.csv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("truth: '/heatmaps'"), std::string::npos) << r.out;
  int64_t truths = 0;
  for (const auto& row : read_csv(dir.file("maps.csv"))) truths += row[7] == "hit" || row[7] == "missed";
  EXPECT_EQ(truths, kImages);  // one Gaussian per image
  // Without either dataset there is no truth, and the CSV has four columns.
  glint::testing::write_h5(dir.file("bare.h5"), {{"images", H5T_NATIVE_FLOAT, {n, s, s}, bytes(read_images(file("d.h5")))}});
  r = predict({"--h5", dir.file("bare.h5"), "--out", dir.file("bare.csv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("truth: none in the file"), std::string::npos) << r.out;
  EXPECT_EQ(read_csv(dir.file("bare.csv"))[0], (std::vector<std::string>{"sample", "x", "y", "score"}));
  // Heatmaps with another row count are there but unusable: the line says so.
  const auto fewer = static_cast<hsize_t>(kImages - 1);
  const auto maps = read_images(file("d.h5"), "heatmaps");
  glint::testing::write_h5(
      dir.file("mism.h5"),
      {{"images", H5T_NATIVE_FLOAT, {n, s, s}, bytes(read_images(file("d.h5")))},
       {"heatmaps", H5T_NATIVE_FLOAT, {fewer, 1, s, s},
        bytes(std::vector<float>(maps.begin(), maps.begin() + static_cast<std::ptrdiff_t>(fewer * s * s)))}});
  r = predict({"--h5", dir.file("mism.h5"), "--out", dir.file("mism.csv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("truth: none usable ('/heatmaps' has " + std::to_string(kImages - 1) + " rows, the images " +
                       std::to_string(kImages) + ")"),
            std::string::npos)
      << r.out;
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

}  // namespace
}  // namespace glint::predict::testing
