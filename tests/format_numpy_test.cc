// docs/FORMAT.md promises that numpy can read a segment in five lines: run
// exactly the block from the document against a real segment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "glint/cache.h"
#include "support/child_process.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint {
namespace {

std::string python_block_of_format_doc() {
  const char* src = std::getenv("GLINT_SOURCE_DIR");
  std::ifstream in(std::string(src ? src : GLINT_SOURCE_DIR_DEFAULT) + "/docs/FORMAT.md");
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  auto begin = text.find("```python\n");
  if (begin == std::string::npos) return "";
  begin += 10;
  return text.substr(begin, text.find("```", begin) - begin);
}

bool have_numpy() {
  auto r = testing::run_process({GLINT_PYTHON, "-c", "import numpy"});
  return !r.signaled && r.exit_code == 0;
}

TEST(FormatDocTest, NumpyReadsASegmentWithTheDocumentedFiveLines) {
  if (!have_numpy()) GTEST_SKIP() << GLINT_PYTHON " cannot import numpy: run scripts/install_deps.sh";
  std::string block = python_block_of_format_doc();
  ASSERT_FALSE(block.empty()) << "no ```python block in docs/FORMAT.md";
  EXPECT_EQ(std::count(block.begin(), block.end(), '\n'), 5) << block;

  testing::TempDir tmp;
  testing::ShmDir shm;
  auto heat = testing::pattern_dataset("maps/heat", H5T_NATIVE_FLOAT, {3, 2, 5, 7}, 5);
  auto images = testing::pattern_dataset("images", H5T_NATIVE_UINT16, {4, 6}, 6);
  testing::write_h5(tmp.file("f.h5"), {heat, images});
  CacheOptions options;
  options.shm_dir = shm.path();
  options.fingerprint.store_dir = tmp.file("store");
  auto ds = open_shared(tmp.file("f.h5"), {"maps/heat", "images"}, options);
  ASSERT_TRUE(ds.ok()) << ds.status().message();

  for (const auto& d : *ds) {
    std::string script = "import sys, zlib\npath = sys.argv[1]\n" + block +
                         "print(array.dtype.str, list(array.shape), zlib.crc32(array.tobytes()))\n";
    auto r = testing::run_process({GLINT_PYTHON, "-c", script, shm.path() + "/" + d.segment()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ostringstream shape;
    shape << "[";
    for (size_t i = 0; i < d.shape().size(); ++i) shape << (i ? ", " : "") << d.shape()[i];
    shape << "]";
    // zlib.crc32 of the payload, computed here the same way.
    uint32_t crc = 0xffffffffu;
    const auto* p = static_cast<const uint8_t*>(d.data());
    for (uint64_t i = 0; i < d.bytes(); ++i) {
      crc ^= p[i];
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xffffffffu;
    std::string expected = std::string(dtype_typestr(d.dtype())) + " " + shape.str() + " " + std::to_string(crc) + "\n";
    EXPECT_EQ(r.out, expected) << d.dataset();
  }
}

}  // namespace
}  // namespace glint
