#include "h5_filters.h"

#include <dlfcn.h>

#include <mutex>
#include <string_view>

namespace glint {
namespace {

struct KnownFilter {
  H5Z_filter_t id;
  std::string_view name;
  std::string_view package;  // Debian 12
};

// The registered filters Debian ships plugins for, and the built-in ones.
constexpr KnownFilter kKnown[] = {
    {H5Z_FILTER_DEFLATE, "deflate", "libhdf5 (built in)"},
    {H5Z_FILTER_SZIP, "szip", "libhdf5 built with libaec (built in)"},
    {307, "BZip2", "hdf5-filter-plugin"},
    {32000, "LZF", "hdf5-plugin-lzf (and liblzf1)"},
    {32004, "LZ4", "hdf5-filter-plugin"},
    {32008, "Bitshuffle", "hdf5-filter-plugin"},
};

std::string plugin_paths() {
  std::string out;
  unsigned n = 0;
  if (H5PLsize(&n) < 0) return "HDF5_PLUGIN_PATH";
  for (unsigned i = 0; i < n; ++i) {
    char buf[1024] = {};
    if (H5PLget(i, buf, sizeof buf) <= 0) continue;
    if (!out.empty()) out += ':';
    out += buf;
  }
  return out.empty() ? "HDF5_PLUGIN_PATH" : out;
}

std::string describe(H5Z_filter_t id, const char* stored_name) {
  for (const KnownFilter& k : kKnown) {
    if (k.id == id) {
      return "the HDF5 filter " + std::string(k.name) + " (id " + std::to_string(id) +
             "), which is not available: install the Debian package " + std::string(k.package);
    }
  }
  std::string name = (stored_name != nullptr && stored_name[0] != '\0') ? stored_name : "unnamed";
  return "the HDF5 filter '" + name + "' (id " + std::to_string(id) +
         "), which is not available: install its plugin (the HDF Group's list of registered filters "
         "names it by id)";
}

}  // namespace

void prepare_filter_plugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Kept open for the life of the process, as HDF5 keeps its plugins.
    (void)::dlopen("liblzf.so.1", RTLD_NOW | RTLD_GLOBAL);
  });
}

std::string missing_filter(hid_t dcpl) {
  prepare_filter_plugins();
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    size_t nvalues = 0;
    char name[256] = {};
    H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues, nullptr, sizeof name, name,
                                     &config);
    if (id < 0) continue;
    htri_t avail = H5Zfilter_avail(id);  // loads the plugin if there is one
    H5Eclear2(H5E_DEFAULT);
    if (avail > 0) continue;
    return "it is compressed with " + describe(id, name) + " (HDF5 looks for filter plugins in " +
           plugin_paths() + ")";
  }
  return "";
}

}  // namespace glint
