// The runs of a sweep as a table, one row per run (draw/run_summary.h):
// what glint_plot_log --table prints. Pure functions; nothing here throws.
#pragma once

#include <string>
#include <vector>

#include "draw/run_summary.h"

namespace glint::draw {

enum class TableFormat { kText, kCsv, kMarkdown };

// A header line and one line per run, each ending in '\n'. Text: aligned
// columns, "n/a" where there is no value; CSV: machine names
// (run,epochs,best_val_loss,best_epoch,loc_error_px,precision,recall,f1,
// samples_per_s,peak_memory_mib), empty where there is no value; Markdown:
// a table with the text's headers.
std::string format_run_table(const std::vector<RunSummary>& runs, TableFormat format);

}  // namespace glint::draw
