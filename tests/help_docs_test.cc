// The docs carry each program's --help; these tests run the program and
// compare, so that a flag added, renamed or re-described cannot leave its
// doc behind. To update a doc, paste the program's --help output over the
// fenced block that holds its "Usage:" line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/child_process.h"

namespace glint {
namespace {

using testing::built_program;
using testing::ProcessResult;
using testing::run_process;

std::string source_dir() {
  const char* src = std::getenv("GLINT_SOURCE_DIR");
  return src ? src : GLINT_SOURCE_DIR_DEFAULT;
}

// The fenced block of `doc` that holds "Usage: <program> ", "" when none does.
std::string documented_help(const std::string& doc, const std::string& program) {
  std::ifstream in(source_dir() + "/" + doc);
  std::string line;
  std::string block;
  bool inside = false;
  bool is_help = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (inside && is_help) return block;
      inside = !inside;
      block.clear();
      is_help = false;
      continue;
    }
    if (!inside) continue;
    if (line.rfind("Usage: " + program + " ", 0) == 0) is_help = true;
    block += line + "\n";
  }
  return "";
}

std::string without_trailing_newlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

void expect_doc_matches_help(const std::string& program, const std::string& doc) {
  const std::string path = built_program("bin/" + program);
  if (!std::filesystem::exists(path)) GTEST_SKIP() << program << " is not built here";
  const ProcessResult r = run_process({path, "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string documented = documented_help(doc, program);
  ASSERT_FALSE(documented.empty()) << doc << " has no fenced block with \"Usage: " << program << "\"";
  EXPECT_EQ(without_trailing_newlines(documented), without_trailing_newlines(r.out))
      << doc << ": its copy of " << program << " --help is out of date; paste the output above over it";
}

TEST(HelpDocsTest, TrainingDocHasTheTrainersHelp) {
  expect_doc_matches_help("train_glint_unet", "docs/TRAINING.md");
}

TEST(HelpDocsTest, PredictDocHasGlintPredictsHelp) {
  expect_doc_matches_help("glint_predict", "docs/PREDICT.md");
}

}  // namespace
}  // namespace glint
