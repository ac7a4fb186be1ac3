// IEEE 754 binary16 ("float16", numpy's "<f2") conversion and its HDF5 type.
#pragma once

#include <hdf5.h>

#include <cstdint>

namespace glint::synth {

// Rounds to the nearest half, ties to even; overflow gives infinity, NaN stays
// NaN (quiet), tiny values become subnormals or signed zero.
uint16_t float_to_half_bits(float value);

// Exact inverse for every half value.
float half_bits_to_float(uint16_t bits);

// A new HDF5 datatype for little-endian IEEE half floats, which h5py and
// numpy read as float16. The caller owns it (H5Tclose); negative on failure.
hid_t create_h5_half_type();

}  // namespace glint::synth
