#include "predict/indices.h"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace glint::predict {
namespace {

[[noreturn]] void fail(const std::string& spec, const std::string& why) {
  throw std::runtime_error("--indices " + spec + ": " + why);
}

// A non-negative integer, or `fallback` when the text is empty.
int64_t number(std::string_view text, int64_t fallback, const std::string& spec) {
  if (text.empty()) return fallback;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    fail(spec, "'" + std::string(text) + "' is not a row number; write e.g. 0:100 or 3,9,20:30");
  }
  return v;
}

}  // namespace

std::vector<int64_t> parse_indices(const std::string& spec, int64_t rows) {
  std::vector<int64_t> out;
  if (spec.empty()) {
    for (int64_t i = 0; i < rows; ++i) out.push_back(i);
    return out;
  }
  std::string_view rest = spec;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const size_t colon = item.find(':');
    int64_t first = 0, last = 0;  // [first, last)
    if (colon == std::string_view::npos) {
      if (item.empty()) fail(spec, "empty item; write e.g. 0:100 or 3,9,20:30");
      first = number(item, 0, spec);
      last = first + 1;
    } else {
      first = number(item.substr(0, colon), 0, spec);
      last = number(item.substr(colon + 1), rows, spec);
    }
    if (last > rows || first >= rows) {
      fail(spec, "the file has only " + std::to_string(rows) + " rows (0 to " + std::to_string(rows - 1) + ")");
    }
    if (first >= last) fail(spec, "the range " + std::string(item) + " is empty");
    for (int64_t i = first; i < last; ++i) out.push_back(i);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace glint::predict
