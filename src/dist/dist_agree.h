// What every rank of a group must share with rank 0 (flags, data, model
// shape), as ordered key/value pairs that travel through the store.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace glint::train {

// ("--batch", "4"), ("the MD5 of --h5", "9e10...")...: names as the user knows
// them.
using Identity = std::vector<std::pair<std::string, std::string>>;

// One "name=value" line per pair (values must not contain newlines).
std::string serialize_identity(const Identity& identity);
Identity parse_identity(const std::string& text);

// "" when equal; else every difference between rank `rank`'s identity and
// rank 0's, e.g. "--batch is 8 on rank 1, 4 on rank 0; the MD5 of --h5 is ab..
// on rank 1, cd.. on rank 0". A name only one side has counts as a difference.
std::string describe_difference(const Identity& other, int rank, const Identity& rank0);

}  // namespace glint::train
