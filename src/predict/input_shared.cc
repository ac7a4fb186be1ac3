#include "predict/input_shared.h"

#include <filesystem>
#include <ostream>
#include <stdexcept>

#include "glint/inventory.h"

namespace glint::predict {
namespace {

// A valid segment of `dataset` of this very file (same real path, not stale),
// found without hashing the file: the cheap test before the attach.
bool segment_present(const PredictOptions& o, const std::string& dataset) {
  std::error_code ec;
  const std::string path = std::filesystem::canonical(o.h5, ec).string();  // realpath, as the trailer
  ListOptions lo;
  lo.shm_dir = o.shm_dir;
  lo.find_mappers = false;
  auto listed = list_segments(lo);
  if (!listed.ok()) return false;  // no readable shm_dir: the file it is
  for (const SegmentInfo& s : *listed) {
    if (s.problem.empty() && !s.stale && s.trailer && s.trailer->source_path == path &&
        s.dataset == dataset) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<CachedImages> cached_images(const PredictOptions& o, const std::string& dataset,
                                          std::ostream& err) {
  // Without --shared_memory: a trainer's segment if there is one, else the
  // file. The listing spares the file's MD5 when there is none; attach_only
  // makes sure nothing is loaded when the segment goes away in between.
  if (!o.shared_memory && !segment_present(o, dataset)) return std::nullopt;
  CacheOptions cache;
  cache.attach_only = !o.shared_memory;
  cache.shm_dir = o.shm_dir;
  cache.fingerprint.store_dir = o.fingerprint_dir;
  cache.on_warning = [&err](std::string_view line) { err << "warning: " << line << "\n"; };
  auto opened = open_shared(o.h5, {dataset}, cache);
  if (!opened.ok()) {
    const Code code = opened.status().code();
    if (!o.shared_memory && code == Code::kNotFound) return std::nullopt;  // no segment: the file
    if (code == Code::kInvalidArgument || code == Code::kNotFound) {
      throw std::runtime_error((o.shared_memory ? "--shared_memory: " : "shared memory: ") +
                               opened.status().message());
    }
    err << "warning: shared memory unavailable (" << opened.status().message()
        << "); reading the file\n";
    return std::nullopt;
  }
  SharedDataset segment = std::move(opened->front());
  const std::string how = (segment.loaded_here() ? "loaded " : "attached ") + segment.segment();
  return CachedImages{std::move(segment), how};
}

}  // namespace glint::predict
