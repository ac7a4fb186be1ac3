#include "util/atomic_file.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/temp_dir.h"

namespace glint {
namespace {

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") out.insert(name);
  }
  if (d) ::closedir(d);
  return out;
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFileTest, ReplacesTheTargetAndLeavesNoTemporaryFile) {
  testing::TempDir dir;
  const std::string path = dir.file("out.json");
  std::ofstream(path) << "old";
  ASSERT_TRUE(write_file_atomically(path, "new content").ok());
  EXPECT_EQ(contents(path), "new content");
  EXPECT_EQ(entries(dir.path()), std::set<std::string>{"out.json"});
}

TEST(AtomicFileTest, AbandonedFileLeavesTheOldContent) {
  testing::TempDir dir;
  const std::string path = dir.file("out.json");
  std::ofstream(path) << "old";
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.ok()) << file.status().message();
    EXPECT_EQ(file->temp_path().rfind(path + ".tmp.", 0), 0u) << file->temp_path();
    ASSERT_TRUE(file->write("half").ok());
  }
  EXPECT_EQ(contents(path), "old");
  EXPECT_EQ(entries(dir.path()), std::set<std::string>{"out.json"});
}

TEST(AtomicFileTest, WithoutOverwriteAnExistingTargetIsKeptAndNamed) {
  testing::TempDir dir;
  const std::string path = dir.file("out.h5");
  auto file = AtomicFile::create(path, {.overwrite = false, .exists_hint = "pass --force"});
  ASSERT_TRUE(file.ok());
  std::ofstream(path) << "precious";  // appears while the new file is written
  const Status s = file->commit();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "'" + path + "' already exists: pass --force");
  EXPECT_EQ(contents(path), "precious");
}

TEST(AtomicFileTest, MissingDirectoryNamesTheTemporaryFileOrTheContext) {
  testing::TempDir dir;
  const std::string path = dir.file("missing/out.h5");
  auto plain = AtomicFile::create(path);
  EXPECT_EQ(plain.status().code(), Code::kNotFound);
  EXPECT_EQ(plain.status().message().rfind("cannot create " + path + ".tmp.", 0), 0u)
      << plain.status().message();
  auto named = AtomicFile::create(path, {}, "cannot create a temporary file in the output directory");
  EXPECT_EQ(named.status().message(), "cannot create a temporary file in the output directory '" +
                                          dir.file("missing") + "': No such file or directory");
}

}  // namespace
}  // namespace glint
