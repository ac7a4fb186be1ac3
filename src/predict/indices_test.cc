#include "predict/indices.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace glint::predict {
namespace {

std::string error_of(const std::string& spec, int64_t rows) {
  try {
    parse_indices(spec, rows);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(IndicesTest, EmptySpecSelectsEveryRow) {
  EXPECT_EQ(parse_indices("", 4), (std::vector<int64_t>{0, 1, 2, 3}));
}

TEST(IndicesTest, RangesAreHalfOpenAndListsKeepTheirOrder) {
  EXPECT_EQ(parse_indices("0:3", 10), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(parse_indices("8:", 10), (std::vector<int64_t>{8, 9}));
  EXPECT_EQ(parse_indices(":2", 10), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(parse_indices("7,2,4:6", 10), (std::vector<int64_t>{7, 2, 4, 5}));
}

TEST(IndicesTest, RowsBeyondTheFileNameTheFileSize) {
  EXPECT_EQ(error_of("5:900", 100), "--indices 5:900: the file has only 100 rows (0 to 99)");
  EXPECT_EQ(error_of("100", 100), "--indices 100: the file has only 100 rows (0 to 99)");
}

TEST(IndicesTest, TextThatIsNotTheSyntaxIsRejectedWithAnExample) {
  EXPECT_EQ(error_of("a:3", 10), "--indices a:3: 'a' is not a row number; write e.g. 0:100 or 3,9,20:30");
  EXPECT_EQ(error_of("-1", 10), "--indices -1: '-1' is not a row number; write e.g. 0:100 or 3,9,20:30");
  EXPECT_EQ(error_of("1,,2", 10), "--indices 1,,2: empty item; write e.g. 0:100 or 3,9,20:30");
  EXPECT_EQ(error_of("5:5", 10), "--indices 5:5: the range 5:5 is empty");
}

}  // namespace
}  // namespace glint::predict
