// Reading generated files back with the plain HDF5 C API, for tests only.
#pragma once

#include <hdf5.h>

#include <fstream>
#include <string>
#include <vector>

namespace glint::synth::testing {

struct ReadDataset {
  std::vector<hsize_t> shape;
  H5T_class_t type_class = H5T_NO_CLASS;
  size_t type_size = 0;
  bool half = false;        // the IEEE binary16 layout numpy calls float16
  H5D_layout_t layout = H5D_LAYOUT_ERROR;
  int filters = 0;
  std::vector<float> values;  // converted by HDF5 to native float
};

inline ReadDataset read_dataset(const std::string& path, const char* name) {
  ReadDataset out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return out;
  const hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
  if (dset >= 0) {
    const hid_t space = H5Dget_space(dset);
    out.shape.resize(static_cast<size_t>(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, out.shape.data(), nullptr);
    const hid_t type = H5Dget_type(dset);
    out.type_class = H5Tget_class(type);
    out.type_size = H5Tget_size(type);
    if (out.type_class == H5T_FLOAT && out.type_size == 2) {
      size_t spos, epos, esize, mpos, msize;
      H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize);
      out.half = spos == 15 && epos == 10 && esize == 5 && mpos == 0 && msize == 10 &&
                 H5Tget_ebias(type) == 15 && H5Tget_order(type) == H5T_ORDER_LE;
    }
    const hid_t dcpl = H5Dget_create_plist(dset);
    out.layout = H5Pget_layout(dcpl);
    out.filters = H5Pget_nfilters(dcpl);
    hsize_t n = 1;
    for (hsize_t d : out.shape) n *= d;
    out.values.resize(n);
    H5Dread(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data());
    H5Pclose(dcpl);
    H5Tclose(type);
    H5Sclose(space);
    H5Dclose(dset);
  }
  H5Fclose(file);
  return out;
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::string bytes(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

}  // namespace glint::synth::testing
