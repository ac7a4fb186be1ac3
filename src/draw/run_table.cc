#include "draw/run_table.h"

#include <algorithm>
#include <cstdio>

namespace glint::draw {
namespace {

struct Column {
  const char* title;     // text and Markdown header
  const char* csv_name;  // CSV header
};

constexpr Column kColumns[] = {
    {"run", "run"},           {"epochs", "epochs"},        {"best val loss", "best_val_loss"},
    {"at epoch", "best_epoch"}, {"px error", "loc_error_px"}, {"P", "precision"},
    {"R", "recall"},          {"F1", "f1"},                {"samples/s", "samples_per_s"},
    {"peak MiB", "peak_memory_mib"},
};
constexpr size_t kColumnCount = std::size(kColumns);

std::string fixed(double v, int digits, const char* missing) {
  if (!std::isfinite(v)) return missing;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

std::vector<std::string> cells(const RunSummary& r, const char* missing) {
  return {r.name,
          std::to_string(r.epochs),
          fixed(r.best_val_loss, 4, missing),
          r.best_epoch > 0 ? std::to_string(r.best_epoch) : missing,
          fixed(r.loc_error_px, 2, missing),
          fixed(r.precision, 3, missing),
          fixed(r.recall, 3, missing),
          fixed(r.f1, 3, missing),
          fixed(r.samples_per_s, 1, missing),
          fixed(r.peak_memory_mib, 0, missing)};
}

// A CSV field, quoted when it holds a separator, a quote or a line break.
std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string join(const std::vector<std::string>& row, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) out += (i ? separator : "") + row[i];
  return out;
}

std::string text_table(std::vector<std::vector<std::string>> rows) {
  std::vector<size_t> width(kColumnCount, 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < kColumnCount; ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (auto& row : rows) {
    for (size_t c = 0; c < kColumnCount; ++c) {  // the name left-aligned, numbers right-aligned
      const std::string pad(width[c] - row[c].size(), ' ');
      row[c] = c == 0 ? row[c] + pad : pad + row[c];
    }
    std::string line = join(row, "  ");
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string format_run_table(const std::vector<RunSummary>& runs, TableFormat format) {
  std::vector<std::string> header;
  for (const Column& c : kColumns) header.push_back(format == TableFormat::kCsv ? c.csv_name : c.title);
  if (format == TableFormat::kCsv) {
    std::string out = join(header, ",") + "\n";
    for (const RunSummary& r : runs) {
      std::vector<std::string> row = cells(r, "");
      for (std::string& v : row) v = csv_field(v);
      out += join(row, ",") + "\n";
    }
    return out;
  }
  std::vector<std::vector<std::string>> rows = {header};
  for (const RunSummary& r : runs) rows.push_back(cells(r, "n/a"));
  if (format == TableFormat::kText) return text_table(std::move(rows));
  std::string out = "| " + join(header, " | ") + " |\n|";
  for (size_t c = 0; c < kColumnCount; ++c) out += c == 0 ? "---|" : "---:|";
  out += "\n";
  for (size_t i = 1; i < rows.size(); ++i) out += "| " + join(rows[i], " | ") + " |\n";
  return out;
}

}  // namespace glint::draw
