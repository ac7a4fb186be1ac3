// _glint: the C++ cache library as a Python extension module. It binds the
// public API and adds only conversions; the `glint` package re-exports it.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "util/version.h"

PYBIND11_MODULE(_glint, m) {
  m.doc() = "glint: one copy of the datasets of an HDF5 file in shared memory, per machine.";
  glint::python::bind_errors(m);
  glint::python::bind_cache(m);
  glint::python::bind_inventory(m);
  m.attr("__version__") = glint::project_version();  // the project's version in CMakeLists.txt
}
