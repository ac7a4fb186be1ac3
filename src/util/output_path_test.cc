#include "util/output_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace glint {
namespace {

struct Dir {
  std::string path;
  Dir() {
    char tmpl[] = "/tmp/glint_output_path_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Dir() {
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(path);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

TEST(OutputPathTest, AFileInAWritableDirectoryIsFineAndNothingIsLeft) {
  Dir d;
  EXPECT_EQ(file_output_problem(d.file("m.pt"), "model.pt"), "");
  std::ofstream(d.file("old.pt")) << "x";
  EXPECT_EQ(file_output_problem(d.file("old.pt"), "model.pt"), "");  // replaced later
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path), {}), 1);
}

TEST(OutputPathTest, EachProblemIsNamed) {
  Dir d;
  EXPECT_EQ(file_output_problem("", "model.pt"), "is empty; give a file path such as model.pt");
  EXPECT_EQ(file_output_problem(d.path, "model.pt"),
            "is a directory; give a file path such as " + d.path + "/model.pt");
  EXPECT_EQ(file_output_problem(d.file("no/m.pt"), "model.pt"),
            "directory " + d.file("no") + " does not exist; create it first");
  std::ofstream(d.file("plain")) << "x";
  EXPECT_EQ(file_output_problem(d.file("plain/m.pt"), "model.pt"), d.file("plain") + " is not a directory");
  // A special file system refuses new files even to root.
  EXPECT_NE(file_output_problem("/proc/m.pt", "model.pt").find("cannot create a file in /proc ("),
            std::string::npos);
}

TEST(OutputPathTest, APermissionProblemIsFoundByTrying) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere permissions allow nobody else";
  Dir d;
  ::chmod(d.path.c_str(), 0500);
  EXPECT_NE(file_output_problem(d.file("m.pt"), "model.pt").find("Permission denied"), std::string::npos);
}

TEST(OutputPathTest, DirectoriesAreCreatedUnderTheNearestExistingOne) {
  Dir d;
  EXPECT_EQ(directory_output_problem(d.file("a/b/c")), "");
  EXPECT_FALSE(std::filesystem::exists(d.file("a")));  // checked, not created
  std::ofstream(d.file("plain")) << "x";
  EXPECT_EQ(directory_output_problem(d.file("plain")), "is a file, not a directory");
  EXPECT_EQ(directory_output_problem(d.file("plain/sub")), d.file("plain") + " is not a directory");
  EXPECT_NE(directory_output_problem("/proc/overlays").find("cannot create a file in /proc"), std::string::npos);
  EXPECT_EQ(directory_output_problem(""), "is empty; give a directory");
}

}  // namespace
}  // namespace glint
