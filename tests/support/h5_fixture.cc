#include "support/h5_fixture.h"

#include <stdexcept>

namespace glint::testing {
namespace {

void check(herr_t rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string("HDF5 fixture: ") + what + " failed");
}
hid_t check_id(hid_t id, const char* what) {
  if (id < 0) throw std::runtime_error(std::string("HDF5 fixture: ") + what + " failed");
  return id;
}

}  // namespace

FixtureDataset pattern_dataset(const std::string& name, hid_t h5_type, std::vector<hsize_t> shape,
                               uint32_t seed) {
  FixtureDataset d;
  d.name = name;
  d.h5_type = h5_type;
  d.shape = std::move(shape);
  uint64_t n = H5Tget_size(h5_type);
  for (hsize_t s : d.shape) n *= s;
  d.bytes.resize(n);
  uint32_t x = seed * 2654435761u + 1;
  for (uint64_t i = 0; i < n; ++i) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    d.bytes[i] = static_cast<uint8_t>(x);
  }
  // Keep floating-point patterns finite: clear the top exponent bit of each element.
  if (H5Tget_class(h5_type) == H5T_FLOAT) {
    size_t es = H5Tget_size(h5_type);
    for (uint64_t i = es - 1; i < n; i += es) d.bytes[i] &= 0x3f;
  }
  return d;
}

void write_h5(const std::string& path, const std::vector<FixtureDataset>& datasets) {
  hid_t lcpl = check_id(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate(link)");
  check(H5Pset_create_intermediate_group(lcpl, 1), "H5Pset_create_intermediate_group");
  hid_t file = check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "H5Fcreate");
  for (const auto& d : datasets) {
    hid_t space = check_id(H5Screate_simple(static_cast<int>(d.shape.size()), d.shape.data(), nullptr),
                           "H5Screate_simple");
    hid_t dcpl = check_id(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dataset)");
    if (d.chunked_compressed) {
      std::vector<hsize_t> chunk = d.shape;
      chunk[0] = 1;
      check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
      check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
    } else if (!d.chunk.empty()) {
      check(H5Pset_chunk(dcpl, static_cast<int>(d.chunk.size()), d.chunk.data()), "H5Pset_chunk");
      if (d.shuffle) check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
      if (d.deflate >= 0) check(H5Pset_deflate(dcpl, static_cast<unsigned>(d.deflate)), "H5Pset_deflate");
      if (d.fletcher32) check(H5Pset_fletcher32(dcpl), "H5Pset_fletcher32");
    }
    hid_t ds = check_id(H5Dcreate2(file, d.name.c_str(), d.h5_type, space, lcpl, dcpl, H5P_DEFAULT),
                        "H5Dcreate2");
    if (!d.bytes.empty() && d.write_data) {
      check(H5Dwrite(ds, d.h5_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.bytes.data()), "H5Dwrite");
    }
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
  }
  H5Fclose(file);
  H5Pclose(lcpl);
}

uint64_t fnv1a(const void* data, uint64_t bytes) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = 1469598103934665603ull;
  for (uint64_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace glint::testing
