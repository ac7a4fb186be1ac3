#include "predict/predict_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "model/precision.h"
#include "util/cli.h"

namespace glint::predict {
namespace {

void add_input_flags(CLI::App& app, PredictOptions& o) {
  auto* h5 = app.add_option("--h5", o.h5, "HDF5 file with the images");
  auto* files = app.add_option("files", o.files, "PNG or PGM image files (8/16-bit grey), instead of --h5")
                    ->check(CLI::ExistingFile);
  h5->excludes(files);
  app.add_option("--images", o.images, "dataset of images in the file ([N,H,W] or [N,C,H,W])")->needs(h5);
  app.add_option("--glints", o.glints, "dataset of true glint positions (used when the file has it)")->needs(h5);
  app.add_option("--heatmaps", o.heatmaps, "dataset of true heatmaps (used when the file has no --glints)")
      ->needs(h5);
  app.add_option("--indices", o.indices, "rows of the file, e.g. 0:100 or 3,9,20: (default all)")->needs(h5);
  app.add_flag("--shared_memory", o.shared_memory,
               "read the images through the shared-memory cache, loading them if absent "
               "(default: only when a trainer already loaded them)")
      ->needs(h5);
  app.add_option("--shm_dir", o.shm_dir, "directory of the shared-memory segments");
  app.add_option("--fingerprint_dir", o.fingerprint_dir,
                 "where file MD5s are remembered (\"\" = ~/.cache/glint/fingerprints)");
}

void add_model_flags(CLI::App& app, PredictOptions& o) {
  app.add_option("--model_path,--model", o.model_path, "checkpoint written by train_glint_unet");
  app.add_option("--batch", o.batch, "images per forward pass")->check(CLI::Range(int64_t{1}, int64_t{4096}));
  app.add_option("--threshold", o.threshold, "minimum glint score (sigmoid of the logit)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--match_radius", o.match_radius, "pixels within which a prediction matches a true glint")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "torch CPU threads (0 = one per core)")->check(CLI::Range(0, 4096));
  app.add_option("--precision", o.precision,
                 "auto: bf16 autocast where the CPU has AVX512_BF16, else fp32 (as train_glint_unet)")
      ->check(CLI::IsMember(train::precision_flag_values()));
}

void add_output_flags(CLI::App& app, PredictOptions& o) {
  app.add_option("--out", o.out, "CSV file: sample, x, y, score (and the match to the truth)");
  app.add_option("--overlay", o.overlay, "directory: one PNG per image with the glints drawn");
  app.add_option("--png", o.png, "one PNG of the first images (up to 64) with the glints drawn");
  app.add_flag("--quiet", o.quiet, "no line per image on stdout");
}

}  // namespace

void setup_predict_options(CLI::App& app, PredictOptions& options) {
  app.option_defaults()->always_capture_default();
  add_input_flags(app, options);
  add_model_flags(app, options);
  add_output_flags(app, options);
}

int parse_predict_options(int argc, const char* const* argv, PredictOptions& options) {
  CLI::App app("Finds glints with a trained glint UNet in the images of an HDF5 file or in "
               "image files, and scores them against the file's ground truth.",
               "glint_predict");
  setup_predict_options(app, options);
  if (const auto code = parse_command_line(app, argc, argv)) return *code;
  if (options.h5.empty() && options.files.empty()) {
    return usage_error(app, "no input: give --h5 FILE or image files");
  }
  // A file that is not there is a bad command line in every program (exit 2).
  if (!options.h5.empty() && ::access(options.h5.c_str(), F_OK) != 0) {
    return usage_error(app, "--h5 " + options.h5 + ": no such file");
  }
  return -1;
}

}  // namespace glint::predict
