// The shared source's promise: the process holds no private copy of the data.
#include <gtest/gtest.h>
#include <malloc.h>

#include <fstream>
#include <string>

#include "data/data_source.h"
#include "support/data/data_source_testing.h"

namespace glint::train {
namespace {

using glint::testing::pattern_dataset;

// Anonymous (private, not file- or shmem-backed) resident memory of this
// process, in KiB: where a private copy of a dataset would live.
int64_t anonymous_kib() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Anonymous:", 0) == 0) return std::stoll(line.substr(10));
  }
  ADD_FAILURE() << "no Anonymous line in /proc/self/smaps_rollup";
  return 0;
}

// Reads every byte of every row, as training would, so that any lazily
// allocated copy becomes resident.
uint64_t touch_all(const SampleSource& source) {
  uint64_t sum = 0;
  for (Field f : {Field::kImages, Field::kHeatmaps}) {
    const size_t bytes = source.shape().field(f).row_bytes();
    for (int64_t i = 0; i < source.size(); ++i) {
      const auto* p = static_cast<const unsigned char*>(source.row_ptr(f, i));
      for (size_t b = 0; b < bytes; b += 64) sum += p[b];
    }
  }
  return sum;
}

// Anonymous memory gained while a source of `kind` is open and fully read.
int64_t growth_kib(const testing::DataFixture& fx, SourceKind kind) {
  malloc_trim(0);  // so that freed heap from earlier steps does not hide growth
  const int64_t before = anonymous_kib();
  auto source = make_source(fx.options(kind));
  const uint64_t sum = touch_all(*source);
  const int64_t after = anonymous_kib();
  EXPECT_GT(sum, 0u);
  return after - before;
}

TEST(DataSourceMemoryTest, SharedSourceHoldsNoPrivateCopyWhilePreloadDoes) {
  constexpr int64_t kDatasetKib = 2 * 128 * 256 * 256 / 1024;  // both datasets: 16 MiB
  testing::DataFixture fx({pattern_dataset("images", H5T_NATIVE_UINT8, {128, 1, 256, 256}, 3),
                           pattern_dataset("heatmaps", H5T_NATIVE_UINT8, {128, 256, 256}, 4)});
  // The first shared open loads the segments (a trainer that finds them
  // already there is the case to measure); its buffers are gone afterwards.
  make_source(fx.options(SourceKind::kShared)).reset();

  const int64_t shared = growth_kib(fx, SourceKind::kShared);
  EXPECT_LT(shared, kDatasetKib / 8) << "shared source grew private memory by " << shared << " KiB";
  // The same measurement sees a private copy when there is one.
  const int64_t preload = growth_kib(fx, SourceKind::kPreload);
  EXPECT_GT(preload, kDatasetKib * 9 / 10) << "preload grew private memory by " << preload << " KiB";
}

}  // namespace
}  // namespace glint::train
