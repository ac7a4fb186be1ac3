// Scenario 4: broken or hostile files under a segment's expected name. Each is
// rebuilt (the caller's own, with a warning that says why) or refused (anybody
// else's, with a message), never read out of bounds (the sanitizer job runs
// this under ASan) and never followed.
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "glint/segment_format.h"
#include "probe/reliability_fixture.h"
#include "probe/test_users.h"

namespace glint::testing {
namespace {

using Bytes = std::vector<char>;

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const Bytes& bytes, mode_t mode = 0400) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ::chmod(path.c_str(), mode);
}

RawSegmentHeader header_of(const Bytes& b) {
  RawSegmentHeader h;
  std::memcpy(&h, b.data(), sizeof h);
  return h;
}

Bytes with_header(Bytes b, const RawSegmentHeader& h) {
  std::memcpy(b.data(), &h, sizeof h);
  return b;
}

class HostileSegmentTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    images_ = pattern_dataset("images", H5T_NATIVE_UINT16, {16, 32, 32}, 9);
    other_ = pattern_dataset("other", H5T_NATIVE_UINT16, {16, 32, 32}, 10);
    write_h5(h5_, {images_, other_});
    Probe first(probe_args());
    ProbeReport r = first.read_report();
    ASSERT_TRUE(r.ok) << r.raw;
    path_ = shm_.path() + "/" + r.datasets[0].segment;
    other_path_ = shm_.path() + "/" + r.datasets[1].segment;
    good_ = read_file(path_);
    ASSERT_EQ(good_.size(), 64 + images_.bytes.size() + header_of(good_).trailer_bytes);
  }

  void replace(const std::function<void(const std::string&)>& make) {
    std::filesystem::remove_all(path_);
    make(path_);
  }

  // The probe rebuilds the segment, warns with `fragment`, and gets the real bytes.
  void expect_rebuilt(const std::string& what, const std::string& fragment) {
    Probe p(probe_args({"--datasets", "images"}));
    ProbeReport r = p.read_report();
    ProcessResult done = p.wait();
    ASSERT_FALSE(done.signaled) << what << ": signal " << done.signal << " " << done.err;
    ASSERT_TRUE(r.ok) << what << ": " << r.raw;
    EXPECT_TRUE(r.datasets[0].loaded_here) << what;
    EXPECT_EQ(r.datasets[0].checksum, checksum_of(images_.bytes)) << what;
    ASSERT_EQ(r.warnings.size(), 1u) << what << ": " << r.raw;
    EXPECT_NE(r.warnings[0].find(fragment), std::string::npos) << what << ": " << r.warnings[0];
    EXPECT_NE(r.warnings[0].find(path_), std::string::npos) << what << ": " << r.warnings[0];
    EXPECT_NE(r.warnings[0].find("rebuilding"), std::string::npos) << what << ": " << r.warnings[0];
    struct stat st;
    ASSERT_EQ(0, ::lstat(path_.c_str(), &st)) << what;
    EXPECT_TRUE(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0400) << what;
    ++cases_;
  }

  // The probe refuses: exit 1, `fragment` in the one-line error, the file untouched.
  void expect_refused(const std::string& what, const std::string& fragment) {
    struct stat before;
    ASSERT_EQ(0, ::lstat(path_.c_str(), &before)) << what;
    Probe p(probe_args({"--datasets", "images"}));
    ProbeReport r = p.read_report();
    ProcessResult done = p.wait();
    ASSERT_FALSE(done.signaled) << what << ": signal " << done.signal;
    EXPECT_EQ(done.exit_code, 1) << what;
    EXPECT_FALSE(r.ok) << what;
    EXPECT_NE(r.error.find(fragment), std::string::npos) << what << ": " << r.error;
    EXPECT_EQ(done.err, r.error + "\n") << what;
    struct stat after;
    ASSERT_EQ(0, ::lstat(path_.c_str(), &after)) << what << ": the foreign file was removed";
    EXPECT_EQ(before.st_ino, after.st_ino) << what;
    ++cases_;
  }

  FixtureDataset images_, other_;
  std::string path_, other_path_;
  Bytes good_;
  int cases_ = 0;
};

TEST_F(HostileSegmentTest, OwnBrokenSegmentsAreRebuiltWithTheReason) {
  auto h = header_of(good_);
  auto bad = [&](auto change) {
    auto copy = h;
    change(copy);
    return with_header(good_, copy);
  };
  struct Case {
    std::string what;
    Bytes bytes;
    std::string fragment;
  } cases[] = {
      {"wrong magic", bad([](RawSegmentHeader& x) { x.magic[0] = 'X'; }), "wrong magic"},
      {"newer version", bad([](RawSegmentHeader& x) { x.version = 2; }), "format version 2"},
      {"empty file", Bytes{}, "holds 0 bytes, less than the 64-byte header"},
      {"shorter than a header", Bytes(good_.begin(), good_.begin() + 40), "holds 40 bytes"},
      {"truncated payload", Bytes(good_.begin(), good_.begin() + 4096), "but the segment holds 4096"},
      {"header claims more rows", bad([](RawSegmentHeader& x) { x.shape[0] *= 4; x.payload_bytes *= 4; }),
       "header describes"},
      {"shape*dtype mismatch", bad([](RawSegmentHeader& x) { x.payload_bytes -= 2; }), "shape and dtype give"},
      {"unknown dtype", bad([](RawSegmentHeader& x) { std::memcpy(x.typestr, "<c8", 4); }), "unknown dtype"},
      {"rank 0", bad([](RawSegmentHeader& x) { x.rank = 0; }), "rank 0"},
      {"rank 9", bad([](RawSegmentHeader& x) { x.rank = 9; }), "rank 9"},
      {"overflowing shape", bad([](RawSegmentHeader& x) { x.shape[1] = uint64_t{1} << 62; }), "shape overflows"},
      {"huge trailer", bad([](RawSegmentHeader& x) { x.trailer_bytes = 1u << 30; }), "trailer too large"},
      {"reserved bits", bad([](RawSegmentHeader& x) { x.flags = 1; }), "reserved fields"},
  };
  for (const auto& c : cases) {
    replace([&](const std::string& p) { write_file(p, c.bytes); });
    expect_rebuilt(c.what, c.fragment);
  }
  // A trailer that is not JSON, and another dataset's segment under this name.
  Bytes broken_trailer = good_;
  std::memset(broken_trailer.data() + 64 + images_.bytes.size(), '{', h.trailer_bytes);
  replace([&](const std::string& p) { write_file(p, broken_trailer); });
  expect_rebuilt("trailer not JSON", "not a JSON object");
  Bytes foreign_dataset = read_file(other_path_);
  replace([&](const std::string& p) { write_file(p, foreign_dataset); });
  expect_rebuilt("another dataset's segment", "describes dataset '/other'");
  for (mode_t mode : {0420, 0402, 0666}) {
    replace([&](const std::string& p) { write_file(p, good_, mode); });
    expect_rebuilt("mode " + std::to_string(mode), "writable by group or others");
  }
  std::printf("[ FIGURES  ] hostile_own_cases=%d\n", cases_);
}

TEST_F(HostileSegmentTest, LinksFifosAndDirectoriesAreNeverUsed) {
  std::string target = tmp_.file("precious");
  write_file(target, good_, 0600);  // a perfect segment, but reached through a link
  replace([&](const std::string& p) { ASSERT_EQ(0, ::symlink(target.c_str(), p.c_str())); });
  expect_rebuilt("symbolic link", "symbolic link");
  EXPECT_EQ(read_file(target), good_);
  replace([&](const std::string& p) { ASSERT_EQ(0, ::symlink("/nonexistent/target", p.c_str())); });
  expect_rebuilt("dangling link", "symbolic link");
  replace([&](const std::string& p) { ASSERT_EQ(0, ::mkfifo(p.c_str(), 0600)); });
  expect_rebuilt("fifo", "not a regular file");
  // A directory cannot be unlinked like a file: it must be refused, not looped on.
  replace([&](const std::string& p) { ASSERT_EQ(0, ::mkdir(p.c_str(), 0700)); });
  expect_refused("directory", "not a regular file");
  std::printf("[ FIGURES  ] hostile_special_cases=%d\n", cases_);
}

TEST_F(HostileSegmentTest, AnotherUsersFileIsRefusedAndKept) {
  std::string why;
  auto user = TempUser::create(unique_account_name("glintrh"), {}, &why);
  if (!user) GTEST_SKIP() << why;
  replace([&](const std::string& p) {
    write_file(p, good_);
    ASSERT_EQ(0, ::chown(p.c_str(), user->uid(), user->gid()));
  });
  expect_refused("valid segment of another user", "belongs to " + user->name() + ", not to you");
  expect_refused("valid segment of another user", "--share-group");
  replace([&](const std::string& p) {
    write_file(p, Bytes(10, 'x'));
    ASSERT_EQ(0, ::chown(p.c_str(), user->uid(), user->gid()));
  });
  expect_refused("garbage of another user", "belongs to " + user->name());
  replace([&](const std::string& p) {
    ASSERT_EQ(0, ::mkfifo(p.c_str(), 0600));
    ASSERT_EQ(0, ::lchown(p.c_str(), user->uid(), user->gid()));
  });
  expect_refused("fifo of another user", "not a regular file");
  replace([&](const std::string& p) {
    ASSERT_EQ(0, ::symlink("/etc/passwd", p.c_str()));
    ASSERT_EQ(0, ::lchown(p.c_str(), user->uid(), user->gid()));
  });
  expect_refused("symbolic link of another user", "symbolic link");
  std::filesystem::remove_all(path_);
  std::printf("[ FIGURES  ] hostile_foreign_cases=%d\n", cases_);
}

}  // namespace
}  // namespace glint::testing
