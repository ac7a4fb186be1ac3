#include "glint/shm_budget.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "util/byte_size.h"

namespace glint {
namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Bytes per unit, or 0 for an unknown unit.
double unit_bytes(const std::string& unit) {
  static const char* const kUnits = "kmgt";
  if (unit.empty() || unit == "b") return 1;
  size_t p = std::string_view(kUnits).find(unit[0]);
  if (p == std::string_view::npos) return 0;
  std::string rest = unit.substr(1);
  if (!rest.empty() && rest != "b" && rest != "ib") return 0;
  return std::pow(1024.0, static_cast<double>(p + 1));
}

Status bad(std::string_view text) {
  return Status(Code::kInvalidArgument,
                "'" + std::string(text) +
                    "' is not a shared-memory budget; give a size (512M, 2G, 1.5GiB, bytes) or a share of the "
                    "shared-memory file system (40%)");
}

}  // namespace

uint64_t ShmBudget::cap(uint64_t fs_bytes) const {
  if (bytes > 0) return bytes;
  if (percent > 0) return static_cast<uint64_t>(static_cast<double>(fs_bytes) * percent / 100.0);
  return std::numeric_limits<uint64_t>::max();
}

std::string ShmBudget::text() const {
  char buf[48];
  if (bytes > 0) {
    return format_bytes(bytes);
  } else if (percent > 0) {
    std::snprintf(buf, sizeof buf, "%g%%", percent);
  } else {
    return "none";
  }
  return buf;
}

Result<ShmBudget> parse_shm_budget(std::string_view text) {
  ShmBudget b;
  if (text.empty() || lower(text) == "none") return b;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !(value > 0) || !std::isfinite(value)) return bad(text);
  std::string unit = lower(std::string_view(end, static_cast<size_t>(text.data() + text.size() - end)));
  if (unit == "%") {
    if (value > 100) return bad(text);
    b.percent = value;
    return b;
  }
  double scale = unit_bytes(unit);
  if (scale == 0 || value * scale < 1 || value * scale > 9.2e18) return bad(text);
  b.bytes = static_cast<uint64_t>(value * scale);
  return b;
}

}  // namespace glint
