#include "trainer_data.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "glint/cache.h"
#include "util/byte_size.h"
#include "util/time.h"

namespace glint::train {
namespace {

using Clock = std::chrono::steady_clock;

// Codes a different flag value fixes: those are errors, not fallbacks.
bool users_fault(Code code) {
  return code == Code::kInvalidArgument || code == Code::kNotFound;
}

std::string describe_shared(const std::vector<SharedDataset>& opened, double seconds) {
  // Each dataset has its own lock: two trainers starting together may each
  // load one of them, so say which when it is a mix.
  std::string loaded, attached;
  uint64_t bytes = 0;
  std::string names;
  for (const SharedDataset& d : opened) {
    std::string& list = d.loaded_here() ? loaded : attached;
    list += (list.empty() ? "" : ", ") + d.segment();
    bytes += d.bytes();
    names += (names.empty() ? "" : ", ") + d.segment();
  }
  const std::string how = attached.empty() ? "loaded here"
                          : loaded.empty() ? "attached"
                                           : "loaded here " + loaded + ", attached " + attached;
  // A dataset that did not fit in /dev/shm is shared from the disk tier
  // (through the page cache): say so, and why, in the same line.
  const auto on_disk = std::find_if(opened.begin(), opened.end(),
                                    [](const SharedDataset& d) { return d.tier() == Tier::kDisk; });
  std::ostringstream s;
  // (the cache's own warning line for each such dataset says why).
  s << (on_disk == opened.end()
            ? std::string("shared memory, ")
            : "shared through the disk tier " + std::filesystem::path(on_disk->path()).parent_path().string() + ", ")
    << how << " in " << std::fixed << std::setprecision(2) << seconds << " s (" << format_bytes(bytes) << ": "
    << names << ")";
  return s.str();
}

// The shared source, or nullopt after the one warning line of a fallback.
std::optional<TrainingData> try_shared(const TrainOptions& options, const SourceShape& shape,
                                       std::ostream& err) {
  const auto start = Clock::now();
  const SourceOptions so = make_source_options(options, SourceKind::kShared, err);
  // Opened here, once, rather than inside make_source: the Status code
  // decides between error and fallback, and loaded_here() says who read it.
  auto opened = open_shared(so.h5_path, {shape.images.dataset, shape.heatmaps.dataset}, so.cache);
  const char* instead = options.preload ? "using a private copy" : "streaming from the file";
  if (!opened.ok()) {
    if (users_fault(opened.status().code())) {
      throw std::runtime_error("--shared_memory: " + opened.status().message());
    }
    err << "warning: shared memory unavailable (" << opened.status().message() << "); "
        << instead << "\n";
    return std::nullopt;
  }
  TrainingData data;
  data.description = describe_shared(*opened, seconds_since(start));
  try {
    data.source = make_shared_source(shape, std::move(opened).value(), so.h5_path);
  } catch (const std::runtime_error& e) {
    err << "warning: shared memory unavailable (" << e.what() << "); " << instead << "\n";
    return std::nullopt;
  }
  return data;
}

}  // namespace

SourceOptions make_source_options(const TrainOptions& options, SourceKind kind, std::ostream& err) {
  SourceOptions so;
  so.h5_path = options.h5;
  so.images = options.images;
  so.heatmaps = options.heatmaps;
  so.kind = kind;
  so.cache = options.cache;
  so.cache.on_warning = [&err](std::string_view line) { err << "warning: " << line << "\n"; };
  return so;
}

SourceShape check_training_file(const TrainOptions& options) {
  std::ostringstream ignored;
  return check_source(make_source_options(options, SourceKind::kStream, ignored));
}

TrainingData open_training_data(const TrainOptions& options, const SourceShape& shape,
                                std::ostream& err) {
  TrainingData data;
  if (options.shared_memory) {
    if (auto shared = try_shared(options, shape, err)) return std::move(*shared);
    data.fell_back = true;
  }
  const auto start = Clock::now();
  const SourceKind kind = options.preload ? SourceKind::kPreload : SourceKind::kStream;
  data.source = make_source(make_source_options(options, kind, err));
  const uint64_t bytes = static_cast<uint64_t>(shape.samples) *
                         (shape.images.row_bytes() + shape.heatmaps.row_bytes());
  std::ostringstream s;
  if (kind == SourceKind::kPreload) {
    s << "private copy, loaded here in " << std::fixed << std::setprecision(2)
      << seconds_since(start) << " s (" << format_bytes(bytes) << ")";
  } else {
    s << "streamed from the file (" << format_bytes(bytes) << " read as batches are built)";
  }
  data.description = s.str();
  return data;
}

}  // namespace glint::train
