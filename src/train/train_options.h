// Options of train_glint_unet, and their command line.
//
// The flag names are the contract of the original design document
// (--h5, --shared_memory, --preload, --cleanup_shm, --num_workers, --batch,
// --epochs, --loss, --model_path); the rest extend it. Every field has the
// default its flag documents in --help.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "dist/dist_options.h"
#include "glint/cache.h"

namespace CLI {
class App;
}

namespace glint::train {

struct TrainOptions {
  // HDF5 file with the images and heatmaps datasets. Required.
  std::string h5;
  std::string images = "images";
  std::string heatmaps = "heatmaps";

  // Data source: shared memory segments (--shared_memory), else a private
  // preloaded copy (default), else rows streamed from the file.
  bool shared_memory = false;
  bool preload = true;
  // Remove this file's segments from shm_dir and exit (no training).
  bool cleanup_shm = false;
  // The cache's options, as the flags set them: --shm_dir (cache.shm_dir),
  // --share_group (cache.share_group: "" = owner only), --fingerprint_dir
  // (cache.fingerprint.store_dir: "" = per-user default), --max_shm
  // (cache.max_shm: SIZE|PERCENT, default GLINT_MAX_SHM, else none; loads
  // evict unused segments to keep it), and the disk tier (docs/SHM_MANAGER.md,
  // "Tiers"): --cache_dir (cache.cache_dir: "" = none; default
  // GLINT_CACHE_DIR, else XDG_CACHE_HOME/glint, else ~/.cache/glint) and
  // --max_cache (cache.max_cache, default GLINT_MAX_CACHE, else none). The
  // rest keep CacheOptions' defaults.
  CacheOptions cache;

  int num_workers = 4;       // loader threads; 0 builds batches in the step
  int64_t batch = 16;
  int64_t epochs = 50;       // total, counting epochs of a resumed checkpoint
  std::string loss = "focal";
  std::string model_path = "model.pt";
  double lr = 1e-3;
  double val_split = 0.1;    // fraction of samples held out for validation
  uint64_t seed = 0;         // split, shuffle, augmentation, initial weights
  // Torch CPU threads; 0 = the cores divided among the trainers running on
  // this machine (core_share.h), counting at least --local_world_size ranks
  // of this node, recounted while training.
  int threads = 0;
  std::string device = "cpu";
  // "auto" (bf16 autocast on CPUs with AVX512_BF16, else fp32), "fp32", "bf16".
  std::string precision = "auto";
  int64_t base_channels = 16;
  int64_t depth = 3;
  bool resume = false;       // continue from the checkpoint at model_path
  // Replace the checkpoint at model_path and the --log of an earlier run
  // (without it, and without --resume, a run that is there is refused).
  bool overwrite = false;
  int64_t max_steps = 0;     // stop after this many optimiser steps; 0 = no limit
  std::string log;           // JSON lines, one per epoch ("" = none)
  // TensorBoard event files in <tensorboard>/<run name> ("" = none); rank 0
  // writes them (train/tensorboard_log.h).
  std::string tensorboard;
  // The run's folder under --tensorboard ("" = named from the flags that
  // differ from their defaults, train/tensorboard_log.h).
  std::string run_name;
  bool augment = false;
  // Progress bar on stderr: "auto" (only when stderr is a terminal), "on", "off".
  std::string progress = "auto";

  // Data-parallel training (torch.distributed, Gloo backend), torchrun's
  // conventions: this process is dist.rank of dist.world_size; the
  // rendezvous store is at dist.master_addr:dist.master_port. Every flag
  // defaults to the variable torchrun (or the user) sets, when it is set:
  // WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_USE_AGENT_STORE
  // (the store belongs to the launcher's agent: every rank joins it under
  // /worker/attempt_<TORCHELASTIC_RESTART_COUNT>), GLOO_SOCKET_IFNAME
  // (dist.interface); --dist_timeout sets dist.timeout, in seconds.
  DistOptions dist;
  int local_rank = 0;                      // LOCAL_RANK: rank among this node's ranks
  int local_world_size = 1;                // LOCAL_WORLD_SIZE: ranks on this node
  int node_rank = 0;                       // GROUP_RANK: this node's index (reported only)
  // BatchNorm statistics over the samples of all ranks (torch's SyncBatchNorm).
  bool sync_batchnorm = false;

  // The flags given on the command line ("--lr", ...), filled by
  // parse_train_options: with --resume, the ones not given come from the
  // checkpoint (train/resume_flags.h).
  std::set<std::string> given;
};

// Declares every flag of TrainOptions on `app`, bound to `options`, with its
// default shown in --help and its range checked by CLI11.
void setup_train_options(CLI::App& app, TrainOptions& options);

// Parses argv into `options`. Returns -1 when training should go on, else the
// exit code: 0 after --help (printed to stdout), 2 after a bad command line,
// reported as ONE line on stderr ("train_glint_unet: --batch: ...").
int parse_train_options(int argc, const char* const* argv, TrainOptions& options);

}  // namespace glint::train
