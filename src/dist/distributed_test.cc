// Data parallelism with a real Gloo group: ranks are threads of this process
// that meet at a real TCPStore on the loopback interface.
#include "dist/distributed.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "dist/dist_liveness.h"
#include "model/losses.h"

namespace glint::train {
namespace {

// Convolutions without batch norm: the gradient of a batch is then exactly the
// mean of the gradients of its halves (batch norm's statistics are per rank,
// as in torch's DistributedDataParallel without SyncBatchNorm).
torch::nn::Sequential tiny_net() {
  return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 3, 3).padding(1)),
                               torch::nn::ReLU(),
                               torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 1, 3).padding(1)));
}

// Runs `body(rank)` on `world` threads, rank 0 first so its store listens on
// a free port that the others then use.
template <typename Body>
void run_ranks(int world, Body body) {
  std::promise<int> port;
  auto port_ready = port.get_future().share();
  std::vector<std::thread> threads;
  std::vector<std::string> errors(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r) {
    threads.emplace_back([&, r] {
      try {
        DistOptions o;
        o.world_size = world;
        o.rank = r;
        o.master_port = r == 0 ? 0 : port_ready.get();
        o.timeout = std::chrono::seconds(60);
        std::unique_ptr<DataParallel> dp;
        if (r == 0) {
          dp = std::make_unique<DataParallel>(o, [&](int p) { port.set_value(p); });
        } else {
          dp = std::make_unique<DataParallel>(o);
        }
        body(*dp);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(r)] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int r = 0; r < world; ++r) EXPECT_EQ(errors[static_cast<size_t>(r)], "") << "rank " << r;
}

TEST(DistributedTest, AveragedGradientsEqualTheGradientOfTheWholeBatch) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::rand({4, 1, 8, 8});
  const torch::Tensor y = torch::rand({4, 1, 8, 8}) * 0.5;
  const LossFn loss = make_loss("mse");
  torch::manual_seed(0);
  torch::nn::Sequential whole = tiny_net();
  loss(whole->forward(x), y).backward();

  std::vector<std::vector<torch::Tensor>> grads(2);
  run_ranks(2, [&](DataParallel& dp) {
    torch::manual_seed(static_cast<uint64_t>(100 + dp.rank()));  // different initial weights...
    torch::nn::Sequential model = tiny_net();
    if (dp.rank() == 0) {
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < model->parameters().size(); ++i) model->parameters()[i].copy_(whole->parameters()[i]);
    }
    dp.broadcast_parameters(*model);  // ...until rank 0's are broadcast
    const auto half = x.narrow(0, 2 * dp.rank(), 2);
    loss(model->forward(half), y.narrow(0, 2 * dp.rank(), 2)).backward();
    dp.average_gradients(*model);
    for (auto& p : model->parameters()) grads[static_cast<size_t>(dp.rank())].push_back(p.grad().clone());
  });
  const auto want = whole->parameters();
  for (int r = 0; r < 2; ++r) {
    ASSERT_EQ(grads[static_cast<size_t>(r)].size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_TRUE(torch::allclose(grads[static_cast<size_t>(r)][i], want[i].grad(), 1e-4, 1e-6))
          << "rank " << r << " parameter " << i;
    }
  }
}

TEST(DistributedTest, SumAddsEveryRanksValues) {
  std::vector<std::vector<double>> got(3);
  run_ranks(3, [&](DataParallel& dp) { got[static_cast<size_t>(dp.rank())] = dp.sum({1.0, double(dp.rank())}); });
  for (const auto& g : got) EXPECT_EQ(g, (std::vector<double>{3.0, 3.0}));
}

TEST(DistributedTest, ShardsAreDisjointEqualInLengthAndCoverAllButTheRemainder) {
  std::vector<int64_t> rows(11);
  for (int64_t i = 0; i < 11; ++i) rows[static_cast<size_t>(i)] = 100 + i;
  std::set<int64_t> seen;
  for (int r = 0; r < 3; ++r) {
    const auto shard = shard_rows(rows, r, 3);
    EXPECT_EQ(shard.size(), 3u);
    for (int64_t v : shard) EXPECT_TRUE(seen.insert(v).second) << v;
  }
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_EQ(shard_rows(rows, 0, 1), rows);
}

TEST(DistributedTest, RankOutsideTheWorldIsRefusedByName) {
  DistOptions o;
  o.world_size = 2;
  o.rank = 2;
  try {
    DataParallel dp(o);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "--rank 2 is outside 0..1 (--world_size 2)");
  }
}

TEST(DistributedTest, IdentitiesDifferByNameWithBothValues) {
  const Identity rank0 = {{"--batch", "4"}, {"the MD5 of --h5", "aa"}, {"--loss", "mse"}};
  EXPECT_EQ(describe_difference(rank0, 2, rank0), "");
  EXPECT_EQ(describe_difference({{"--batch", "8"}, {"the MD5 of --h5", "bb"}, {"--loss", "mse"}}, 2, rank0),
            "--batch is 8 on rank 2, 4 on rank 0; the MD5 of --h5 is bb on rank 2, aa on rank 0");
  EXPECT_EQ(describe_difference({{"--batch", "4"}, {"--loss", "mse"}}, 1, rank0),
            "the MD5 of --h5 is aa on rank 0, unknown on rank 1");
  EXPECT_EQ(parse_identity(serialize_identity(rank0)), rank0);
}

TEST(DistributedTest, ARankThatStopsBeatingIsReportedSilent) {
  // A store where rank 1 never beats: rank 0's monitor names it.
  c10d::TCPStoreOptions so;
  so.port = 0;
  so.isServer = true;
  so.waitWorkers = false;
  auto store = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", so);
  Liveness live(store, 0, 2, std::chrono::milliseconds(50));
  EXPECT_TRUE(live.silent(std::chrono::seconds(10)).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the silence being measured, not a sync
  EXPECT_EQ(live.silent(std::chrono::milliseconds(300)), std::vector<int>{1});
}

TEST(DistributedTest, ListsOfRanksReadAsEnglish) {
  EXPECT_EQ(list_ranks({1}), "1");
  EXPECT_EQ(list_ranks({1, 3}), "1 and 3");
  EXPECT_EQ(list_ranks({0, 1, 2}), "0, 1 and 2");
}

}  // namespace
}  // namespace glint::train
