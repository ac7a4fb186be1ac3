// Stopping, destruction mid-epoch, errors and warnings of the BatchLoader,
// with small in-test sources that can block, fail or hold NaN on purpose.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "data/batch_loader.h"

namespace glint::train {
namespace {

SourceShape float_shape(int64_t samples) {
  SourceShape s;
  s.samples = samples;
  s.images = FieldShape{"/images", DType::kFloat32, 1, 2, 2};
  s.heatmaps = FieldShape{"/heatmaps", DType::kFloat32, 1, 2, 2};
  return s;
}

// Rows come from the file on demand (like kStream); reading row `fail_row`
// throws, and every read waits until open() is called when `gated`.
class TestSource final : public SampleSource {
 public:
  TestSource(int64_t samples, bool gated, int64_t fail_row = -1, int64_t nan_row = -1)
      : SampleSource(float_shape(samples)), gated_(gated), fail_row_(fail_row), nan_row_(nan_row) {}

  SourceKind kind() const override { return SourceKind::kStream; }
  const void* row_ptr(Field, int64_t) const override { return nullptr; }

  void read_row(Field, int64_t index, void* dst) const override {
    {
      std::unique_lock lock(mu_);
      ++reads_started_;
      started_cv_.notify_all();
      open_cv_.wait(lock, [this] { return !gated_ || open_; });
    }
    if (index == fail_row_) throw std::runtime_error("cannot read sample " + std::to_string(index));
    auto* out = static_cast<float*>(dst);
    const float v = index == nan_row_ ? std::numeric_limits<float>::quiet_NaN()
                                      : static_cast<float>(index);
    std::fill(out, out + 4, v);
  }

  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    open_cv_.notify_all();
  }

  void wait_for_reads(int count) {
    std::unique_lock lock(mu_);
    started_cv_.wait(lock, [&] { return reads_started_ >= count; });
  }

 private:
  const bool gated_;
  const int64_t fail_row_;
  const int64_t nan_row_;
  mutable std::mutex mu_;
  mutable std::condition_variable open_cv_;
  mutable std::condition_variable started_cv_;
  mutable int reads_started_ = 0;
  bool open_ = false;
};

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), int64_t{0});
  return v;
}

TEST(BatchLoaderLifetimeTest, DestroyingMidEpochJoinsTheWorkers) {
  auto source = std::make_shared<TestSource>(64, /*gated=*/false);
  for (int workers : {1, 2, 4}) {
    BatchLoader loader(source, iota(64), LoaderOptions{.batch = 2, .num_workers = workers, .prefetch = 1});
    loader.start_epoch(0);
    ASSERT_TRUE(loader.next().has_value());
  }  // each destructor returns: the test would time out otherwise
}

TEST(BatchLoaderLifetimeTest, StopFromAnotherThreadWakesAWaitingNext) {
  auto source = std::make_shared<TestSource>(8, /*gated=*/true);
  std::optional<BatchLoader> loader;
  loader.emplace(source, iota(8), LoaderOptions{.batch = 2, .num_workers = 2, .prefetch = 1});
  loader->start_epoch(0);
  source->wait_for_reads(2);  // both workers are stuck inside a read
  bool got_batch = true;
  std::thread consumer([&] { got_batch = loader->next().has_value(); });
  loader->stop();
  consumer.join();
  EXPECT_FALSE(got_batch);
  EXPECT_FALSE(loader->next().has_value());
  source->open();  // the reads finish; the workers see stop and exit
  loader.reset();
}

TEST(BatchLoaderLifetimeTest, AWorkerErrorSurfacesInNextAndTheEpochGoesOn) {
  auto source = std::make_shared<TestSource>(8, /*gated=*/false, /*fail_row=*/3);
  for (int workers : {0, 2}) {
    BatchLoader loader(source, iota(8),
                       LoaderOptions{.batch = 2, .num_workers = workers, .shuffle = false});
    loader.start_epoch(0);
    ASSERT_TRUE(loader.next().has_value());
    try {
      loader.next();
      FAIL() << "no error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "cannot read sample 3");
    }
    auto third = loader.next();
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->indices[0].item<int64_t>(), 4);
    EXPECT_EQ(third->images[0][0][0][0].item<float>(), 4.0f);
  }
}

TEST(BatchLoaderLifetimeTest, NanIsZeroedCountedAndReportedOnce) {
  auto source = std::make_shared<TestSource>(6, /*gated=*/false, /*fail_row=*/-1, /*nan_row=*/1);
  std::vector<std::string> warnings;
  LoaderOptions o{.batch = 2, .num_workers = 1, .shuffle = false};
  o.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  BatchLoader loader(source, iota(6), o);
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    loader.start_epoch(epoch);
    auto first = loader.next();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->nan_replaced, 8);  // 4 image + 4 heatmap values of row 1
    EXPECT_EQ(first->images[1].abs().sum().item<float>(), 0.0f);
    while (loader.next()) {
    }
    EXPECT_EQ(loader.stats().nan_replaced, 8);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "8 NaN values in '/images' or '/heatmaps' were replaced by 0 (reported once; check the dataset)");
}

}  // namespace
}  // namespace glint::train
