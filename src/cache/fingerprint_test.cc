#include "glint/fingerprint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

class FingerprintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_.file("data.bin");
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 300000; ++i) out.put(static_cast<char>(i * 7));
    options_.store_dir = tmp_.file("store");
  }
  // A fresh file is "racy" (changed within the timestamp granularity of the
  // hash), so its first fingerprints are not trusted; a few hashes later one is.
  Fingerprint remembered_after_hashing() {
    for (int i = 0; i < 1000; ++i) {
      auto fp = fingerprint_file(path_, options_);
      EXPECT_TRUE(fp.ok());
      if (fp->remembered) return *fp;
    }
    ADD_FAILURE() << "fingerprint was never remembered";
    return {};
  }
  testing::TempDir tmp_;
  std::string path_;
  FingerprintOptions options_;
};

TEST_F(FingerprintTest, Md5MatchesMd5sum) {
  auto md5 = md5_file(path_);
  ASSERT_TRUE(md5.ok());
  auto r = testing::run_process({"/usr/bin/md5sum", path_});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(*md5, r.out.substr(0, 32));
  EXPECT_EQ(md5->size(), 32u);
}

TEST_F(FingerprintTest, IsRememberedPerFileIdentityAndForgottenWhenTheFileChanges) {
  Fingerprint fp = remembered_after_hashing();
  EXPECT_EQ(fp.md5, *md5_file(path_));
  { std::ofstream(path_, std::ios::app) << "more"; }
  auto changed = fingerprint_file(path_, options_);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->remembered);
  EXPECT_NE(changed->md5, fp.md5);
  EXPECT_EQ(changed->md5, *md5_file(path_));
}

TEST_F(FingerprintTest, RehashIgnoresTheStore) {
  remembered_after_hashing();
  options_.rehash = true;
  auto fp = fingerprint_file(path_, options_);
  ASSERT_TRUE(fp.ok());
  EXPECT_FALSE(fp->remembered);
}

TEST_F(FingerprintTest, PoisonedEntryInAStoreWritableByOthersIsIgnored) {
  Fingerprint good = remembered_after_hashing();
  // Somebody else could write here: the store must not be trusted any more.
  ASSERT_EQ(0, ::chmod(options_.store_dir.c_str(), 0777));
  for (const auto& e : std::filesystem::directory_iterator(options_.store_dir)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text.replace(text.find(good.md5), 32, std::string(32, 'f'));
    std::ofstream(e.path()) << text;
  }
  auto fp = fingerprint_file(path_, options_);
  ASSERT_TRUE(fp.ok());
  EXPECT_FALSE(fp->remembered);
  EXPECT_EQ(fp->md5, good.md5);
}

TEST_F(FingerprintTest, MissingFileAndDirectoryGiveClearErrors) {
  auto missing = fingerprint_file(tmp_.file("nope.h5"), options_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.h5"), std::string::npos);
  auto dir = fingerprint_file(tmp_.path(), options_);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace glint
