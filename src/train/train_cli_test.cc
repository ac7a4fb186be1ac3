// train_glint_unet as a real program: command line, shared memory between
// two real trainer processes, Ctrl-C, --cleanup_shm, the no-space fallback.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"
#include "data/batch_loader_order.h"
#include "runtime/process_memory.h"
#include "support/child_process.h"
#include "support/temp_dir.h"
#include "support/train/dist_launcher_testing.h"
#include "support/train/glint_set_testing.h"

namespace glint::train {
namespace {

using glint::testing::built_program;
using glint::testing::Child;
using glint::testing::ProcessResult;
using glint::testing::run_process;
using glint::testing::ShmDir;
using glint::testing::TempDir;

std::vector<std::string> trainer(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {built_program("bin/train_glint_unet"), "--fingerprint_dir",
                             dir.file("fingerprints"), "--threads", "1", "--num_workers", "1"});
  return args;
}

int64_t count_lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

// Bytes the segments of `dir` occupy in the tmpfs (allocated blocks).
uint64_t segment_bytes(const std::string& dir, int* count = nullptr) {
  uint64_t bytes = 0;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("glint_", 0) != 0) continue;
    if (e.path().extension() == ".lock") continue;
    struct stat st;
    if (::stat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      bytes += static_cast<uint64_t>(st.st_blocks) * 512;
      ++n;
    }
  }
  if (count != nullptr) *count = n;
  return bytes;
}

// Reads stdout lines until one starts with `prefix`; returns it ("" at EOF).
std::string read_until(Child& child, const std::string& prefix, std::string* seen = nullptr) {
  for (std::string line = child.read_line(); !line.empty(); line = child.read_line()) {
    if (seen != nullptr) *seen += line;
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

TEST(TrainCliTest, HelpDocumentsEveryFlag) {
  const ProcessResult r = run_process({built_program("bin/train_glint_unet"), "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--h5", "--shared_memory", "--preload", "--cleanup_shm", "--num_workers",
                           "--batch", "--epochs", "--loss", "--model_path", "--resume", "--log"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(TrainCliTest, EachBadInputIsOneLineBeforeAnyWork) {
  TempDir dir;
  const std::string good = dir.file("good.h5");
  testdata::write_glint_set(good, {.count = 16, .size = 32});
  testdata::write_glint_set(dir.file("counts.h5"), {.count = 16, .size = 32, .heatmap_count = 12});
  testdata::write_glint_set(dir.file("sizes.h5"), {.count = 16, .size = 32, .heatmap_size = 16});
  testdata::write_glint_set(dir.file("odd.h5"), {.count = 16, .size = 36});
  std::ofstream(dir.file("text.h5")) << "not hdf5\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--h5", dir.file("missing.h5")}, "missing.h5"},
      {{"--h5", dir.file("text.h5")}, "text.h5"},
      {{"--h5", good, "--images", "pictures"}, "pictures"},
      {{"--h5", dir.file("counts.h5")}, "12"},
      {{"--h5", dir.file("sizes.h5")}, "16"},
      {{"--h5", dir.file("odd.h5"), "--depth", "3"}, "--depth 3: images of " + dir.file("odd.h5") +
                                                       " are 36x36, not divisible by 2^depth = 8; the largest --depth "
                                                       "that fits is 2"},
      {{"--h5", good, "--batch", "0"}, "--batch"},
      {{"--h5", good, "--loss", "l1"}, "--loss"},
      {{"--h5", good, "--device", "cuda"}, "--device cuda: no GPU is usable: "},
      {{"--h5", good, "--resume", "--model_path", dir.file("none.pt")}, "--resume"},
      {{"--h5", good, "--model_path", dir.file("no/such/dir/m.pt")}, "--model_path"},
      {{"--h5", good, "--model_path", dir.path()}, "--model_path " + dir.path() + ": is a directory; give a file"},
      {{"--h5", good, "--model_path", ""}, "--model_path: is empty"},
      {{"--h5", good, "--model_path", "/proc/m.pt"}, "--model_path /proc/m.pt: cannot create a file in /proc ("},
      {{"--h5", good, "--model_path", dir.file("m.pt"), "--log", dir.path()}, "--log " + dir.path() + ": is a dir"},
      {{"--h5", good, "--model_path", dir.file("m.pt"), "--log", "/proc/l.jsonl"}, "--log /proc/l.jsonl: cannot"},
      {{"--h5", good, "--shared_memory", "--shm_dir", dir.file("nodir")}, "--shm_dir"},
      {{"--h5", good, "--world_size", "2", "--rank", "2"}, "--rank 2 is outside 0..1"},
  };
  for (const auto& [args, expected] : cases) {
    const ProcessResult r = run_process(trainer(dir, args));
    EXPECT_NE(r.exit_code, 0) << expected;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("data:"), std::string::npos) << "loaded data before failing: " << r.out;
  }
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TrainCliTest, AnEarlierRunIsNeverReplacedUnaskedAndResumeTakesItsFlags) {
  TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 24, .size = 32});
  const auto run = [&](std::vector<std::string> extra, const std::string& model = "keep.pt") {
    std::vector<std::string> args = {"--h5", h5, "--model_path", dir.file(model), "--log", dir.file("keep.jsonl"),
                                     "--batch", "8", "--depth", "2", "--progress", "off"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_process(trainer(dir, args));
  };
  ProcessResult first = run({"--epochs", "1", "--lr", "0.01", "--loss", "hybrid", "--seed", "3",
                             "--val_split", "0.25", "--base_channels", "4"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string model = file_bytes(dir.file("keep.pt")), log = file_bytes(dir.file("keep.jsonl"));

  // The same command again: refused before any data, nothing touched.
  ProcessResult again = run({"--epochs", "1", "--base_channels", "4"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_EQ(count_lines(again.err), 1) << again.err;
  EXPECT_NE(again.err.find("--model_path " + dir.file("keep.pt") +
                           " already holds a model trained 1 epoch(s) with --loss hybrid (saved "),
            std::string::npos) << again.err;
  EXPECT_NE(again.err.find("continue it with --resume, or replace it with --overwrite"), std::string::npos);
  EXPECT_EQ(again.out.find("data:"), std::string::npos) << again.out;
  EXPECT_EQ(file_bytes(dir.file("keep.pt")), model);
  EXPECT_EQ(file_bytes(dir.file("keep.jsonl")), log);
  ProcessResult log_only = run({"--epochs", "1"}, "other.pt");
  EXPECT_NE(log_only.err.find("--log " + dir.file("keep.jsonl") + " already holds the log of a run (1 line(s)"),
            std::string::npos) << log_only.err;

  // --resume without the model's flags: taken from the checkpoint, the log appended.
  ProcessResult resumed = run({"--resume", "--epochs", "2"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("resume: " + dir.file("keep.pt") + " after epoch 1, training to epoch 2; from the "
                             "checkpoint: --loss hybrid --base_channels 4 --seed 3 --val_split 0.25 --lr 0.01\n"),
            std::string::npos) << resumed.out;
  std::ifstream lines(dir.file("keep.jsonl"));
  std::vector<nlohmann::json> epochs;
  for (std::string line; std::getline(lines, line);) epochs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[1]["epoch"], 2);
  EXPECT_DOUBLE_EQ(epochs[1]["lr"].get<double>(), 0.01);  // not the default 0.001

  // A fixed flag that differs is refused with both values; --lr may change.
  ProcessResult other_loss = run({"--resume", "--epochs", "3", "--loss", "focal"});
  EXPECT_NE(other_loss.exit_code, 0);
  EXPECT_NE(other_loss.err.find("--loss focal was given, but " + dir.file("keep.pt") +
                                " was trained with --loss hybrid"), std::string::npos) << other_loss.err;

  // --epochs already reached: one line, exit 0, the checkpoint untouched.
  const std::string after_two = file_bytes(dir.file("keep.pt"));
  ProcessResult done = run({"--resume", "--epochs", "2", "--lr", "0.5"});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("has trained 2 epoch(s); --epochs 2 asks for no more, so nothing is done"),
            std::string::npos) << done.out;
  EXPECT_EQ(done.out.find("data:"), std::string::npos) << done.out;
  EXPECT_EQ(file_bytes(dir.file("keep.pt")), after_two);

  ProcessResult faster = run({"--resume", "--epochs", "3", "--lr", "0.002"});
  ASSERT_EQ(faster.exit_code, 0) << faster.err;
  EXPECT_NE(faster.out.find("changed: --lr 0.002 (was 0.01)"), std::string::npos) << faster.out;

  // --overwrite starts afresh: a new checkpoint, a log of this run only.
  ProcessResult fresh = run({"--overwrite", "--epochs", "1", "--base_channels", "4"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(count_lines(file_bytes(dir.file("keep.jsonl"))), 1);
  EXPECT_EQ(read_checkpoint_meta(dir.file("keep.pt")).loss, "focal");
}

TEST(TrainCliTest, TwoTrainersOnOneFileHoldOneCopyOfTheData) {
  TempDir dir;
  ShmDir shm;
  const std::string h5 = dir.file("data.h5");
  // 160 samples of 96x96 float32 images and heatmaps: 11.25 MiB of payload,
  // large next to the noise of the measurement (a few pages).
  testdata::write_glint_set(h5, {.count = 160, .size = 96});
  const double payload = 160.0 * 96 * 96 * 4 * 2;
  const auto args = [&](const std::string& loss) {
    return trainer(dir, {"--h5", h5, "--shared_memory", "--shm_dir", shm.path(), "--loss", loss,
                         "--model_path", dir.file(loss + ".pt"), "--epochs", "1000",
                         "--base_channels", "4", "--depth", "2", "--batch", "16"});
  };
  Child focal(args("focal"));
  Child hybrid(args("hybrid"));
  std::string out_focal, out_hybrid;
  const std::string data_focal = read_until(focal, "data:", &out_focal);
  const std::string data_hybrid = read_until(hybrid, "data:", &out_hybrid);
  ASSERT_NE(data_focal, "") << out_focal << focal.wait().err;
  ASSERT_NE(data_hybrid, "") << out_hybrid << hybrid.wait().err;
  // Each dataset was read by one of them and attached by the other (each has
  // its own lock, so one may load images while the other loads heatmaps).
  const std::string both = data_focal + data_hybrid;
  EXPECT_NE(both.find("loaded here"), std::string::npos) << both;
  EXPECT_NE(both.find("attached"), std::string::npos) << both;
  // After a whole epoch each has read every sample through its mapping.
  ASSERT_NE(read_until(focal, "epoch 1/"), "");
  ASSERT_NE(read_until(hybrid, "epoch 1/"), "");

  int segments = 0;
  const double on_tmpfs = static_cast<double>(segment_bytes(shm.path(), &segments));
  const MemoryUsage a = read_memory_usage(focal.pid());
  const MemoryUsage b = read_memory_usage(hybrid.pid());
  focal.kill(SIGINT);
  hybrid.kill(SIGINT);
  EXPECT_EQ(focal.wait().exit_code, 130);
  EXPECT_EQ(hybrid.wait().exit_code, 130);

  EXPECT_EQ(segments, 2);
  EXPECT_GE(on_tmpfs, payload);
  EXPECT_LT(on_tmpfs, payload * 1.05 + 65536) << "more than one copy in " << shm.path();
  // Each maps all of it, but each is charged about half: one copy in total.
  ASSERT_GE(a.pss_shmem_kb, 0) << "kernel without Pss_Shmem";
  EXPECT_GE(a.rss_shmem_kb * 1024.0, payload * 0.95);
  EXPECT_GE(b.rss_shmem_kb * 1024.0, payload * 0.95);
  const double shared_pss = (a.pss_shmem_kb + b.pss_shmem_kb) * 1024.0;
  EXPECT_GT(shared_pss, payload * 0.9);
  EXPECT_LT(shared_pss, payload * 1.1);
  EXPECT_LT(a.pss_shmem_kb * 1024.0, payload * 0.6);
  EXPECT_LT(b.pss_shmem_kb * 1024.0, payload * 0.6);
}

TEST(TrainCliTest, TwoRanksTrainOneModelOnHalfTheSamplesEach) {
  TempDir dir;
  ShmDir shm;
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 32, .size = 32});
  const int port = testing::free_port();
  ASSERT_GT(port, 0);
  const auto rank = [&](int r) {
    return trainer(dir, {"--h5", h5, "--shared_memory", "--shm_dir", shm.path(), "--epochs", "2",
                         "--base_channels", "4", "--depth", "2", "--batch", "4", "--world_size", "2",
                         "--rank", std::to_string(r), "--master_port", std::to_string(port), "--model_path",
                         dir.file("rank" + std::to_string(r) + ".pt")});
  };
  Child r0(rank(0));
  Child r1(rank(1));
  const ProcessResult a = r0.wait();
  const ProcessResult b = r1.wait();
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(a.out.find("data parallel: rank 0 of 2"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("epoch 2/2"), std::string::npos) << a.out;
  EXPECT_EQ(b.out.find("epoch 1/2"), std::string::npos) << "only rank 0 reports epochs: " << b.out;
  EXPECT_NE(b.out.find("rank 0 saves the model"), std::string::npos) << b.out;
  // Each rank stepped through its half of the training rows.
  const int64_t shard = static_cast<int64_t>(split_indices(32, 0.1, 0).train.size()) / 2;
  const CheckpointMeta meta = read_checkpoint_meta(dir.file("rank0.pt"));
  EXPECT_EQ(meta.epoch, 2);
  EXPECT_EQ(meta.global_step, 2 * static_cast<int64_t>((shard + 3) / 4));
  EXPECT_FALSE(std::filesystem::exists(dir.file("rank1.pt")));
}

TEST(TrainCliTest, CtrlCSavesTheCheckpointAndExits130) {
  TempDir dir;
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 32, .size = 32});
  Child child(trainer(dir, {"--h5", h5, "--model_path", dir.file("m.pt"), "--epochs", "100000",
                            "--base_channels", "4", "--depth", "2", "--batch", "4"}));
  ASSERT_NE(read_until(child, "epoch 1/"), "");
  child.kill(SIGINT);
  const ProcessResult r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("interrupted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("summary:"), std::string::npos) << r.out;
  EXPECT_GE(read_checkpoint_meta(dir.file("m.pt")).epoch, 1);
}

TEST(TrainCliTest, CleanupShmRemovesTheFilesSegments) {
  TempDir dir;
  ShmDir shm;
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 16, .size = 32});
  const ProcessResult trained = run_process(trainer(
      dir, {"--h5", h5, "--shared_memory", "--shm_dir", shm.path(), "--max_steps", "1",
            "--model_path", dir.file("m.pt"), "--base_channels", "4", "--depth", "2"}));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  int before = 0;
  segment_bytes(shm.path(), &before);
  EXPECT_EQ(before, 2);
  const ProcessResult cleaned =
      run_process(trainer(dir, {"--h5", h5, "--cleanup_shm", "--shm_dir", shm.path()}));
  EXPECT_EQ(cleaned.exit_code, 0) << cleaned.err;
  EXPECT_NE(cleaned.out.find("2 segment(s) removed"), std::string::npos) << cleaned.out;
  EXPECT_EQ(cleaned.out.find("data:"), std::string::npos) << "trained instead of cleaning";
  int after = -1;
  segment_bytes(shm.path(), &after);
  EXPECT_EQ(after, 0);
}

// Runs the trainer in a child that first mounts a 1 MiB tmpfs at `mount_at`
// in a private mount namespace (root only). Returns "" or why it was skipped.
std::string run_in_tiny_tmpfs(const std::vector<std::string>& argv, const std::string& mount_at,
                              const std::string& out_file, const std::string& err_file, int* status) {
  if (geteuid() != 0) return "needs root to mount a tmpfs";
  std::vector<char*> c_args;
  for (const auto& a : argv) c_args.push_back(const_cast<char*>(a.c_str()));
  c_args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0) _exit(90);
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(91);
    if (mount("tmpfs", mount_at.c_str(), "tmpfs", 0, "size=1m") != 0) _exit(92);
    // Only async-signal-safe calls between fork and exec: the test is multithreaded.
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(93);
    execv(c_args[0], c_args.data());
    _exit(93);
  }
  waitpid(pid, status, 0);
  if (WIFEXITED(*status) && WEXITSTATUS(*status) >= 90 && WEXITSTATUS(*status) <= 92) {
    return "cannot create a mount namespace with a tmpfs here (step " +
           std::to_string(WEXITSTATUS(*status) - 90) + ")";
  }
  return "";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// GLINT_CACHE_DIR for the trainers a test starts, restored at scope exit.
class CacheDirEnv {
 public:
  explicit CacheDirEnv(const std::string& value) {
    if (const char* old = std::getenv("GLINT_CACHE_DIR")) old_ = old;
    setenv("GLINT_CACHE_DIR", value.c_str(), 1);
  }
  ~CacheDirEnv() {
    if (old_) {
      setenv("GLINT_CACHE_DIR", old_->c_str(), 1);
    } else {
      unsetenv("GLINT_CACHE_DIR");
    }
  }

 private:
  std::optional<std::string> old_;
};

// A trainer on 2 MiB of data whose --shm_dir is a 1 MiB tmpfs: what it
// printed and how it ended, or why it could not run (skipped).
struct FullShmRun {
  std::string skipped;
  std::string out, err;
  bool ok = false;  // exited 0
};

std::string start_with_full_shm(TempDir& dir, int* status) {
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 64, .size = 64});  // 2 MiB: more than the tmpfs
  std::filesystem::create_directory(dir.file("shm"));
  return run_in_tiny_tmpfs(
      trainer(dir, {"--h5", h5, "--shared_memory", "--shm_dir", dir.file("shm"), "--max_steps",
                    "2", "--model_path", dir.file("m.pt"), "--base_channels", "4", "--depth", "2"}),
      dir.file("shm"), dir.file("out.txt"), dir.file("err.txt"), status);
}

FullShmRun run_with_full_shm(TempDir& dir) {
  FullShmRun run;
  int status = 0;
  run.skipped = start_with_full_shm(dir, &status);
  if (!run.skipped.empty()) return run;
  run.out = slurp(dir.file("out.txt"));
  run.err = slurp(dir.file("err.txt"));
  run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return run;
}

TEST(TrainCliTest, FullSharedMemoryGoesToTheDiskTierAndSaysWhy) {
  TempDir dir;
  const CacheDirEnv cache(dir.file("cache"));
  const FullShmRun run = run_with_full_shm(dir);
  if (!run.skipped.empty()) GTEST_SKIP() << run.skipped;
  const std::string& out = run.out;
  const std::string& err = run.err;
  ASSERT_TRUE(run.ok) << out << err;
  // One line per dataset from the cache: which tier and why.
  EXPECT_EQ(count_lines(err), 2) << err;
  for (const char* dataset : {"'/images'", "'/heatmaps'"}) {
    EXPECT_NE(err.find(std::string("warning: dataset ") + dataset + " of " + dir.file("data.h5") + ": disk tier " +
                       dir.file("cache") + ": 1.0 MiB does not fit in " + dir.file("shm")),
              std::string::npos)
        << err;
  }
  EXPECT_NE(out.find("data: shared through the disk tier " + dir.file("cache") + ", loaded here in "),
            std::string::npos)
      << out;
  std::vector<std::string> segments;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("cache"))) {
    const std::string name = e.path().filename().string();
    if (name.find('.') == std::string::npos) segments.push_back(name.substr(name.rfind('_')));
  }
  std::sort(segments.begin(), segments.end());
  // one copy of each dataset, for every trainer to share
  EXPECT_EQ(segments, (std::vector<std::string>{"_heatmaps", "_images"}));
}

TEST(TrainCliTest, FullSharedMemoryWithoutADiskTierFallsBackToAPrivateCopyWithOneWarning) {
  TempDir dir;
  const CacheDirEnv no_disk_tier("");
  const FullShmRun run = run_with_full_shm(dir);
  if (!run.skipped.empty()) GTEST_SKIP() << run.skipped;
  const std::string& out = run.out;
  const std::string& err = run.err;
  ASSERT_TRUE(run.ok) << out << err;
  EXPECT_EQ(count_lines(err), 1) << err;
  EXPECT_EQ(err.rfind("warning: shared memory unavailable (", 0), 0u) << err;
  EXPECT_NE(err.find("); using a private copy"), std::string::npos) << err;
  EXPECT_NE(out.find("data: private copy"), std::string::npos) << out;
  EXPECT_NE(out.find("summary:"), std::string::npos) << out;
}

}  // namespace
}  // namespace glint::train
