// Data-parallel ranks when something goes wrong: a rank killed or stopped,
// stop signals in the rendezvous and in a blocked collective, a rendezvous
// that never completes. Nothing may hang; every message names the rank.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>

#include "checkpoint/checkpoint.h"
#include "support/train/dist_launcher_testing.h"
#include "support/train/glint_set_testing.h"
#include "util/time.h"

namespace glint::train {
namespace {

// AgentStore, Child, Placement, ProcessResult, TempDir, tiny_trainer, torchrun_env...
using namespace glint::train::testing;
using Clock = std::chrono::steady_clock;

class DistFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { testdata::write_glint_set(h5(), {.count = 32, .size = 32}); }
  std::string h5() const { return dir_.file("data.h5"); }
  // A rank of a long training under `agent`, with the given extra flags.
  std::unique_ptr<Child> rank(AgentStore& agent, int r, int world, std::vector<std::string> flags) {
    std::vector<std::string> args = {"--h5", h5(), "--batch", "4", "--threads", "1", "--model_path", dir_.file("m.pt")};
    args.insert(args.end(), flags.begin(), flags.end());
    if (std::find(args.begin(), args.end(), "--epochs") == args.end()) args.insert(args.end(), {"--epochs", "100000"});
    return std::make_unique<Child>(tiny_trainer(dir_.file("fp"), args),
                                   torchrun_env({.rank = r, .world_size = world}, "127.0.0.1", agent.port()));
  }
  TempDir dir_;
};

TEST_F(DistFaultsTest, AKilledRankIsNamedByTheOthersAndResumeGoesOnFromTheCheckpoint) {
  {
    AgentStore agent(3);
    auto r0 = rank(agent, 0, 3, {"--dist_timeout", "60"});
    auto r1 = rank(agent, 1, 3, {"--dist_timeout", "60"});
    auto r2 = rank(agent, 2, 3, {"--dist_timeout", "60"});
    ASSERT_NE(read_until(*r0, "epoch 2/"), "");
    r1->kill(SIGKILL);
    const auto killed = Clock::now();
    for (Child* c : {r0.get(), r2.get()}) {
      const ProcessResult r = c->wait();
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_NE(r.err.find("rank 1 is lost (no heartbeat for "), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("restart every rank with --resume"), std::string::npos) << r.err;
    }
    EXPECT_LT(seconds_since(killed), 60.0);
  }
  const CheckpointMeta meta = read_checkpoint_meta(dir_.file("m.pt"));
  ASSERT_GE(meta.epoch, 2);
  AgentStore again(2);
  const std::string epochs = std::to_string(meta.epoch + 1);
  auto r0 = rank(again, 0, 2, {"--resume", "--epochs", epochs});
  auto r1 = rank(again, 1, 2, {"--resume", "--epochs", epochs});
  const ProcessResult a = r0->wait();
  const ProcessResult b = r1->wait();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(a.out.find("resumed " + dir_.file("m.pt") + " after epoch " + std::to_string(meta.epoch)),
            std::string::npos)
      << a.out;
  EXPECT_EQ(read_checkpoint_meta(dir_.file("m.pt")).epoch, meta.epoch + 1);
}

TEST_F(DistFaultsTest, AStoppedRankIsLostAfterTheDistTimeout) {
  AgentStore agent(2);
  auto r0 = rank(agent, 0, 2, {"--dist_timeout", "4"});
  auto r1 = rank(agent, 1, 2, {"--dist_timeout", "4"});
  ASSERT_NE(read_until(*r0, "epoch 1/"), "");
  r1->kill(SIGSTOP);
  const auto stopped = Clock::now();
  const ProcessResult r = r0->wait();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("rank 1 is lost (no heartbeat for 4 s"), std::string::npos) << r.err;
  EXPECT_LT(seconds_since(stopped), 30.0);
  EXPECT_GE(read_checkpoint_meta(dir_.file("m.pt")).epoch, 1);
}

TEST_F(DistFaultsTest, SigtermEndsARankBlockedInACollectiveWithinSeconds) {
  AgentStore agent(2);
  auto r0 = rank(agent, 0, 2, {"--dist_timeout", "600"});
  auto r1 = rank(agent, 1, 2, {"--dist_timeout", "600"});
  ASSERT_NE(read_until(*r0, "epoch 1/"), "");
  r1->kill(SIGSTOP);
  r0->kill(SIGTERM);
  const auto signalled = Clock::now();
  const ProcessResult r = r0->wait();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("train_glint_unet: stopped by a signal while waiting"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for rank 1 in "), std::string::npos) << r.err;
  EXPECT_LT(seconds_since(signalled), 20.0);
}

TEST_F(DistFaultsTest, SigtermAndSigintEndARankWaitingAtTheRendezvous) {
  for (const int sig : {SIGTERM, SIGINT}) {
    // Self-hosted store: rank 1 waits for rank 0, which never comes.
    const int port = testing::free_port();
    ASSERT_GT(port, 0);
    Child r1(tiny_trainer(dir_.file("fp"), {"--h5", h5(), "--world_size", "2", "--rank", "1", "--master_port",
                                            std::to_string(port), "--model_path", dir_.file("r.pt")}));
    ASSERT_NE(read_until(r1, "rendezvous: rank 1 of 2 at 127.0.0.1:" + std::to_string(port)), "");
    r1.kill(sig);
    const auto signalled = Clock::now();
    const ProcessResult r = r1.wait();
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.err.find("stopped by a signal during the rendezvous at 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("rank 0 never came"), std::string::npos) << r.err;
    EXPECT_LT(seconds_since(signalled), 10.0);
  }
}

TEST_F(DistFaultsTest, TheRendezvousGivesUpAfterTheDistTimeoutNamingTheMissingRanks) {
  AgentStore agent(3);
  auto r0 = rank(agent, 0, 3, {"--dist_timeout", "2"});
  const ProcessResult r = r0->wait();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("gave up after 2 s (--dist_timeout): ranks 1 and 2 never came"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

}  // namespace
}  // namespace glint::train
