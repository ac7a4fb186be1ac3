// The parts of the _glint extension module, one function per area.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

namespace glint::python {

// os.fspath(path) as a std::string (str or os.PathLike).
std::string fspath(const pybind11::object& path);

void bind_cache(pybind11::module_& m);      // Segment, open_shared, fingerprint
void bind_inventory(pybind11::module_& m);  // list_segments, cleanup, cleanup_all

}  // namespace glint::python
