#include "predict/result.h"

#include <cstdio>
#include <stdexcept>

namespace glint::predict {
namespace {

std::string fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

// RFC 4180: a field with a comma, quote or newline is quoted, quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void print_result(std::ostream& out, const ImageResult& r, double match_radius) {
  out << "image " << r.label << ": " << r.predicted.size() << " glint(s)\n";
  for (const train::Peak& p : r.predicted) {
    out << "  x " << fixed(p.x, 2) << "  y " << fixed(p.y, 2) << "  score " << fixed(p.score, 3) << "\n";
  }
  if (!r.truth) return;
  out << "  truth:";
  for (const train::Peak& p : *r.truth) out << " (" << fixed(p.x, 2) << ", " << fixed(p.y, 2) << ")";
  const size_t hits = r.match.pairs.size();
  out << "  -> " << hits << " matched within " << fixed(match_radius, 0) << " px, mean error "
      << fixed(hits == 0 ? 0.0 : r.match.sum_distance / static_cast<double>(hits), 2) << " px\n";
}

CsvWriter::CsvWriter(const std::string& path, bool with_truth) : path_(path), with_truth_(with_truth) {
  auto created = AtomicFile::create(path);
  if (!created.ok()) {
    throw std::runtime_error("--out " + path + ": " + created.status().message() +
                             "; check the directory exists and is writable");
  }
  file_.emplace(std::move(*created));
  append(with_truth ? "sample,x,y,score,true_x,true_y,distance_px,match\n" : "sample,x,y,score\n");
}

void CsvWriter::append(const std::string& text) {
  if (const Status st = file_->write(text); !st.ok()) throw std::runtime_error("--out " + path_ + ": " + st.message());
}

void CsvWriter::write(const ImageResult& r) {
  const std::string sample = csv_field(r.label);
  std::vector<const train::MatchResult::Pair*> pair_of(r.predicted.size(), nullptr);
  std::vector<bool> found(r.truth ? r.truth->size() : 0, false);
  for (const auto& pair : r.match.pairs) {
    pair_of[pair.predicted] = &pair;
    found[pair.ground_truth] = true;
  }
  std::string rows;
  char line[256];
  for (size_t i = 0; i < r.predicted.size(); ++i) {
    const train::Peak& p = r.predicted[i];
    std::snprintf(line, sizeof line, ",%.3f,%.3f,%.4f", p.x, p.y, p.score);
    rows += sample + line;
    if (with_truth_) {
      if (const auto* pair = pair_of[i]) {
        const train::Peak& t = (*r.truth)[pair->ground_truth];
        std::snprintf(line, sizeof line, ",%.3f,%.3f,%.3f,hit", t.x, t.y, pair->distance);
        rows += line;
      } else {
        rows += ",,,,false_positive";
      }
    }
    rows += '\n';
  }
  if (with_truth_ && r.truth) {
    for (size_t j = 0; j < found.size(); ++j) {
      if (found[j]) continue;
      const train::Peak& t = (*r.truth)[j];
      std::snprintf(line, sizeof line, ",,,,%.3f,%.3f,,missed\n", t.x, t.y);
      rows += sample + line;
    }
  }
  append(rows);
}

void CsvWriter::close() {
  if (const Status st = file_->commit(); !st.ok()) throw std::runtime_error("--out " + path_ + ": " + st.message());
}

}  // namespace glint::predict
