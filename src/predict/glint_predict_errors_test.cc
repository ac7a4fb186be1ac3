// glint_predict's bad inputs: one line on stderr, a non-zero exit, nothing left behind.
#include "support/predict/predict_testing.h"

namespace glint::predict::testing {
namespace {

class GlintPredictErrorsTest : public GlintPredictTest {};

TEST_F(GlintPredictErrorsTest, BadInputsGiveOneLineNamingTheInput) {
  TempDir dir;
  std::ofstream(dir.file("text.png")) << "not an image";
  std::vector<uint16_t> odd(30 * 30, 100);
  ASSERT_EQ(write_gray16_png(dir.file("cut.png"), 32, 32, std::vector<uint16_t>(32 * 32, 7)), "");
  std::filesystem::resize_file(dir.file("cut.png"), 60);
  ASSERT_EQ(write_gray16_png(dir.file("odd.png"), 30, 30, odd), "");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--h5", dir.file("none.h5")}, "glint_predict: --h5 " + dir.file("none.h5") + ": no such file (see --help)"},
      {{"--h5", file("d.h5"), "--indices", "0:99"}, "glint_predict: error: --indices 0:99: the file has only 12 rows"},
      {{"--h5", file("d.h5"), "--images", "nope"}, "glint_predict: error: --images: "},
      {{"--h5", file("d.h5"), "--model_path", dir.file("no.pt")}, "glint_predict: error: --model_path " + dir.file("no.pt")},
      {{dir.file("text.png")}, "glint_predict: error: " + dir.file("text.png") + ": neither PNG nor"},
      {{dir.file("cut.png")}, "glint_predict: error: " + dir.file("cut.png") + ": not a readable PNG (truncated or damaged)"},
      {{dir.file("odd.png")}, "glint_predict: error: image " + dir.file("odd.png") + " is 30x30 but a UNet of depth 2"},
      {{"--h5", file("d.h5"), dir.file("odd.png")}, "glint_predict: --h5 excludes files"},
      {{"--indices", "3", dir.file("odd.png")}, "glint_predict: --indices requires --h5"},
      {{"--threshold", "2", "--h5", file("d.h5")}, "glint_predict: --threshold 2: expected a number from 0 to 1 (see --help)"},
      {{}, "glint_predict: no input: give --h5 FILE or image files (see --help)"},
      {{"--h5", file("d.h5"), "--out", dir.file("no/dir/x.csv")}, "glint_predict: error: --out " + dir.file("no/dir/x.csv")},
      // Every output is checked before the file or the model is read.
      {{"--h5", file("d.h5"), "--out", dir.path()},
       "glint_predict: error: --out " + dir.path() + ": is a directory; give a file path such as " + dir.path() + "/glints.csv"},
      {{"--h5", file("d.h5"), "--out", "/proc/x.csv"}, "glint_predict: error: --out /proc/x.csv: cannot create a file in /proc ("},
      {{"--h5", file("d.h5"), "--png", dir.path()}, "glint_predict: error: --png " + dir.path() + ": is a directory"},
      {{"--h5", file("d.h5"), "--overlay", dir.file("odd.png")},
       "glint_predict: error: --overlay " + dir.file("odd.png") + ": is a file, not a directory"},
      {{"--h5", file("d.h5"), "--overlay", "/proc/overlays"}, "glint_predict: error: --overlay /proc/overlays: cannot create"},
  };
  for (const auto& [args, message] : cases) {
    ProcessResult r = predict(args);
    EXPECT_NE(r.exit_code, 0) << message;
    EXPECT_EQ(r.err.rfind(message, 0), 0u) << "expected: " << message << "\ngot: " << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1) << r.err;
  }
}

TEST_F(GlintPredictErrorsTest, FailureHalfWayLeavesNoCsvAndKeepsAnOlderOne) {
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
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace glint::predict::testing
