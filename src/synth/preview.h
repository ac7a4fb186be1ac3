// A picture of the first samples of a dataset, for a person to look at.
#pragma once

#include <string>

#include "glint/status.h"
#include "synth/options.h"

namespace glint::synth {

// Writes an RGB PNG: a grid (4 per row) of the first min(`samples`,
// options.count) images in gray, the heatmap overlaid in red-to-yellow, and
// a green ring around each glint. Renders the samples again (they are the
// same as in the dataset). kInvalidArgument for bad options, kIOError when
// the PNG cannot be written.
Status write_preview_png(const std::string& path, const GeneratorOptions& options,
                         int samples = 8);

}  // namespace glint::synth
