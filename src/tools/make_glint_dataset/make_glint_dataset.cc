// make_glint_dataset: writes a synthetic infrared eye dataset with glint
// heatmaps in the layout the trainer and the cache expect.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "synth/generator.h"
#include "synth/preview.h"
#include "synth/progress.h"
#include "util/byte_size.h"
#include "util/cli.h"
#include "util/unet_sizes.h"

namespace {

constexpr const char* kProgram = "make_glint_dataset";

// Values given on the command line; unset ones keep the preset's or the
// library's default.
struct MakeDatasetOptions {
  std::string output;
  std::string preset;
  std::optional<uint64_t> count;
  std::optional<uint32_t> size;
  std::optional<uint32_t> min_glints;
  std::optional<uint32_t> max_glints;
  std::optional<std::string> image_dtype;
  std::optional<std::string> heatmap_dtype;
  std::optional<double> sigma;
  uint64_t seed = 0;
  unsigned threads = 0;
  bool compress = false;
  bool force = false;
  bool quiet = false;
  std::string preview;
};

volatile sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

// "3" or "1-4" -> (min, max); an error string for CLI11 otherwise.
std::string parse_glint_range(const std::string& text, uint32_t* lo, uint32_t* hi) {
  unsigned a = 0, b = 0;
  char extra = 0;
  const int fields = std::sscanf(text.c_str(), "%u-%u%c", &a, &b, &extra);
  if (fields == 1 && text.find('-') == std::string::npos) b = a;
  if ((fields != 2 && !(fields == 1 && a == b)) || a > b || b < 1 || b > 64) {
    return "expected MIN-MAX with 0 <= MIN <= MAX <= 64 and MAX >= 1, such as 1-4, got '" + text +
           "'";
  }
  if (lo != nullptr) *lo = a;
  if (hi != nullptr) *hi = b;
  return "";
}

void setup_make_glint_dataset(CLI::App& app, MakeDatasetOptions& o) {
  app.description(
      "Writes a synthetic dataset of infrared-like eye images with 1..K corneal glints: "
      "/images (N,H,W), /heatmaps (N,1,H,W) and /glints (N,K,2) as (x,y) pixels, NaN padded. "
      "Same seed and options give a byte-identical file. See docs/DATASET.md.");
  app.add_option("OUT", o.output, "Output HDF5 file (written to a temporary file, then renamed)")
      ->required();
  app.add_option("--preset", o.preset,
                 "Start from a preset: 'seed' = the design document's example "
                 "(980 x 256x256, float32 images, float16 heatmaps, 385,383,040 payload bytes); "
                 "other options override it")
      ->check(CLI::IsMember({"seed"}));
  app.add_option_function<uint64_t>("--count", [&](const uint64_t& v) { o.count = v; },
                                    "Number of samples [default: 1000]")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  app.add_option_function<uint32_t>("--size", [&](const uint32_t& v) { o.size = v; },
                                    "Images are SIZE x SIZE pixels, 16..4096 [default: 256]")
      ->check(CLI::Range(16u, 4096u));
  auto* glints = app.add_option_function<std::string>(
      "--glints",
      [&](const std::string& v) {
        uint32_t lo = 0, hi = 0;
        parse_glint_range(v, &lo, &hi);
        o.min_glints = lo;
        o.max_glints = hi;
      },
      "Glints per image, MIN-MAX or N; MAX is K, the second dimension of /glints "
      "[default: 1-4]");
  glints->check(CLI::Validator(
      [](std::string& v) { return parse_glint_range(v, nullptr, nullptr); }, "MIN-MAX", ""));
  app.add_option_function<uint32_t>("--min-glints", [&](const uint32_t& v) { o.min_glints = v; },
                                    "Fewest glints per image [default: 1]")
      ->check(CLI::Range(0u, 64u))
      ->excludes(glints);
  app.add_option_function<uint32_t>("--max-glints", [&](const uint32_t& v) { o.max_glints = v; },
                                    "Most glints per image, K [default: 4]")
      ->check(CLI::Range(1u, 64u))
      ->excludes(glints);
  app.add_option_function<std::string>("--image-dtype",
                                       [&](const std::string& v) { o.image_dtype = v; },
                                       "uint8 (0..255) or float32 (0..1) [default: uint8]")
      ->check(CLI::IsMember({"uint8", "float32"}));
  app.add_option_function<std::string>("--heatmap-dtype",
                                       [&](const std::string& v) { o.heatmap_dtype = v; },
                                       "float16 or float32 [default: float16]")
      ->check(CLI::IsMember({"float16", "float32"}));
  app.add_option_function<double>("--sigma", [&](const double& v) { o.sigma = v; },
                                  "Gaussian sigma of the heatmap, pixels [default: 2.0]")
      ->check(CLI::Range(0.3, 50.0));
  app.add_option("--seed", o.seed, "Random seed [default: 0]");
  app.add_option("--threads", o.threads, "Rendering threads, 0 = one per core [default: 0]")
      ->check(CLI::Range(0u, 256u));
  app.add_flag("--compress", o.compress,
               "Chunk per image and deflate (default: contiguous, which the cache maps fastest)");
  app.add_flag("--force", o.force, "Overwrite OUT if it exists");
  app.add_flag("--quiet", o.quiet, "No progress on stderr");
  app.add_option("--preview", o.preview,
                 "Also write a PNG of the first 8 samples with heatmaps and glints marked");
}

glint::synth::GeneratorOptions generator_options(const MakeDatasetOptions& o) {
  glint::synth::GeneratorOptions g = o.preset == "seed" ? glint::synth::seed_preset()
                                                        : glint::synth::GeneratorOptions();
  g.count = o.count.value_or(g.count);
  g.size = o.size.value_or(g.size);
  g.min_glints = o.min_glints.value_or(g.min_glints);
  g.max_glints = o.max_glints.value_or(g.max_glints);
  if (o.image_dtype) g.image_dtype = *glint::dtype_from_name(*o.image_dtype);
  if (o.heatmap_dtype) g.heatmap_dtype = *glint::dtype_from_name(*o.heatmap_dtype);
  g.sigma = o.sigma.value_or(g.sigma);
  g.seed = o.seed;
  g.threads = o.threads;
  g.compress = o.compress;
  g.overwrite = o.force;
  return g;
}

// What a user training on SIZE x SIZE images with train_glint_unet must know,
// or "" when its default --depth fits.
std::string depth_note(uint32_t size) {
  const int64_t fits = glint::largest_unet_depth(size, glint::kDefaultUnetDepth);
  if (fits == glint::kDefaultUnetDepth) return "";
  const std::string dims = std::to_string(size) + "x" + std::to_string(size);
  const int64_t step = int64_t{1} << glint::kDefaultUnetDepth;
  const std::string nearest = std::to_string((size + step / 2) / step * step);
  if (fits == 0) {
    return dims + " images do not divide by 2, so no UNet depth fits them; use a --size that is a multiple of " +
           std::to_string(step) + ", such as " + nearest;
  }
  return dims + " images train only with --depth " + std::to_string(fits) + " or less (train_glint_unet's default --depth " +
         std::to_string(glint::kDefaultUnetDepth) + " needs a multiple of " + std::to_string(step) + ", such as " + nearest +
         ")";
}

void install_stop_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = request_stop;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

int run_make_glint_dataset(const MakeDatasetOptions& o) {
  const glint::synth::GeneratorOptions g = generator_options(o);
  install_stop_handlers();
  glint::synth::ProgressPrinter printer(stderr, ::isatty(STDERR_FILENO) == 1, o.output);
  const auto start = std::chrono::steady_clock::now();
  const glint::Status status =
      glint::synth::write_dataset(o.output, g, [&](uint64_t done, uint64_t total) {
        if (!o.quiet) printer.update(done, total);
        return g_stop == 0;
      });
  printer.finish();
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, status.message().c_str());
    // The temporary file is gone already. Skip HDF5's exit handler: after
    // some write errors HDF5 1.10 keeps a dangling file and crashes there.
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(g_stop != 0 ? 130 : 1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %llu samples of %ux%u, images %s, heatmaps %s, up to %u glints, "
              "%s of data in %.1f s\n",
              o.output.c_str(), static_cast<unsigned long long>(g.count), g.size, g.size,
              std::string(glint::dtype_name(g.image_dtype)).c_str(),
              std::string(glint::dtype_name(g.heatmap_dtype)).c_str(), g.max_glints,
              glint::format_bytes(glint::synth::payload_bytes(g)).c_str(), seconds);
  if (std::string note = depth_note(g.size); !note.empty()) std::fprintf(stderr, "%s: note: %s\n", kProgram, note.c_str());
  if (!o.preview.empty()) {
    const glint::Status shown = glint::synth::write_preview_png(o.preview, g);
    if (!shown.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, shown.message().c_str());
      return 1;
    }
    std::printf("wrote preview %s\n", o.preview.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", kProgram};
  MakeDatasetOptions options;
  setup_make_glint_dataset(app, options);
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  return run_make_glint_dataset(options);
}
