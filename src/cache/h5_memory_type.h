// The HDF5 memory type for each cache dtype.
#pragma once

#include <hdf5.h>

#include "glint/dtype.h"

namespace glint {

// The memory type that reads a dataset as `dtype` (IEEE half for float16).
// Every returned type lives for the whole process, like H5T_NATIVE_*.
hid_t h5_memory_type(DType dtype);

}  // namespace glint
