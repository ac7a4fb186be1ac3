#include "train/train_options.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "model/losses.h"
#include "model/precision.h"
#include "util/cli.h"

namespace glint::train {
namespace {

// val_split must leave training data: 1.0 would be an empty training set.
CLI::Validator fraction_below_one() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || !(v >= 0 && v < 1)) {
          return "value " + text + " is not in [0, 1)";
        }
        return "";
      },
      "in [0, 1)");
}

CLI::Validator shm_budget_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto b = parse_shm_budget(text);
        return b.ok() ? "" : b.status().message();
      },
      "SIZE|PERCENT");
}

void add_data_flags(CLI::App& app, TrainOptions& o) {
  app.add_option("--h5", o.h5, "HDF5 file with the training data (required)");
  app.add_option("--images", o.images, "dataset of images in the file ([N,H,W] or [N,C,H,W])");
  app.add_option("--heatmaps", o.heatmaps, "dataset of target heatmaps ([N,H,W] or [N,K,H,W])");
  app.add_flag("--shared_memory", o.shared_memory,
               "share one copy of the data with other trainers through shared memory");
  app.add_option("--preload", o.preload,
                 "read the whole dataset into memory first (--preload false streams)")
      ->expected(0, 1);
  app.add_flag_callback("--no_preload", [&o] { o.preload = false; },
                        "same as --preload false: read batches from the file");
  app.add_flag("--cleanup_shm", o.cleanup_shm,
               "remove this file's shared-memory segments and exit");
  app.add_option("--shm_dir", o.cache.shm_dir, "directory of the shared-memory segments");
  app.add_option("--share_group", o.cache.share_group,
                 "group whose members may share the segments (\"\" = only you)");
  app.add_option_function<std::string>(
         "--max_shm", [&o](const std::string& text) { o.cache.max_shm = parse_shm_budget(text).value(); },
         "cap on what your segments may occupy in --shm_dir (2G, 40%; default none): unused ones are "
         "evicted, least recently used first")
      ->envname(kMaxShmEnv)
      ->check(shm_budget_validator());
  app.add_option("--cache_dir", o.cache.cache_dir,
                 "the disk tier: where data that does not fit in --shm_dir is shared from (\"\" = none; "
                 "default $GLINT_CACHE_DIR, else ~/.cache/glint)");
  app.add_option_function<std::string>(
         "--max_cache", [&o](const std::string& text) { o.cache.max_cache = parse_shm_budget(text).value(); },
         "cap on what your segments may occupy in --cache_dir (20G, 10%; default none)")
      ->envname(kMaxCacheEnv)
      ->check(shm_budget_validator());
  app.add_option("--fingerprint_dir", o.cache.fingerprint.store_dir,
                 "where file MD5s are remembered (\"\" = ~/.cache/glint/fingerprints)");
  app.add_option("--num_workers", o.num_workers, "threads building batches (0 = in the step)")
      ->check(CLI::Range(0, 256));
  app.add_flag("--augment", o.augment, "random flips and shifts of training samples");
}

void add_training_flags(CLI::App& app, TrainOptions& o) {
  app.add_option("--batch", o.batch, "samples per step")->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  app.add_option("--epochs", o.epochs, "epochs in total (a resumed run counts earlier ones)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  app.add_option("--loss", o.loss, "training loss")->check(CLI::IsMember(loss_names()));
  app.add_option("--model_path", o.model_path, "checkpoint written each epoch and at the end");
  app.add_option("--lr", o.lr, "Adam learning rate")->check(CLI::PositiveNumber);
  app.add_option("--val_split", o.val_split, "fraction of samples held out for validation")
      ->check(fraction_below_one());
  app.add_option("--seed", o.seed, "seed of split, shuffle, augmentation and initial weights");
  app.add_option("--threads", o.threads,
                 "torch CPU threads (0 = cores / trainers running on this machine, at least "
                 "--local_world_size, recounted while training)")
      ->check(CLI::Range(0, 4096));
  app.add_option("--device", o.device, "where the model runs")->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("--precision", o.precision,
                 "auto: bf16 autocast where the CPU has AVX512_BF16, else fp32; weights, "
                 "optimiser, loss and checkpoints stay fp32")
      ->check(CLI::IsMember(precision_flag_values()));
  app.add_option("--base_channels", o.base_channels, "feature maps of the first UNet level")
      ->check(CLI::Range(int64_t{1}, int64_t{1024}));
  app.add_option("--depth", o.depth, "UNet levels; image size must divide by 2^depth")
      ->check(CLI::Range(int64_t{1}, int64_t{8}));
  app.add_flag("--resume", o.resume,
               "continue from the checkpoint at --model_path; flags not given are taken from it");
  app.add_flag("--overwrite", o.overwrite,
               "replace the checkpoint at --model_path and the --log of an earlier run (refused otherwise)")
      ->excludes("--resume");
  app.add_option("--max_steps", o.max_steps, "stop after this many optimiser steps (0 = no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log", o.log, "append one JSON line per epoch to this file");
  app.add_option("--tensorboard", o.tensorboard,
                 "write TensorBoard event files (scalars, validation images, hparams) to DIR/<run name>");
  app.add_option("--run_name", o.run_name,
                 "the run's folder under --tensorboard (default: the flags that differ from their "
                 "defaults, e.g. loss=hybrid,lr=0.0003)")
      ->check([](const std::string& name) {
        return name.find('/') == std::string::npos && name != "." && name != ".."
                   ? std::string()
                   : "a run name is one folder name: no '/', not . or ..";
      });
  app.add_option("--progress", o.progress, "progress bar on stderr")
      ->check(CLI::IsMember({"auto", "on", "off"}));
}

void add_distributed_flags(CLI::App& app, TrainOptions& o) {
  app.add_option("--world_size", o.dist.world_size, "processes training one model together (data parallel)")
      ->envname("WORLD_SIZE")
      ->check(CLI::Range(1, 65536));
  app.add_option("--rank", o.dist.rank, "this process's rank, 0 to world_size - 1")
      ->envname("RANK")
      ->check(CLI::Range(0, 65535));
  app.add_option("--local_rank", o.local_rank, "rank among the ranks of this node")
      ->envname("LOCAL_RANK")
      ->check(CLI::Range(0, 65535));
  app.add_option("--local_world_size", o.local_world_size, "ranks on this node (they divide its cores)")
      ->envname("LOCAL_WORLD_SIZE")
      ->check(CLI::Range(1, 65536));
  app.add_option("--node_rank", o.node_rank, "index of this node (reported only)")
      ->envname("GROUP_RANK")
      ->check(CLI::Range(0, 65535));
  app.add_option("--master_addr", o.dist.master_addr, "address of the rendezvous store")->envname("MASTER_ADDR");
  app.add_option("--master_port", o.dist.master_port, "port of the rendezvous store")
      ->envname("MASTER_PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("--agent_store", o.dist.agent_store,
                 "the store belongs to the launcher (torchrun): join it, do not host it")
      ->envname("TORCHELASTIC_USE_AGENT_STORE")
      ->expected(0, 1);
  app.add_option("--restart_count", o.dist.restart_count, "launcher's restart count (store prefix /worker/attempt_N)")
      ->envname("TORCHELASTIC_RESTART_COUNT")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--gloo_interface", o.dist.interface, "network interface for gradient exchange (\"\" = automatic)")
      ->envname("GLOO_SOCKET_IFNAME");
  app.add_option_function<int>(
         "--dist_timeout", [&o](int seconds) { o.dist.timeout = std::chrono::seconds(seconds); },
         "seconds the rendezvous may take and a silent rank is waited for")
      ->default_str(std::to_string(std::chrono::duration_cast<std::chrono::seconds>(o.dist.timeout).count()))
      ->check(CLI::Range(1, 86400));
  app.add_flag("--sync_batchnorm", o.sync_batchnorm, "BatchNorm statistics over all ranks' samples (SyncBatchNorm)");
}

}  // namespace

void setup_train_options(CLI::App& app, TrainOptions& options) {
  app.option_defaults()->always_capture_default();
  add_data_flags(app, options);
  add_training_flags(app, options);
  add_distributed_flags(app, options);
}

int parse_train_options(int argc, const char* const* argv, TrainOptions& options) {
  CLI::App app("Trains the glint UNet on an HDF5 dataset, optionally sharing one in-memory "
               "copy of it with other trainers.",
               "train_glint_unet");
  setup_train_options(app, options);
  if (const auto code = parse_command_line(app, argc, argv)) return *code;
  for (const CLI::Option* option : app.get_options()) {
    // From the command line only: a value from the environment is no choice
    // made for this run.
    if (option->count() > 0 && !option->get_lnames().empty()) {
      const std::string flag = "--" + option->get_lnames().front();
      if (cli_messages::on_command_line(flag, argc, argv)) options.given.insert(flag);
    }
  }
  // Not ->required(): --help and --cleanup_shm's own message come first, and
  // this line says what to give.
  if (options.h5.empty()) return usage_error(app, "--h5 is required: give the HDF5 training file");
  return -1;
}

}  // namespace glint::train
