// Data-parallel train_glint_unet under the real torchrun of the project's
// Python environment (torch 2.11): its agent hosts the store on
// --master-port under /worker/attempt_N, starts, watches, restarts and stops
// the ranks. What torchrun cannot produce (a rank with other flags, a stopped
// rank, a rendezvous that never completes) stays with the stand-in launcher
// of dist_faults_test.cc and dist_cli_test.cc.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "checkpoint/checkpoint.h"
#include "support/train/dist_launcher_testing.h"
#include "support/train/glint_set_testing.h"
#include "util/time.h"

namespace glint::train {
namespace {

// Child, ProcessResult, TempDir, tiny_trainer, free_port, read_until...
using namespace glint::train::testing;
using Clock = std::chrono::steady_clock;

class TorchrunTest : public ::testing::Test {
 protected:
  void SetUp() override { testdata::write_glint_set(h5(), {.count = 32, .size = 32}); }
  std::string h5() const { return dir_.file("data.h5"); }

  // torchrun [torchrun_flags] --no-python -- train_glint_unet <tiny trainer>
  // [flags] (an executable, not a script): two ranks on this node, static
  // rendezvous on a free loopback port. `--` ends torchrun's options, so that
  // it passes the trainer's --log on instead of refusing it as an ambiguous
  // abbreviation of its --log-dir.
  std::unique_ptr<Child> torchrun(const std::vector<std::string>& torchrun_flags,
                                  std::vector<std::string> flags) {
    std::vector<std::string> argv = {GLINT_TORCHRUN, "--nnodes", "1", "--nproc-per-node", "2",
                                     "--master-addr", "127.0.0.1", "--master-port",
                                     std::to_string(free_port()), "--no-python"};
    argv.insert(argv.end(), torchrun_flags.begin(), torchrun_flags.end());
    argv.push_back("--");
    std::vector<std::string> args = {"--h5", h5(), "--batch", "4", "--model_path", dir_.file("m.pt"),
                                     "--shared_memory", "--shm_dir", shm_.path()};
    args.insert(args.end(), flags.begin(), flags.end());
    const std::vector<std::string> trainer = tiny_trainer(dir_.file("fp"), args);
    argv.insert(argv.end(), trainer.begin(), trainer.end());
    return std::make_unique<Child>(argv, std::vector<std::string>{"PYTHONUNBUFFERED=1"});
  }

  TempDir dir_;
  glint::testing::ShmDir shm_;
};

// Whether `pid` is a live process (not gone, not a zombie).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string comm_and_before;
  char state = 'X';
  if (!std::getline(stat, comm_and_before, ')') || !(stat >> state)) return false;
  return state != 'Z' && state != 'X';
}

// The worker of `agent` (torchrun's pid) whose RANK is `rank`.
pid_t worker_of(pid_t agent, int rank) {
  const std::string wanted = "RANK=" + std::to_string(rank);
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(agent) + "/task")) {
    std::ifstream children(task.path() / "children");
    for (pid_t pid; children >> pid;) {
      std::ifstream environ("/proc/" + std::to_string(pid) + "/environ");
      for (std::string var; std::getline(environ, var, '\0');) {
        if (var == wanted) return pid;
      }
    }
  }
  return -1;
}

// What is left in a shared-memory directory besides published segments
// (names "glint_*" without a temporary suffix).
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename();
    if (name.rfind("glint_", 0) != 0 || name.find(".lock") != std::string::npos ||
        name.find(".tmp") != std::string::npos) {
      out.push_back(name);
    }
  }
  return out;
}

TEST_F(TorchrunTest, TwoRanksTrainToTheEndAndOnlyRankZeroWritesTensorBoardEvents) {
  auto run = torchrun({}, {"--epochs", "2", "--log", dir_.file("log.jsonl"), "--tensorboard", dir_.file("runs"),
                           "--run_name", "dp"});
  const ProcessResult r = run->wait();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("data parallel: rank 0 of 2 (node 0, local rank 0 of 2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("data parallel: rank 1 of 2 (node 0, local rank 1 of 2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(the launcher's, attempt 0)"), std::string::npos) << r.out;
  const CheckpointMeta meta = read_checkpoint_meta(dir_.file("m.pt"));
  EXPECT_EQ(meta.epoch, 2);
  EXPECT_EQ(meta.global_step, 2 * 4);  // 32 samples, 2 ranks x batch 4: 4 steps an epoch
  std::ifstream log(dir_.file("log.jsonl"));
  int lines = 0;
  for (std::string line; std::getline(log, line);) ++lines;
  EXPECT_EQ(lines, 2);  // rank 0's log, one line an epoch
  // One run folder holding one event file: rank 1 wrote none.
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.file("runs"))) {
    if (e.is_regular_file()) files.push_back(std::filesystem::relative(e.path(), dir_.file("runs")).string());
  }
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rfind("dp/events.out.tfevents.", 0), 0u) << files[0];
}

TEST_F(TorchrunTest, AKilledRankEndsTheOtherWithinTheDistTimeoutAndTorchrunReportsIt) {
  auto run = torchrun({}, {"--epochs", "100000", "--dist_timeout", "30"});
  ASSERT_NE(read_until(*run, "epoch 2/"), "");
  const pid_t victim = worker_of(run->pid(), 1);
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const auto killed = Clock::now();
  const ProcessResult r = run->wait();
  EXPECT_LT(seconds_since(killed), 30.0);
  EXPECT_NE(r.exit_code, 0);
  // Rank 0's line naming the lost rank, and torchrun's report, which shows
  // that line from rank 0's error file (TORCHELASTIC_ERROR_FILE).
  EXPECT_NE(r.err.find("train_glint_unet: error: rank 0 of 2: rank 1 is lost"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ChildFailedError"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("traceback : train_glint_unet: rank 0 of 2: rank 1 is lost"), std::string::npos) << r.err;
}

TEST_F(TorchrunTest, ARestartedAttemptResumesFromTheLastCheckpoint) {
  ASSERT_EQ(torchrun({}, {"--epochs", "1"})->wait().exit_code, 0);
  auto run = torchrun({"--max-restarts", "1"}, {"--resume", "--epochs", "30"});
  ASSERT_NE(read_until(*run, "epoch 4/"), "");
  const pid_t victim = worker_of(run->pid(), 1);
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  // What the restarted ranks print up to rank 0's "resumed" line.
  std::string restarted;
  std::string resumed;
  for (std::string line = run->read_line(); !line.empty() && resumed.empty(); line = run->read_line()) {
    restarted += line + "\n";
    if (line.rfind("resumed " + dir_.file("m.pt") + " after epoch ", 0) == 0) resumed = line;
  }
  const ProcessResult r = run->wait();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_NE(resumed, "") << restarted;
  EXPECT_GE(std::stoi(resumed.substr(resumed.rfind(' ') + 1)), 3) << resumed;
  EXPECT_NE(restarted.find("(the launcher's, attempt 1)"), std::string::npos) << restarted;
  EXPECT_EQ(read_checkpoint_meta(dir_.file("m.pt")).epoch, 30);
}

TEST_F(TorchrunTest, CtrlCStopsEveryRankPromptlyAndLeavesNothingInShm) {
  auto run = torchrun({}, {"--epochs", "100000"});
  ASSERT_NE(read_until(*run, "epoch 2/"), "");
  const pid_t r0 = worker_of(run->pid(), 0);
  const pid_t r1 = worker_of(run->pid(), 1);
  ASSERT_GT(r0, 0);
  ASSERT_GT(r1, 0);
  // A terminal's Ctrl-C: SIGINT to torchrun and its workers alike.
  for (pid_t pid : {run->pid(), r0, r1}) ASSERT_EQ(::kill(pid, SIGINT), 0);
  const auto stopped = Clock::now();
  const ProcessResult r = run->wait();
  EXPECT_LT(seconds_since(stopped), 20.0);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(running(r0));
  EXPECT_FALSE(running(r1));
  EXPECT_EQ(leftovers(shm_.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace glint::train
