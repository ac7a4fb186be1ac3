// Dataset names inside an HDF5 file: "images" and "/images" are the same.
#pragma once

#include <string>
#include <string_view>

namespace glint {

// The absolute form, with exactly the leading '/' HDF5 reports: "/images".
inline std::string absolute_dataset_name(std::string_view name) {
  std::string out;
  if (name.empty() || name.front() != '/') out = "/";
  // Appended, not "/" + std::string(name): GCC 12 reports a false -Wrestrict
  // inside libstdc++ for operator+(const char*, std::string&&) at -O3.
  out += name;
  return out;
}

}  // namespace glint
