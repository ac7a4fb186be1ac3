// The generator's checks of its output path, made before any work so that a
// wrong path fails at once rather than after minutes of rendering.
#pragma once

#include <string>

#include "glint/status.h"

namespace glint::synth {

// kInvalidArgument when `target` names no file ("" or ending in '/'), is a
// directory, or exists and `overwrite` is false ("pass --force").
Status check_output_path(const std::string& target, bool overwrite);

// The hint added to the error of an output that already exists.
inline constexpr const char* kOverwriteHint = "pass --force to overwrite it";

}  // namespace glint::synth
