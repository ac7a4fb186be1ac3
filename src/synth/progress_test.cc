#include "synth/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace glint::synth {
namespace {

std::string printed(bool terminal, void (*steps)(ProgressPrinter&)) {
  std::FILE* f = std::tmpfile();
  {
    ProgressPrinter p(f, terminal, "out.h5", std::chrono::milliseconds(0));
    steps(p);
    p.finish();
  }
  std::string text(4096, '\0');
  std::rewind(f);
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fclose(f);
  return text;
}

TEST(ProgressTest, LogGetsOneLinePerTenth) {
  const std::string text = printed(false, [](ProgressPrinter& p) {
    for (uint64_t done = 1; done <= 100; ++done) p.update(done, 100);
  });
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 10u) << text;
  EXPECT_EQ(text.rfind("out.h5: 10% (10/100 samples", 0), 0u) << text;
  EXPECT_NE(text.find("out.h5: 100% (100/100 samples"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(ProgressTest, TerminalGetsOneBarRedrawnInPlace) {
  const std::string text = printed(true, [](ProgressPrinter& p) {
    p.update(1, 4);
    p.update(4, 4);
  });
  EXPECT_EQ(text.find("\rout.h5 [#######"), 0u) << text;
  EXPECT_NE(text.find("100% 4/4"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

TEST(ProgressTest, QuickRunsPrintNothing) {
  std::FILE* f = std::tmpfile();
  {
    ProgressPrinter p(f, false, "out.h5", std::chrono::hours(1));
    p.update(100, 100);
    p.finish();
  }
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace glint::synth
