// The fixture of glint_predict's program tests: one small HDF5 file and a
// model trained on it by the real train_glint_unet, for a whole test suite.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "predict/image_file.h"
#include "support/child_process.h"
#include "support/temp_dir.h"
#include "support/train/glint_set_testing.h"

namespace glint::predict::testing {

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

  // glint_predict with the suite's model, one thread and fp32 (results
  // compared across batch sizes and inputs stay exact), then `args`; a
  // --model_path or --precision in `args` replaces the suite's.
  static ProcessResult predict(std::vector<std::string> args) {
    if (std::find(args.begin(), args.end(), "--model_path") == args.end()) {
      args.insert(args.begin(), {"--model_path", file("m.pt")});
    }
    if (std::find(args.begin(), args.end(), "--precision") == args.end()) {
      args.insert(args.begin(), {"--precision", "fp32"});
    }
    args.insert(args.begin(), {built_program("bin/glint_predict"), "--threads", "1", "--fingerprint_dir",
                               file("xdg/glint/fingerprints")});
    return run_process(args);
  }

  static inline TempDir* dir_ = nullptr;
};

inline std::vector<std::vector<std::string>> read_csv(const std::string& path) {
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

// A float32 dataset of a file written by write_glint_set ([N,H,W] images or
// [N,1,H,W] heatmaps), read with the HDF5 C API.
inline std::vector<float> read_images(const std::string& path, const char* dataset = "images") {
  std::vector<float> all(kImages * kSize * kSize);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const herr_t read = H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
  H5Dclose(d);
  H5Fclose(f);
  if (read < 0) throw std::runtime_error("cannot read the images of " + path);
  return all;
}

inline int64_t count_of(const std::string& text, const std::string& what) {
  int64_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace glint::predict::testing
