// glint.open_shared and glint.fingerprint: the cache API as numpy arrays.
//
// Each array's memory is the segment itself. The array's base is a
// glint.Segment, the Python object that owns the C++ SharedDataset (and so
// the mapping); numpy keeps the base alive as long as the array or any view
// of it, so the segment is unmapped exactly when the last one dies.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "errors.h"
#include "glint/cache.h"
#include "glint/fingerprint.h"
#include "glint/h5.h"

namespace py = pybind11;

namespace glint::python {
namespace {

using Segment = SharedDataset;

py::array as_array(py::object owner) {
  const Segment& s = owner.cast<const Segment&>();
  const size_t item = dtype_size(s.dtype());
  std::vector<py::ssize_t> shape(s.shape().begin(), s.shape().end());
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = static_cast<py::ssize_t>(item);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  py::array array(py::dtype(std::string(dtype_typestr(s.dtype()))), shape, strides, s.data(), owner);
  // The pages are mapped PROT_READ: numpy must refuse writes, not fault.
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

// "/images" -> "images": the keys a user passed (or would pass).
std::string key_of(const std::string& dataset) {
  return dataset.starts_with('/') ? dataset.substr(1) : dataset;
}

std::vector<std::string> dataset_list(const py::object& datasets) {
  if (datasets.is_none()) return {};
  if (py::isinstance<py::str>(datasets)) return {datasets.cast<std::string>()};
  std::vector<std::string> names;
  if (py::isinstance<py::sequence>(datasets) && !py::isinstance<py::bytes>(datasets)) {
    for (const py::handle item : datasets) {
      if (!py::isinstance<py::str>(item)) {
        throw py::type_error("datasets: every name must be a str, got " +
                             std::string(py::str(py::type::of(item).attr("__name__"))));
      }
      names.push_back(item.cast<std::string>());
    }
    return names;
  }
  throw py::type_error("datasets must be None, a str or a list of str, got " +
                       std::string(py::str(py::type::of(datasets).attr("__name__"))));
}

CacheOptions cache_options(const py::object& shm_dir, const py::object& share_group,
                           std::vector<std::string>* warnings) {
  CacheOptions options;
  if (!shm_dir.is_none()) options.shm_dir = fspath(shm_dir);
  if (!share_group.is_none()) options.share_group = share_group.cast<std::string>();
  // Called with the GIL released: collect, warn once it is held again.
  options.on_warning = [warnings](std::string_view text) { warnings->emplace_back(text); };
  return options;
}

py::dict open_shared(const py::object& h5, const py::object& datasets, const py::object& shm_dir,
                     const py::object& share_group, bool attach_only) {
  const std::string path = fspath(h5);
  const std::vector<std::string> names = dataset_list(datasets);
  std::vector<std::string> warnings;
  CacheOptions options = cache_options(shm_dir, share_group, &warnings);
  options.attach_only = attach_only;
  Result<std::vector<SharedDataset>> opened = [&] {
    py::gil_scoped_release release;
    return glint::open_shared(path, names, options);
  }();
  for (const std::string& text : warnings) {
    // -1 when warnings are errors: the warning becomes the exception.
    if (PyErr_WarnEx(PyExc_RuntimeWarning, text.c_str(), /*stacklevel=*/1) < 0) throw py::error_already_set();
  }
  std::vector<SharedDataset> segments = value_or_raise(std::move(opened));
  py::dict result;
  for (SharedDataset& segment : segments) {
    const std::string key = key_of(segment.dataset());
    py::object owner = py::cast(std::make_unique<Segment>(std::move(segment)));
    result[py::str(key)] = as_array(owner);
  }
  return result;
}

std::string fingerprint(const py::object& h5, bool rehash) {
  const std::string path = fspath(h5);
  FingerprintOptions options;
  options.rehash = rehash;
  Result<Fingerprint> fp = [&] {
    py::gil_scoped_release release;
    return fingerprint_file(path, options);
  }();
  return value_or_raise(std::move(fp)).md5;
}

// {name: (shape, dtype)} of datasets of the file, from its metadata: nothing
// is read or loaded.
py::dict describe(const py::object& h5, const std::vector<std::string>& datasets) {
  const std::string path = fspath(h5);
  std::unique_ptr<H5Source> source = value_or_raise(H5Source::open(path));
  py::dict out;
  for (const std::string& name : datasets) {
    const DatasetInfo info = value_or_raise(source->info(name));
    out[py::str(name)] = py::make_tuple(py::tuple(py::cast(info.shape)), std::string(dtype_name(info.dtype)));
  }
  return out;
}

}  // namespace

std::string fspath(const py::object& path) {
  return py::module_::import("os").attr("fspath")(path).cast<std::string>();
}

void bind_cache(py::module_& m) {
  py::class_<Segment, std::unique_ptr<Segment>>(m, "Segment", R"doc(
One dataset mapped from shared memory: the ``base`` of the arrays that
``open_shared`` returns. It owns the mapping; the mapping is removed when the
last array or view that refers to it is gone.)doc")
      .def_property_readonly("dataset", &Segment::dataset, "Dataset path in the file, '/images'.")
      .def_property_readonly("segment", &Segment::segment, "Segment name, 'glint_<md5>_images'.")
      .def_property_readonly("md5", &Segment::md5, "MD5 of the HDF5 file.")
      .def_property_readonly("dtype", [](const Segment& s) { return std::string(dtype_name(s.dtype())); })
      .def_property_readonly("shape", [](const Segment& s) { return py::tuple(py::cast(s.shape())); })
      .def_property_readonly("nbytes", &Segment::bytes, "Payload bytes.")
      .def_property_readonly("loaded_here", &Segment::loaded_here,
                             "True if the call that returned it loaded the segment.")
      .def("__repr__", [](const Segment& s) { return "<glint.Segment " + s.segment() + ">"; });

  m.def("open_shared", &open_shared, py::arg("h5"), py::arg("datasets") = py::none(), py::kw_only(),
        py::arg("shm_dir") = py::none(), py::arg("share_group") = py::none(), py::arg("attach_only") = false,
        R"doc(
open_shared(h5, datasets=None, *, shm_dir=None, share_group=None, attach_only=False) -> dict[str, numpy.ndarray]

Maps datasets of the HDF5 file `h5` from shared memory, loading those that are
not there yet exactly once per machine (other processes wait and attach).
`datasets`: a name, a list of names, or None for every numeric dataset.
`attach_only=True`: map only what is already there and never load; a dataset
with no current segment raises glint.NotFoundError, and nothing is created.
Returns {name: array}: read-only, zero-copy arrays whose memory is the segment;
each array's ``base`` is the glint.Segment owning the mapping. Raises a
glint.Error subclass with the library's message.)doc");
  m.def("describe", &describe, py::arg("h5"), py::arg("datasets"),
        "{name: (shape, dtype)} of datasets of `h5`, from the file's metadata only: nothing is loaded.");
  m.def("fingerprint", &fingerprint, py::arg("h5"), py::kw_only(), py::arg("rehash") = false,
        "MD5 of every byte of `h5` (remembered per user while the file is unchanged).");
}

}  // namespace glint::python
