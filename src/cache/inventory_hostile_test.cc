// Files under segment names that are not valid segments: listed with a
// problem, never trusted, never followed, never hanging the listing.
#include <sys/stat.h>

#include "glint/inventory.h"
#include "support/cache/inventory_testing.h"

namespace glint {
namespace {

constexpr const char* kMd5 = "0123456789abcdef0123456789abcdef";

std::string name(const std::string& dataset) { return std::string("glint_") + kMd5 + "_" + dataset; }

class HostileTest : public InventoryTest {
 protected:
  // The bytes of a real segment, to forge variants of it.
  std::string real_segment() {
    auto views = load(h5_);
    return read_file(shm_.file(views.at(1).segment()));
  }

  SegmentInfo only(const std::string& file_name) {
    auto segments = list(kMd5);
    EXPECT_EQ(segments.size(), 1u);
    const SegmentInfo* info = find(segments, file_name);
    return info ? *info : SegmentInfo{};
  }
};

TEST_F(HostileTest, WrongMagicIsListedWithAProblem) {
  write_file(name("magic"), std::string(200, 'x'));
  SegmentInfo info = only(name("magic"));
  EXPECT_NE(info.problem.find("wrong magic (not a glint segment)"), std::string::npos) << info.problem;
  EXPECT_FALSE(info.layout);
  EXPECT_EQ(info.file_bytes, 200u);
  EXPECT_EQ(info.dataset, "/magic");
}

TEST_F(HostileTest, FileShorterThanTheHeaderIsListedWithAProblem) {
  write_file(name("tiny"), "GLINT");
  SegmentInfo info = only(name("tiny"));
  EXPECT_NE(info.problem.find("holds 5 bytes, less than the 64-byte header"), std::string::npos)
      << info.problem;
}

TEST_F(HostileTest, TruncatedSegmentIsListedWithAProblem) {
  write_file(name("truncated"), real_segment().substr(0, 100));
  SegmentInfo info = only(name("truncated"));
  EXPECT_NE(info.problem.find("but the segment holds 100"), std::string::npos) << info.problem;
}

TEST_F(HostileTest, TrailerForAnotherNameIsListedWithAProblem) {
  write_file(name("images"), real_segment());
  SegmentInfo info = only(name("images"));
  EXPECT_NE(info.problem.find("not what its name says"), std::string::npos) << info.problem;
  EXPECT_TRUE(info.layout);
  EXPECT_FALSE(info.trailer);
}

TEST_F(HostileTest, UnparsableTrailerIsListedWithAProblem) {
  std::string bytes = real_segment();
  auto segments = list();
  ASSERT_FALSE(segments.empty());
  uint32_t trailer = segments.back().layout->trailer_bytes;
  bytes.replace(bytes.size() - trailer, trailer, std::string(trailer, '!'));
  write_file(name("images"), bytes);
  SegmentInfo info = only(name("images"));
  EXPECT_NE(info.problem.find("segment trailer is not a JSON object"), std::string::npos) << info.problem;
}

TEST_F(HostileTest, SymlinkIsListedAndNeverFollowed) {
  ASSERT_EQ(::symlink(h5_.c_str(), shm_.file(name("link")).c_str()), 0);
  SegmentInfo info = only(name("link"));
  EXPECT_EQ(info.problem, "it is a symbolic link, not a segment (never followed)");
  EXPECT_EQ(info.file_bytes, 0u);
}

TEST_F(HostileTest, FifoDoesNotHangTheListing) {
  ASSERT_EQ(::mkfifo(shm_.file(name("fifo")).c_str(), 0600), 0);
  SegmentInfo info = only(name("fifo"));
  EXPECT_EQ(info.problem, "it is not a regular file");
}

TEST_F(HostileTest, LockFilesAndOtherNamesAreNotListed) {
  write_file(name("images") + ".lock", "");
  write_file("notes.txt", "hello");
  write_file("glint_not_a_segment", "hello");
  write_file("glint_0123456789ABCDEF0123456789ABCDEF_images", "upper-case md5");
  EXPECT_TRUE(list().empty());
}

TEST_F(HostileTest, MissingDirectoryIsAnError) {
  ListOptions options;
  options.shm_dir = shm_.file("missing");
  auto segments = list_segments(options);
  ASSERT_FALSE(segments.ok());
  EXPECT_EQ(segments.status().code(), Code::kNotFound);
  EXPECT_NE(segments.status().message().find(shm_.file("missing")), std::string::npos);
}

}  // namespace
}  // namespace glint
