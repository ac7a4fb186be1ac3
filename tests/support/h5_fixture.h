// Writing small HDF5 files for tests, with the HDF5 C API directly (not
// through the code under test).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace glint::testing {

struct FixtureDataset {
  std::string name;               // may contain groups: "train/images"
  hid_t h5_type;                  // e.g. H5T_NATIVE_FLOAT, H5T_NATIVE_UINT8
  std::vector<hsize_t> shape;
  std::vector<uint8_t> bytes;     // product(shape) * H5Tget_size(h5_type)
  bool chunked_compressed = false;  // shorthand: one row per chunk, deflate 4
  // Explicit storage, used when `chunk` is not empty: chunk shape, then the
  // filters in pipeline order (shuffle, deflate level >= 0, fletcher32).
  std::vector<hsize_t> chunk{};
  bool shuffle = false;
  int deflate = -1;
  bool fletcher32 = false;
  bool write_data = true;  // false leaves every chunk unwritten (fill values)
};

// A dataset whose element i (as raw bytes) is a deterministic function of
// (seed, i), so that two processes can compare checksums.
FixtureDataset pattern_dataset(const std::string& name, hid_t h5_type,
                               std::vector<hsize_t> shape, uint32_t seed = 1);

// Writes the datasets to `path` (truncating). Throws on any HDF5 failure.
void write_h5(const std::string& path, const std::vector<FixtureDataset>& datasets);

// FNV-1a of a byte range: cheap checksum to compare payloads across processes.
uint64_t fnv1a(const void* data, uint64_t bytes);

}  // namespace glint::testing
