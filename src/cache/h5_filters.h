// HDF5 filters that come as plugins (LZF, LZ4, BZip2, Bitshuffle, ...): making
// Debian's plugins loadable, and naming a missing one and its package.
#pragma once

#include <hdf5.h>

#include <string>

namespace glint {

// Loads, once and globally, the libraries Debian's filter plugins expect the
// program to provide (hdf5-plugin-lzf's plugin is not linked against liblzf,
// so without this HDF5 cannot dlopen it). Best effort; call before HDF5 reads.
void prepare_filter_plugins();

// "" when HDF5 can apply every filter of the dataset creation property list
// `dcpl`; otherwise one sentence naming the first missing filter (name and
// id) and the Debian package that provides it, e.g. "it is compressed with
// the HDF5 filter LZF (id 32000), which is not available: install the Debian
// package hdf5-plugin-lzf (and liblzf1) (HDF5 looks for filter plugins in
// ...)". Call under h5_lock().
std::string missing_filter(hid_t dcpl);

}  // namespace glint
