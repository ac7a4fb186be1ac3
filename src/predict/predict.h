// glint_predict's work: runs a trained checkpoint on the images the options
// name, in batches, and reports what it finds (stdout, --out CSV, --overlay
// PNGs, --png contact sheet).
#pragma once

#include <iosfwd>

#include "predict/predict_options.h"

namespace glint::predict {

// Returns the exit code: 0, or 1 after ONE line "glint_predict: error: ..."
// on `err` (bad input file, dataset, model, or an output that cannot be
// written). Results and the summary go to `out`; warnings to `err`.
int run_predict(const PredictOptions& options, std::ostream& out, std::ostream& err);

}  // namespace glint::predict
