// The tests' process helper itself (support/child_process.h): stdin pipes,
// a child that closed its stdin, the environment it gets.
#include "support/child_process.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

namespace glint::testing {
namespace {

TEST(ChildTest, StdinPipeCarriesLinesToTheChild) {
  Child cat({"/bin/cat"}, ChildOptions{.stdin_pipe = true});
  ASSERT_TRUE(cat.write_stdin("hello\n"));
  EXPECT_EQ(cat.read_line(), "hello");
  const ProcessResult r = cat.wait();  // closes stdin: cat ends
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.signaled);
}

TEST(ChildTest, WritingToAChildThatClosedItsStdinFailsWithoutKillingTheTest) {
  Child closer({"/bin/sh", "-c", "exec 0<&-; echo closed; sleep 30"}, ChildOptions{.stdin_pipe = true});
  ASSERT_EQ(closer.read_line(), "closed");
  EXPECT_FALSE(closer.write_stdin("anyone?\n"));  // EPIPE; SIGPIPE would end this process
  closer.kill(SIGKILL);
  EXPECT_TRUE(closer.wait().signaled);
}

TEST(ChildTest, ExtraEnvironmentReplacesTheTestsOwn) {
  ::setenv("GLINT_CHILD_TEST", "parent", 1);
  const ProcessResult r = run_process({"/usr/bin/env"}, {"GLINT_CHILD_TEST=child"});
  ::unsetenv("GLINT_CHILD_TEST");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("GLINT_CHILD_TEST=child\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("GLINT_CHILD_TEST=parent"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace glint::testing
