// --load --h5 FILE [--datasets a,b]: warm the cache now, so trainings attach.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "commands.h"
#include "format.h"
#include "glint/cache.h"
#include "json_output.h"
#include "util/dataset_name.h"

namespace glint::shm_manager {
namespace {

// Progress on stderr: a line redrawn in place on a terminal, a line per
// quarter otherwise (logs should not fill with carriage returns).
class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(const LoadProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    int percent = p.total_bytes == 0 ? 100 : static_cast<int>(p.done_bytes * 100 / p.total_bytes);
    int step = tty_ ? percent : percent / 25 * 25;
    if (p.dataset == dataset_ && step == last_step_) return;
    dataset_ = p.dataset;
    last_step_ = step;
    std::fprintf(stderr, "%sloading %s: %3d%% (%s of %s)%s", tty_ ? "\r" : "", p.dataset.c_str(),
                 percent, format_bytes(p.done_bytes).c_str(), format_bytes(p.total_bytes).c_str(),
                 tty_ ? "" : "\n");
    open_line_ = tty_;
  }

  void end_line() {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_line_) std::fputc('\n', stderr);
    open_line_ = false;
    last_step_ = -1;
  }

 private:
  std::mutex mu_;
  bool tty_;
  std::string dataset_;
  int last_step_ = -1;
  bool open_line_ = false;
};

// The datasets to load, each checked against the file; "" error when fine.
std::string select_datasets(const ManagerOptions& o, const H5Target& target,
                            std::vector<DatasetInfo>& out) {
  if (o.datasets.empty()) {
    out = target.datasets;
    return out.empty() ? "'" + o.h5 + "' has no numeric dataset to load" : "";
  }
  for (const std::string& wanted : o.datasets) {
    const std::string name = absolute_dataset_name(wanted);
    auto it = std::find_if(target.datasets.begin(), target.datasets.end(),
                           [&](const DatasetInfo& ds) { return ds.name == name; });
    if (it == target.datasets.end()) {
      std::string have;
      for (const DatasetInfo& ds : target.datasets) have += (have.empty() ? "" : ", ") + ds.name;
      return "'" + o.h5 + "' has no numeric dataset '" + wanted + "'; it has: " + have;
    }
    out.push_back(*it);
  }
  return "";
}

struct Outcome {
  std::string dataset, segment;
  bool loaded = false;
  double seconds = 0;
  uint64_t bytes = 0;
  std::string tier;       // "shared memory" or "disk"
  std::string tier_note;  // which tier served and why
};

CacheOptions cache_options(const ManagerOptions& o, ProgressPrinter& progress) {
  CacheOptions options;
  options.shm_dir = o.shm_dir;
  options.share_group = o.share_group;
  options.max_shm = o.max_shm;
  options.cache_dir = o.cache_dir;
  options.max_cache = o.max_cache;
  options.reclaim_old_versions = !o.no_reclaim;
  options.make_room = !o.no_make_room;
  options.on_progress = [&progress](const LoadProgress& p) { progress.update(p); };
  options.on_warning = [](std::string_view w) {
    std::fprintf(stderr, "warning: %.*s\n", static_cast<int>(w.size()), w.data());
  };
  return options;
}

void print_outcome(const Outcome& r) {
  std::printf("✓ %-12s - %s\n  %s in %.2f s (%s)\n  Tier: %s\n", r.dataset.c_str(), r.segment.c_str(),
              r.loaded ? "Loaded" : "Already present, attached", r.seconds, format_bytes(r.bytes).c_str(),
              r.tier_note.c_str());
  std::fflush(stdout);
}

void print_summary(const ManagerOptions& o, const H5Target& target,
                   const std::vector<Outcome>& outcomes) {
  size_t loaded = 0;
  uint64_t bytes = 0;
  nlohmann::json items = nlohmann::json::array();
  for (const Outcome& r : outcomes) {
    loaded += r.loaded;
    bytes += r.bytes;
    items.push_back({{"dataset", r.dataset}, {"segment", r.segment}, {"loaded", r.loaded},
                     {"seconds", r.seconds}, {"bytes", r.bytes}, {"tier", r.tier}, {"tier_note", r.tier_note}});
  }
  if (o.json) {
    print_json({{"file", o.h5}, {"md5", target.fingerprint.md5}, {"shm_dir", o.shm_dir},
                {"datasets", items}});
    return;
  }
  std::printf("\n%s: %zu loaded, %zu already present; %s cached\n",
              count_of(outcomes.size(), "dataset", "datasets").c_str(), loaded,
              outcomes.size() - loaded, format_bytes(bytes).c_str());
}

}  // namespace

int run_load(const ManagerOptions& o) {
  auto target = inspect_h5(o.h5, o.rehash);
  if (!target.ok()) return fail(target.status().message());
  std::vector<DatasetInfo> datasets;
  if (std::string error = select_datasets(o, *target, datasets); !error.empty()) return fail(error);
  if (!o.json) std::printf("File: %s\nMD5: %s\n\n", o.h5.c_str(), target->fingerprint.md5.c_str());
  ProgressPrinter progress;
  CacheOptions options = cache_options(o, progress);
  std::vector<Outcome> outcomes;
  // One call per dataset, to time each; the MD5 was just remembered above.
  for (const DatasetInfo& ds : datasets) {
    auto start = std::chrono::steady_clock::now();
    auto shared = open_shared(o.h5, {ds.name}, options);
    progress.end_line();
    if (!shared.ok()) return fail(shared.status().message());
    const SharedDataset& view = shared->front();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    outcomes.push_back({ds.name, view.segment(), view.loaded_here(), took.count(), view.bytes(),
                        std::string(tier_name(view.tier())), view.tier_note()});
    if (!o.json) print_outcome(outcomes.back());
  }
  print_summary(o, *target, outcomes);
  return 0;
}

}  // namespace glint::shm_manager
