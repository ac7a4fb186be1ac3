#include "synth/h5_output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "support/temp_dir.h"
#include "util/h5_handle.h"

namespace glint::synth {
namespace {

// Breaks the file underneath HDF5, as a failing disk would: every later
// write returns EBADF.
void break_descriptor(hid_t file) {
  void* handle = nullptr;
  ASSERT_GE(H5Fget_vfd_handle(file, H5P_DEFAULT, &handle), 0);
  const int read_only = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(read_only, 0);
  ASSERT_GE(::dup3(read_only, *static_cast<int*>(handle), O_CLOEXEC), 0);
  ::close(read_only);
}

// If abandoning failed, HDF5 1.10 would crash this test binary at exit.
TEST(H5OutputTest, WriteFailureIsReportedAndTheFileClosesCleanly) {
  for (bool compress : {false, true}) {
    glint::testing::TempDir dir;
    GeneratorOptions o;
    o.count = 4;
    o.size = 16;
    o.compress = compress;
    H5QuietErrors quiet;
    auto out = H5Output::create(dir.file("x.h5"), "shown.h5", o);
    ASSERT_TRUE(out.ok()) << out.status().message();
    break_descriptor((*out)->file_id());
    std::vector<uint8_t> images(4 * 16 * 16), heatmaps(4 * 16 * 16 * 2);
    std::vector<float> glints(4 * 4 * 2);
    Status s = (*out)->write(0, 4, images.data(), heatmaps.data(), glints.data());
    if (s.ok()) s = (*out)->close();  // chunks may be cached until closing
    EXPECT_EQ(s.code(), Code::kIOError);
    EXPECT_NE(s.message().find("'shown.h5': Bad file descriptor"), std::string::npos)
        << s.message();
  }
}

TEST(H5OutputTest, ContiguousFileIsReservedAtItsFinalSize) {
  glint::testing::TempDir dir;
  GeneratorOptions o;
  o.count = 10;
  o.size = 32;
  auto out = H5Output::create(dir.file("x.h5"), "x.h5", o);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const int reserved_fd = ::open(dir.file("x.h5").c_str(), O_RDONLY | O_CLOEXEC);
  const off_t reserved = ::lseek(reserved_fd, 0, SEEK_END);
  ::close(reserved_fd);
  EXPECT_GE(static_cast<uint64_t>(reserved), payload_bytes(o));
  std::vector<uint8_t> images(10 * 32 * 32), heatmaps(10 * 32 * 32 * 2);
  std::vector<float> glints(10 * 4 * 2);
  ASSERT_TRUE((*out)->write(0, 10, images.data(), heatmaps.data(), glints.data()).ok());
  ASSERT_TRUE((*out)->close().ok());
  const int fd = ::open(dir.file("x.h5").c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(::lseek(fd, 0, SEEK_END), reserved);
  ::close(fd);
}

}  // namespace
}  // namespace glint::synth
