// A number as the logs and summaries print it: fixed digits, and "n/a" for
// a value that is not finite (a metric with nothing to average), so that
// epoch lines and the summary say the same thing.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace glint {

inline std::string fixed_or_na(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

}  // namespace glint
