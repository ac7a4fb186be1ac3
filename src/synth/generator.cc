#include "synth/generator.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>

#include "synth/block.h"
#include "synth/h5_output.h"
#include "synth/output_path.h"
#include "util/atomic_file.h"
#include "util/h5_handle.h"

namespace glint::synth {
namespace {

unsigned thread_count(const GeneratorOptions& o) {
  if (o.threads > 0) return o.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

uint64_t samples_per_block(const GeneratorOptions& o) {
  const uint64_t per_sample = image_bytes(o) + heatmap_bytes(o) + glint_bytes(o);
  return std::clamp<uint64_t>(o.block_bytes / per_sample, 1, o.count);
}

// Renders block b + 1 while block b is written: with deflate the writing
// thread is busy compressing, and otherwise it waits on the page cache.
Status write_blocks(H5Output& out, const GeneratorOptions& o, const Progress& progress) {
  const uint64_t per_block = samples_per_block(o);
  const unsigned threads = thread_count(o);
  Block current, next;
  render_block(o, 0, std::min(per_block, o.count), threads, current);
  while (current.count > 0) {
    const uint64_t next_first = current.first + current.count;
    const uint64_t next_count = std::min(per_block, o.count - next_first);
    next.count = 0;
    std::jthread renderer;
    if (next_count > 0) {
      renderer = std::jthread([&] { render_block(o, next_first, next_count, threads, next); });
    }
    const Status written = out.write(current.first, current.count, current.images.data(),
                                     current.heatmaps.data(), current.glints.data());
    if (renderer.joinable()) renderer.join();
    GLINT_RETURN_IF_ERROR(written);
    if (progress && !progress(next_first, o.count)) {
      return Status(Code::kIOError, "interrupted after " + std::to_string(next_first) + " of " +
                                        std::to_string(o.count) + " samples: nothing was written");
    }
    std::swap(current, next);
  }
  return Status::Ok();
}

}  // namespace

Status write_dataset(const std::string& path, const GeneratorOptions& options,
                     const Progress& progress) {
  GLINT_RETURN_IF_ERROR(validate(options));
  GLINT_RETURN_IF_ERROR(check_output_path(path, options.overwrite));
  auto temp = AtomicFile::create(path, {.overwrite = options.overwrite, .exists_hint = kOverwriteHint},
                                 "cannot create a temporary file in the output directory");
  if (!temp.ok()) return temp.status();
  H5QuietErrors quiet;
  auto out = H5Output::create(temp->temp_path(), path, options);
  if (!out.ok()) return out.status();
  GLINT_RETURN_IF_ERROR(write_blocks(**out, options, progress));
  GLINT_RETURN_IF_ERROR((*out)->close());
  return temp->commit();
}

}  // namespace glint::synth
