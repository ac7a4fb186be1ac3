#include "errors.h"

#include <array>
#include <utility>

namespace py = pybind11;

namespace glint::python {
namespace {

struct ErrorClass {
  Code code;
  const char* name;           // attribute of the module
  PyObject* builtin_base;     // a builtin it also derives from, or nullptr
  const char* doc;
};

// Builtin bases let callers that know nothing of glint catch the usual way
// (except FileNotFoundError, ValueError, PermissionError, OSError).
const std::array<ErrorClass, 7> kClasses = {{
    {Code::kInvalidArgument, "InvalidArgumentError", PyExc_ValueError,
     "A bad value from the caller: a dataset name, an option, a group."},
    {Code::kNotFound, "NotFoundError", PyExc_FileNotFoundError,
     "A file, dataset or segment that does not exist."},
    {Code::kPermissionDenied, "PermissionDeniedError", PyExc_PermissionError,
     "Ownership or mode forbids it (another user's segment, an unreadable file)."},
    {Code::kNoSpace, "NoSpaceError", nullptr,
     "Not enough room in the shared-memory file system; the message gives needed and free sizes."},
    {Code::kCorrupt, "CorruptError", nullptr,
     "Bytes that fail validation: a damaged segment, a file that is not HDF5."},
    {Code::kUnsupported, "UnsupportedError", nullptr,
     "A dtype, rank or layout a segment cannot hold."},
    {Code::kIOError, "IOFailureError", PyExc_OSError,
     "Any other failure of the operating system or of HDF5."},
}};

// Owned by the module for the life of the interpreter.
PyObject* g_error = nullptr;
std::array<PyObject*, kClasses.size()> g_classes{};

PyObject* class_for(Code code) {
  for (size_t i = 0; i < kClasses.size(); ++i) {
    if (kClasses[i].code == code) return g_classes[i];
  }
  return g_error;
}

py::object new_exception(const std::string& name, PyObject* bases, const char* doc) {
  PyObject* type = PyErr_NewExceptionWithDoc(("glint." + name).c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(type);
}

}  // namespace

void raise_status(const Status& status) {
  if (!status.ok()) throw StatusError(status);
}

void bind_errors(py::module_& m) {
  py::object error = new_exception("Error", PyExc_Exception,
                                    "Base class of every error of the glint cache library.");
  m.attr("Error") = error;
  g_error = error.release().ptr();
  for (size_t i = 0; i < kClasses.size(); ++i) {
    const ErrorClass& c = kClasses[i];
    py::tuple bases = c.builtin_base ? py::tuple(py::make_tuple(py::handle(g_error), py::handle(c.builtin_base)))
                                     : py::tuple(py::make_tuple(py::handle(g_error)));
    py::object type = new_exception(c.name, bases.ptr(), c.doc);
    m.attr(c.name) = type;
    g_classes[i] = type.release().ptr();
  }
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyErr_SetString(class_for(e.code()), e.what());
    }
  });
}

}  // namespace glint::python
