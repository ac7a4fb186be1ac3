// One training run in a few numbers, from its JSON log (train_glint_unet
// --log, read with draw/train_log_plot.h): its best validation loss and the
// metrics of that epoch, its speed and memory. Pure functions; nothing here
// throws.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace glint::draw {

struct RunSummary {
  std::string name;
  long epochs = 0;              // epochs logged
  long best_epoch = 0;          // epoch of the lowest val_loss; 0 when none was logged
  double best_val_loss = NAN;   // at best_epoch
  double loc_error_px = NAN;    // at best_epoch (the last epoch when there is none)
  double precision = NAN, recall = NAN, f1 = NAN;  // likewise
  double samples_per_s = NAN;   // median over the epochs
  double peak_memory_mib = NAN; // largest "peak_rss_mib" logged; NaN when the log has none
};

RunSummary summarize_run(const std::string& name, const std::map<long, nlohmann::json>& epochs);

// Names for logs given as paths: the file's stem ("runs/focal.jsonl" ->
// "focal"), or "<folder>/<stem>" for stems that occur more than once.
std::vector<std::string> run_names(const std::vector<std::string>& paths);

}  // namespace glint::draw
