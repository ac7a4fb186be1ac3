// Which rows of a file glint_predict reads: the --indices syntax.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace glint::predict {

// Rows named by `spec` in a file of `rows` rows, in the order given:
//   ""        every row, 0 .. rows-1
//   "7"       row 7
//   "0:100"   rows 0 .. 99 (half-open, as in Python)
//   "90:"     rows 90 .. rows-1;  ":10" rows 0 .. 9
//   "3,9,20:30"  a comma-separated list of the above
// Throws std::runtime_error with one line ("--indices 5:900: the file has
// only 100 rows ...") for text that is not this syntax, an empty range, or
// a row beyond the file.
std::vector<int64_t> parse_indices(const std::string& spec, int64_t rows);

}  // namespace glint::predict
