// The JSON log of train_glint_unet (--log FILE; keys in src/train/train_log.h)
// as a chart: losses, localisation errors, precision/recall/F1 per epoch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "draw/png_canvas.h"
#include <nlohmann/json_fwd.hpp>

namespace glint::draw {

// Epoch number -> its JSON object. When an epoch appears more than once (a
// resumed run appends), the last line wins. Throws std::runtime_error with
// one line ("log.jsonl:3: not a line of train_glint_unet --log ...") for a
// file that cannot be read, a line that is not such JSON, or no epoch at all.
std::map<long, nlohmann::json> read_train_log(const std::string& path);

// Three panels: train/validation loss (log scale when they span more than a
// factor 20), loc_error_px and loc_error_all_px in pixels, precision, recall
// and F1. Partial epochs are hollow points. `title` is drawn as given ("" draws
// none; glint_plot_log passes "<file>: N of M epochs" by default).
Canvas plot_train_log(const std::map<long, nlohmann::json>& epochs, const std::string& title);

// One run's log and the name it is shown under.
struct RunLog {
  std::string name;
  std::map<long, nlohmann::json> epochs;  // as read_train_log returns
};

// Several runs overlaid, one colour per run (ten colours, then repeated):
// train (dashed) and validation (solid) loss, loc_error_px, and F1 per
// epoch. Legends name the runs above each panel, never over the data.
Canvas plot_train_logs(const std::vector<RunLog>& runs, const std::string& title);

}  // namespace glint::draw
