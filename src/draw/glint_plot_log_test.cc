// glint_plot_log as a real program on log files in train_glint_unet's format.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

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

}  // namespace
}  // namespace glint::draw
