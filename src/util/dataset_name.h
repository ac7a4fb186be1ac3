// Dataset names inside an HDF5 file: "images" and "/images" are the same.
#pragma once

#include <string>
#include <string_view>

namespace glint {

// The absolute form, with exactly the leading '/' HDF5 reports: "/images".
inline std::string absolute_dataset_name(std::string_view name) {
  if (!name.empty() && name.front() == '/') return std::string(name);
  return "/" + std::string(name);
}

}  // namespace glint
