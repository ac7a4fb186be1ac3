#include "trainer_cleanup.h"

#include <cstdio>
#include <filesystem>
#include <ostream>

#include "glint/fingerprint.h"
#include "glint/inventory.h"
#include "util/byte_size.h"

namespace glint::train {

int run_cleanup_shm(const TrainOptions& options, std::ostream& out, std::ostream& err) {
  auto fingerprint = fingerprint_file(options.h5, options.cache.fingerprint);
  if (!fingerprint.ok()) {
    err << "train_glint_unet: error: --cleanup_shm: " << fingerprint.status().message() << "\n";
    return 1;
  }
  CleanupOptions co;
  co.shm_dir = options.cache.shm_dir;
  co.md5 = fingerprint->md5;
  co.source_path = fingerprint->path;
  auto report = cleanup_segments(co);
  if (!report.ok()) {
    err << "train_glint_unet: error: --cleanup_shm: " << report.status().message() << "\n";
    return 1;
  }
  for (const SegmentInfo& s : report->removed) out << "removed " << s.path << "\n";
  for (const std::string& why : report->skipped) err << "warning: skipped " << why << "\n";
  out << "cleanup of " << options.h5 << " (md5 " << fingerprint->md5 << "): "
      << report->removed.size() << " segment(s) removed, " << format_bytes(report->freed_bytes) << " freed\n";
  return 0;
}

}  // namespace glint::train
