// Test-only helpers for the data-path tests (header only: the glint_train
// library must not depend on GoogleTest or the HDF5 fixtures).
#pragma once

#include <hdf5.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "data/data_source.h"
#include "support/h5_fixture.h"
#include "support/temp_dir.h"

namespace glint::train::testing {

// IEEE binary16, little-endian, built from the float type as h5py does.
inline hid_t make_half_type() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(t, 15, 10, 5, 0, 10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  H5Tset_precision(t, 16);
  return t;
}

// A temporary HDF5 file plus a private segment directory and fingerprint
// store, so that shared sources of different tests never meet.
class DataFixture {
 public:
  // Writes `datasets` to a fresh file.
  explicit DataFixture(const std::vector<glint::testing::FixtureDataset>& datasets)
      : h5_(dir_.file("train.h5")) {
    glint::testing::write_h5(h5_, datasets);
  }

  const std::string& h5() const { return h5_; }

  SourceOptions options(SourceKind kind) const {
    SourceOptions o;
    o.h5_path = h5_;
    o.kind = kind;
    o.cache.shm_dir = shm_.path();
    o.cache.fingerprint.store_dir = dir_.file("fingerprints");
    return o;
  }

 private:
  glint::testing::TempDir dir_;
  glint::testing::ShmDir shm_;
  std::string h5_;
};

// uint8 images [n, c, h, w] and float32 heatmaps [n, k, h, w] of pattern bytes.
inline std::vector<glint::testing::FixtureDataset> pattern_pair(hsize_t n, hsize_t c, hsize_t k,
                                                                hsize_t h, hsize_t w) {
  return {glint::testing::pattern_dataset("images", H5T_NATIVE_UINT8, {n, c, h, w}, 1),
          glint::testing::pattern_dataset("heatmaps", H5T_NATIVE_FLOAT, {n, k, h, w}, 2)};
}

inline constexpr SourceKind kAllKinds[] = {SourceKind::kShared, SourceKind::kPreload,
                                           SourceKind::kStream};

}  // namespace glint::train::testing
