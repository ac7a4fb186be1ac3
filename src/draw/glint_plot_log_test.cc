// glint_plot_log as a real program on log files in train_glint_unet's format.
#include <gtest/gtest.h>

#include <png.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace glint::draw {
namespace {

using glint::testing::built_program;
using glint::testing::ProcessResult;
using glint::testing::run_process;
using glint::testing::TempDir;

// One line as train_log.cc writes it (null where there is no validation).
std::string epoch_line(int epoch, bool validation, bool partial = false) {
  const std::string v = validation ? std::to_string(1.0 / epoch) : "null";
  return "{\"epoch\":" + std::to_string(epoch) + ",\"epochs\":5,\"partial\":" + (partial ? "true" : "false") +
         ",\"train_loss\":" + std::to_string(2.0 / epoch) + ",\"val_loss\":" + v + ",\"loc_error_px\":" + v +
         ",\"loc_error_all_px\":" + v + ",\"precision\":" + v + ",\"recall\":" + v + ",\"f1\":" + v + "}\n";
}

// Width and height from the PNG header.
std::pair<int, int> png_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[24] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  const auto be = [&](int at) { return h[at] << 24 | h[at + 1] << 16 | h[at + 2] << 8 | h[at + 3]; };
  return {be(16), be(20)};
}

// A log of `epochs` epochs whose losses are scaled by `k` (one run of a sweep).
std::string run_log(int epochs, double k, bool peak_memory) {
  std::string out;
  for (int e = 1; e <= epochs; ++e) {
    out += "{\"epoch\":" + std::to_string(e) + ",\"epochs\":" + std::to_string(epochs) +
           ",\"train_loss\":" + std::to_string(2 * k / e) + ",\"val_loss\":" + std::to_string(k / e + 0.1 * e) +
           ",\"loc_error_px\":" + std::to_string(1 + k / e) + ",\"precision\":0.9,\"recall\":0.8,\"f1\":" +
           std::to_string(1 - k / (2 * e)) + ",\"samples_per_s\":" + std::to_string(10.0 * e) +
           (peak_memory ? ",\"peak_rss_mib\":" + std::to_string(400 + e) : std::string()) + "}\n";
  }
  return out;
}

// The PNG's pixels as RGB triplets (libpng's simplified reader).
std::vector<uint8_t> png_rgb(const std::string& path, int& width, int& height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return {};
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) return {};
  width = static_cast<int>(image.width);
  height = static_cast<int>(image.height);
  return rgb;
}

long count_color(const std::vector<uint8_t>& rgb, uint8_t r, uint8_t g, uint8_t b) {
  long n = 0;
  for (size_t i = 0; i + 2 < rgb.size(); i += 3) n += rgb[i] == r && rgb[i + 1] == g && rgb[i + 2] == b;
  return n;
}

ProcessResult plot(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {built_program("bin/glint_plot_log")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

TEST(GlintPlotLogTest, ALogBecomesAPngNextToIt) {
  TempDir dir;
  // A resumed run wrote epoch 3 twice: the last line wins.
  std::ofstream(dir.file("run.jsonl")) << epoch_line(1, true) << epoch_line(2, true) << epoch_line(3, true, true)
                                       << epoch_line(3, true) << epoch_line(4, true);
  const ProcessResult r = plot({dir.file("run.jsonl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote " + dir.file("run.png") + "\n");
  EXPECT_EQ(png_size(dir.file("run.png")), std::make_pair(760, 30 + 3 * 210 + 2 * 34 + 44));
}

TEST(GlintPlotLogTest, ARunWithoutValidationStillPlotsItsLoss) {
  TempDir dir;
  std::ofstream(dir.file("noval.jsonl")) << epoch_line(1, false) << epoch_line(2, false);
  const ProcessResult r = plot({dir.file("noval.jsonl"), "-o", dir.file("x.png"), "--title", "no validation"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(png_size(dir.file("x.png")).first, 760);
}

TEST(GlintPlotLogTest, BadLogsGiveOneLineNamingTheFile) {
  TempDir dir;
  std::ofstream(dir.file("empty.jsonl")) << "";
  std::ofstream(dir.file("text.jsonl")) << epoch_line(1, true) << "not json\n";
  std::ofstream(dir.file("other.jsonl")) << "{\"loss\": 1}\n";
  std::ofstream(dir.file("ok.jsonl")) << epoch_line(1, true);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{dir.file("empty.jsonl")}, dir.file("empty.jsonl") + ": no epochs logged yet"},
      {{dir.file("text.jsonl")}, dir.file("text.jsonl") + ":2: not a line of train_glint_unet --log"},
      {{dir.file("other.jsonl")}, dir.file("other.jsonl") + ":1: not a line of train_glint_unet --log"},
      {{dir.file("none.jsonl")}, dir.file("none.jsonl") + ": cannot read"},
      {{dir.file("ok.jsonl"), "-o", dir.file("no/dir/x.png")}, "-o: cannot create " + dir.file("no/dir/x.png")},
      {{}, "log is required"},
  };
  for (const auto& [args, message] : cases) {
    const ProcessResult r = plot(args);
    EXPECT_NE(r.exit_code, 0) << message;
    EXPECT_EQ(r.err.rfind("glint_plot_log: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\ngot: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(GlintPlotLogTest, SeveralLogsAreOverlaidOneColourPerRun) {
  TempDir dir;
  std::ofstream(dir.file("focal.jsonl")) << run_log(6, 1.0, false);
  std::ofstream(dir.file("hybrid.jsonl")) << run_log(8, 1.5, true);
  std::ofstream(dir.file("lr_high.jsonl")) << run_log(4, 0.5, true);
  const ProcessResult r = plot({dir.file("focal.jsonl"), dir.file("hybrid.jsonl"), dir.file("lr_high.jsonl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote " + dir.file("runs.png") + "\n");
  int width = 0, height = 0;
  const std::vector<uint8_t> rgb = png_rgb(dir.file("runs.png"), width, height);
  ASSERT_FALSE(rgb.empty());
  EXPECT_EQ(width, 760);
  EXPECT_GE(height, 30 + 3 * 210 + 2 * 34 + 44);
  // tab10's first three colours, in the order of the logs: lines, points and legend samples.
  EXPECT_GT(count_color(rgb, 31, 119, 180), 500);
  EXPECT_GT(count_color(rgb, 255, 127, 14), 500);
  EXPECT_GT(count_color(rgb, 44, 160, 44), 500);
  EXPECT_EQ(count_color(rgb, 214, 39, 40), 0) << "a fourth run colour in a chart of three runs";
}

TEST(GlintPlotLogTest, TableHasOneRowPerRunAtItsBestValidationEpoch) {
  TempDir dir;
  std::ofstream(dir.file("focal.jsonl")) << run_log(6, 1.0, false);   // val 1/e + 0.1e: best at epoch 3
  std::ofstream(dir.file("hybrid.jsonl")) << run_log(8, 1.6, true);   // best at epoch 4
  const std::vector<std::string> logs = {dir.file("focal.jsonl"), dir.file("hybrid.jsonl")};
  std::vector<std::string> args = logs;
  args.insert(args.begin(), {"--table", "--format", "csv"});
  ProcessResult r = plot(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run,epochs,best_val_loss,best_epoch,loc_error_px,precision,recall,f1,samples_per_s,peak_memory_mib\n"
            "focal,6,0.6333,3,1.33,0.900,0.800,0.833,35.0,\n"
            "hybrid,8,0.8000,4,1.40,0.900,0.800,0.800,45.0,408\n");
  args = logs;
  args.insert(args.begin(), {"--table", "--format", "markdown"});
  r = plot(args);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "| run | epochs | best val loss | at epoch | px error | P | R | F1 | samples/s | peak MiB |");
  EXPECT_NE(r.out.find("| focal | 6 | 0.6333 | 3 | 1.33 | 0.900 | 0.800 | 0.833 | 35.0 | n/a |"), std::string::npos)
      << r.out;
  args = logs;
  args.insert(args.begin(), "--table");
  r = plot(args);
  EXPECT_NE(r.out.find("hybrid       8         0.8000         4"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs.png"))) << "--table without -o draws nothing";
}

TEST(GlintPlotLogTest, ABadLogAmongSeveralIsNamedInOneLine) {
  TempDir dir;
  std::ofstream(dir.file("ok.jsonl")) << run_log(3, 1.0, false);
  std::ofstream(dir.file("bad.jsonl")) << run_log(2, 1.0, false) << "{\"loss\": 1}\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{dir.file("ok.jsonl"), dir.file("bad.jsonl")}, dir.file("bad.jsonl") + ":3: not a line of train_glint_unet"},
      {{"--table", dir.file("ok.jsonl"), dir.file("gone.jsonl")}, dir.file("gone.jsonl") + ": cannot read"},
      {{"--format", "csv", dir.file("ok.jsonl")}, "--format requires --table"},
      {{"--table", "--format", "xml", dir.file("ok.jsonl")}, "--format xml: expected one of text, csv, markdown"},
  };
  for (const auto& [args, message] : cases) {
    const ProcessResult r = plot(args);
    EXPECT_NE(r.exit_code, 0) << message;
    EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\ngot: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace glint::draw
