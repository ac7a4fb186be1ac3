// What glint_predict found in one image, and how it is reported: a few lines
// for people and rows of a CSV file.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/peaks.h"
#include "util/atomic_file.h"

namespace glint::predict {

struct ImageResult {
  std::string label;                           // row of the file, or file path
  std::vector<train::Peak> predicted;          // sorted by channel, then score
  std::optional<std::vector<train::Peak>> truth;  // nullopt: no ground truth
  train::MatchResult match;                    // empty without truth
};

// "image 17: 2 glint(s)", a line per glint, and with truth the true glints
// and "-> 2 matched within 3 px, mean error 0.21 px".
void print_result(std::ostream& out, const ImageResult& r, double match_radius);

// The CSV of --out. Columns: sample,x,y,score; with ground truth also
// true_x,true_y,distance_px,match where match is "hit" (a prediction paired
// with a true glint within the radius), "false_positive" (a prediction
// paired with none) or "missed" (a true glint no prediction matched; x, y,
// score are empty). x is the column and y the row, in pixels. One row per
// glint; an image with neither predicted nor true glints has no row.
// The rows go to a temporary file (util/atomic_file.h) that close() renames
// to the path: a run that fails half-way leaves no CSV, and an older one of
// that name untouched.
class CsvWriter {
 public:
  // Creates the temporary file and writes the header. Throws
  // std::runtime_error (one line) when it cannot be created.
  CsvWriter(const std::string& path, bool with_truth);
  // Appends the rows of one image; throws std::runtime_error on a failed write.
  void write(const ImageResult& r);
  // Renames the file to its path; throws std::runtime_error when that fails.
  void close();

 private:
  void append(const std::string& text);

  std::string path_;
  bool with_truth_;
  std::optional<AtomicFile> file_;
};

}  // namespace glint::predict
