// Byte counts for people, in binary units everywhere (text and logs):
// KiB = 1024 bytes, MiB = 1024 KiB. JSON output carries exact byte counts.
#pragma once

#include <cstdint>
#include <string>

namespace glint {

// One decimal: "245.3 MiB"; below 100 KiB in KiB ("12.0 KiB") so small
// datasets (labels, coordinates) do not all read "0.0 MiB"; zero is "0.0 MiB".
std::string format_bytes(uint64_t bytes);

}  // namespace glint
