// Every program says the project's version, the one of CMakeLists.txt.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/child_process.h"

namespace glint {
namespace {

TEST(VersionTest, EveryProgramPrintsItsNameAndTheProjectVersion) {
  for (const std::string name : {"shm_manager", "make_glint_dataset", "train_glint_unet", "glint_predict",
                                 "glint_plot_log"}) {
    const std::string path = testing::built_program("bin/" + name);
    if (name == "train_glint_unet" || name == "glint_predict") {
      if (!std::filesystem::exists(path)) continue;  // built without LibTorch
    }
    const testing::ProcessResult r = testing::run_process({path, "--version"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, name + " " + GLINT_EXPECTED_VERSION + "\n") << name;
    EXPECT_EQ(r.err, "") << name;
  }
}

}  // namespace
}  // namespace glint
