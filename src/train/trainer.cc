#include "train/trainer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <optional>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "dist/distributed.h"
#include "glint/fingerprint.h"
#include "model/precision.h"
#include "progress.h"
#include "resume_flags.h"
#include "run_outputs.h"
#include "runtime/core_share.h"
#include "runtime/device.h"
#include "runtime/malloc_tuning.h"
#include "runtime/process_memory.h"
#include "runtime/runtime_info.h"
#include "runtime/stop_signal.h"
#include "runtime/threads.h"
#include "trainer_cleanup.h"
#include "trainer_data.h"
#include "trainer_loop.h"
#include "util/cli.h"

namespace glint::train {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Checks that need no file reading, so that typos fail in milliseconds.
void check_flags(const TrainOptions& o) {
  check_rank(o.dist.rank, o.dist.world_size);
  resolve_precision(o.precision, device_of(o.device, o.local_rank).type());
  if (o.local_rank >= o.local_world_size) {
    throw std::runtime_error("--local_rank " + std::to_string(o.local_rank) + " is outside 0.." +
                             std::to_string(o.local_world_size - 1) + " (--local_world_size " +
                             std::to_string(o.local_world_size) + ")");
  }
  if (o.device == "cuda") {
    if (const std::string why = no_gpu_reason(); !why.empty()) {
      throw std::runtime_error("--device cuda: no GPU is usable: " + why + "; use --device cpu");
    }
  }
  if (o.shared_memory && !is_directory(o.cache.shm_dir)) {
    throw std::runtime_error("--shm_dir " + o.cache.shm_dir + ": not a directory; give the "
                             "shared-memory mount (default /dev/shm)");
  }
  if (o.resume && ::access(o.model_path.c_str(), R_OK) != 0) {
    throw std::runtime_error("--resume: no checkpoint at " + o.model_path +
                             "; train without --resume first or fix --model_path");
  }
  check_run_outputs(o);
}

void check_geometry(const TrainOptions& o, const SourceShape& shape) {
  const auto fits = [&shape](int64_t depth) {
    const int64_t step = int64_t{1} << depth;
    return shape.images.height % step == 0 && shape.images.width % step == 0;
  };
  if (!fits(o.depth)) {
    int64_t largest = o.depth - 1;
    while (largest > 0 && !fits(largest)) --largest;
    throw std::runtime_error(
        "--depth " + std::to_string(o.depth) + ": images of " + o.h5 + " are " +
        std::to_string(shape.images.height) + "x" + std::to_string(shape.images.width) +
        ", not divisible by 2^depth = " + std::to_string(int64_t{1} << o.depth) +
        (largest > 0 ? "; the largest --depth that fits is " + std::to_string(largest)
                     : "; no --depth fits: crop or pad the images to an even size"));
  }
}

// --threads as given, else the cores shared among the trainers running now.
int thread_count(const TrainOptions& o, std::string* why) {
  if (o.threads > 0) {
    *why = "--threads";
    return o.threads;
  }
  const int cores = available_cores();
  // The ranks of this node may not all have started yet: count them all.
  const CoreShare share(o.cache.shm_dir, cores, o.local_world_size);
  *why = std::to_string(cores) + " cores / " + std::to_string(share.trainers()) + " trainer(s) running";
  return share.threads();
}

std::string describe_setup(const TrainOptions& o, const SourceShape& shape, int threads,
                           const std::string& threads_why) {
  UNet probe(unet_options_for(o, shape));
  std::ostringstream s;
  s << o.h5 << ": " << shape.samples << " samples, images " << shape.images.channels << "x"
    << shape.images.height << "x" << shape.images.width << " "
    << dtype_name(shape.images.dtype) << ", heatmaps " << shape.heatmaps.channels << "x"
    << shape.heatmaps.height << "x" << shape.heatmaps.width << " "
    << dtype_name(shape.heatmaps.dtype) << "\nmodel: UNet " << describe(probe->options())
    << " (" << count_parameters(*probe) << " parameters), loss " << o.loss << ", batch "
    << o.batch << ", lr " << o.lr << ", device " << o.device << ", "
    << describe(run_mode(o.precision, device_of(o.device, o.local_rank))) << ", "
    << threads << " torch threads (" << threads_why << "), " << o.num_workers << " loader workers";
  if (o.dist.world_size > 1) {
    s << "\ndata parallel: rank " << o.dist.rank << " of " << o.dist.world_size << " (node " << o.node_rank << ", local rank "
      << o.local_rank << " of " << o.local_world_size << "), store at " << o.dist.master_addr << ":" << o.dist.master_port
      << (o.dist.agent_store ? " (the launcher's, attempt " + std::to_string(o.dist.restart_count) + ")" : " (hosted by rank 0)")
      << ", " << o.batch * o.dist.world_size << " samples per step in all"
      << (o.sync_batchnorm ? ", BatchNorm synchronised" : "");
  }
  return s.str();
}

void print_summary(const TrainOptions& o, const TrainOutcome& r, std::ostream& out) {
  out << "summary: " << r.state.epochs_done << "/" << o.epochs << " epochs, "
      << r.state.global_step << " steps, " << format_duration(r.seconds) << " in this run"
      << (r.interrupted ? " (interrupted)" : r.reached_max_steps ? " (max_steps reached)" : "")
      << "\n";
  if (std::isfinite(r.state.best_val_loss)) {
    out << "  best val loss " << r.state.best_val_loss << " (epoch " << r.state.best_epoch << ")\n";
  }
  if (r.last && r.last->metrics.images > 0) {
    out << "  final metrics (validation, 3 px): " << format_summary(r.last->metrics) << "\n";
  }
  if (o.dist.rank == 0) {
    out << "  model saved to " << o.model_path << "\n";
  } else {
    out << "  rank " << o.dist.rank << " of " << o.dist.world_size << ": rank 0 saves the model\n";
  }
  if (r.allreduce.count > 0) {
    const double share = r.step_seconds > 0 ? 100.0 * r.allreduce.seconds / r.step_seconds : 0;
    out << "  gradient all-reduce: " << r.allreduce.count << " x " << r.allreduce.bytes / r.allreduce.count
        << " bytes, " << r.allreduce.seconds << " s (" << share << "% of " << r.step_seconds
        << " s in training steps)\n";
  }
  out << "  memory: " << format_memory(read_memory_usage()) << "\n";
}

// The file's MD5 (remembered by the cache's fingerprint store), which every
// data-parallel rank compares with rank 0's.
std::string data_md5(const TrainOptions& o) {
  if (o.dist.world_size == 1) return "";
  auto fingerprint = fingerprint_file(o.h5, o.cache.fingerprint);
  if (!fingerprint.ok()) throw std::runtime_error("--h5 " + o.h5 + ": " + fingerprint.status().message());
  return fingerprint->md5;
}

// torchrun's agent reports a worker's failure from this file when it is set.
void record_error(const std::string& message) {
  const char* path = std::getenv("TORCHELASTIC_ERROR_FILE");
  if (path == nullptr || *path == '\0') return;
  const nlohmann::json record = {
      {"message",
       {{"message", "train_glint_unet: " + message},
        {"extraInfo", {{"timestamp", std::to_string(static_cast<long long>(std::time(nullptr)))}}}}}};
  std::ofstream(path) << record.dump() << "\n";
}

int run(const TrainOptions& given) {
  if (given.cleanup_shm) return run_cleanup_shm(given, std::cout, std::cerr);
  prefer_avx512_kernels();  // before the first tensor operation
  check_flags(given);
  // With --resume, the flags not given are the checkpoint's.
  std::optional<ResumePlan> plan;
  if (given.resume) {
    plan = plan_resume(given);
    std::cout << plan->line << "\n" << std::flush;
    if (plan->nothing_to_do) return kExitOk;
  }
  const TrainOptions& o = plan ? plan->options : given;
  const SourceShape shape = check_training_file(o);
  check_geometry(o, shape);
  if (o.resume) check_resumable(o, shape);

  reset_stop();
  StopSignals signals;
  std::cout << apply_malloc_tuning() << "\n" << describe_runtime() << "\n" << std::flush;
  std::string threads_why;
  const int threads = configure_threads(thread_count(o, &threads_why));
  std::cout << describe_setup(o, shape, threads, threads_why) << "\n" << std::flush;
  TrainingData data = open_training_data(o, shape, std::cerr);
  std::cout << "data: " << data.description << "\n" << std::flush;
  if (stop_requested()) throw Interrupted("stopped by a signal before training started");

  const bool progress = o.progress == "on" || (o.progress == "auto" && stderr_is_terminal());
  const TrainOutcome outcome = train_model(o, data.source, std::cout, std::cerr, progress, data_md5(o));
  print_summary(o, outcome, std::cout);
  return outcome.interrupted ? kInterruptedExitCode : kExitOk;
}

}  // namespace

int run_train(const TrainOptions& options) {
  // A file that is not there is a bad command line in every program (exit 2,
  // as in shm_manager and glint_predict); --cleanup_shm still finds the
  // segments of a deleted file by its name.
  if (!options.cleanup_shm && ::access(options.h5.c_str(), F_OK) != 0) {
    std::cerr << "train_glint_unet: --h5 " << options.h5 << ": no such file (see --help)\n";
    return kUsageError;
  }
  std::string error;
  try {
    return run(options);
  } catch (const Interrupted& e) {
    std::cout << std::flush;
    std::cerr << "train_glint_unet: " << first_line(e.what()) << "\n";
    return kInterruptedExitCode;
  } catch (const c10::Error& e) {
    error = first_line(e.what_without_backtrace());
  } catch (const std::exception& e) {
    error = first_line(e.what());
  }
  std::cout << std::flush;
  std::cerr << "train_glint_unet: error: " << error << "\n";
  record_error(error);
  return kExitError;
}

bool run_left_threads_behind() { return threads_abandoned(); }

}  // namespace glint::train
