// Options of glint_predict, and its command line.
//
// Flag names follow train_glint_unet (--model_path, --h5, --images,
// --heatmaps, --threads, --precision, --shared_memory, --shm_dir, --fingerprint_dir) so
// that a training command line and a prediction one read alike. Every field
// has the default its flag documents in --help.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glint/shm_dir.h"

namespace CLI {
class App;
}

namespace glint::predict {

struct PredictOptions {
  std::string model_path = "model.pt";  // checkpoint of train_glint_unet

  // Input, one of: an HDF5 file (rows of `images`), or image files.
  std::string h5;
  std::string images = "images";
  // Ground truth, when the file has it: `glints` ([N,K,2] or [N,2] float
  // x, y, NaN rows padding; docs/DATASET.md), else peaks of `heatmaps`.
  std::string glints = "glints";
  std::string heatmaps = "heatmaps";
  // Rows of the file: "" = all, else "0:100", "7", "3,9,20:30" (A:B is
  // half-open; A: runs to the end).
  std::string indices;
  // PNG (8 or 16 bit, grey or colour made grey) or PGM (P5, 8 or 16 bit)
  // files, each one image. Scaled like the trainer: /255 or /65535.
  std::vector<std::string> files;

  // Shared memory: by default, images already in the cache (a trainer
  // loaded them) are read from there; --shared_memory loads them if absent.
  bool shared_memory = false;
  std::string shm_dir = kDefaultShmDir;
  std::string fingerprint_dir;  // "" = per-user default

  int64_t batch = 16;       // images per forward pass
  double threshold = 0.3;   // peak threshold on sigmoid(logits)
  double match_radius = 3.0;  // pixels: a prediction this close to a truth is a hit
  int threads = 0;          // torch threads, 0 = one per core
  // "auto" (bf16 autocast where the CPU has AVX512_BF16, else fp32), "fp32"
  // or "bf16": as train_glint_unet's --precision (train/precision.h).
  std::string precision = "auto";

  std::string out;          // CSV of every glint ("" = none)
  std::string overlay;      // directory: one PNG per image ("" = none)
  std::string png;          // contact sheet of the first images ("" = none)
  bool quiet = false;       // no line per image on stdout
};

// Declares every flag of PredictOptions on `app`, bound to `options`.
void setup_predict_options(CLI::App& app, PredictOptions& options);

// Parses argv into `options` (util/cli.h: the programs' one way to parse and
// fail). Returns -1 when prediction should go on, else the exit code: 0 after
// --help, 2 after a bad command line, reported as ONE line on stderr
// ("glint_predict: --batch: ... (see --help)").
int parse_predict_options(int argc, const char* const* argv, PredictOptions& options);

}  // namespace glint::predict
