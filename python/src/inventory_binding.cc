// glint.list_segments, glint.cleanup, glint.cleanup_all: the data of
// `shm_manager --list --json` and `--cleanup`, as Python dicts.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <time.h>

#include <cstdio>
#include <string>

#include "bindings.h"
#include "errors.h"
#include "glint/fingerprint.h"
#include "glint/inventory.h"

namespace py = pybind11;

namespace glint::python {
namespace {

int64_t age_seconds(const SegmentInfo& info) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t now_ns = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  return now_ns > info.modified_unix_ns ? (now_ns - info.modified_unix_ns) / 1'000'000'000 : 0;
}

// The keys of shm_manager's JSON (docs/SHM_MANAGER.md), None where it has null.
py::dict to_dict(const SegmentInfo& info) {
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", info.mode);
  py::dict d;
  d["file_name"] = info.file_name;
  d["path"] = info.path;
  d["md5"] = info.md5;
  d["dataset"] = info.dataset;
  d["owner"] = info.owner;
  d["owner_uid"] = info.owner_uid;
  d["mode"] = std::string(mode);
  d["size_bytes"] = info.file_bytes;
  d["modified_unix_ns"] = info.modified_unix_ns;
  d["age_seconds"] = age_seconds(info);
  d["ok"] = info.problem.empty();
  d["problem"] = info.problem.empty() ? py::object(py::none()) : py::str(info.problem);
  d["stale"] = info.stale;
  d["stale_reason"] = info.stale ? py::object(py::str(info.stale_reason)) : py::object(py::none());
  d["mapped_by"] = info.mapped_by;
  d["source_path"] = py::none();
  if (info.layout) {
    d["dtype"] = std::string(dtype_name(info.layout->dtype));
    d["shape"] = info.layout->shape;
    d["payload_bytes"] = info.layout->payload_bytes;
  }
  if (const auto& t = info.trailer) {
    d["source_path"] = t->source_path;
    d["source_size"] = t->source_size;
    d["source_mtime_ns"] = t->source_mtime_ns;
    d["created_unix_ns"] = t->created_unix_ns;
    d["creator_pid"] = t->creator_pid;
    d["creator_host"] = t->creator_host;
  }
  return d;
}

py::dict to_dict(const CleanupReport& report) {
  py::list removed;
  for (const SegmentInfo& info : report.removed) removed.append(to_dict(info));
  py::dict d;
  d["removed"] = removed;
  d["removed_locks"] = report.removed_locks;
  d["skipped"] = report.skipped;
  d["freed_bytes"] = report.freed_bytes;
  return d;
}

std::string dir_or_default(const py::object& shm_dir) {
  return shm_dir.is_none() ? std::string(kDefaultShmDir) : fspath(shm_dir);
}

Fingerprint fingerprint_of(const std::string& h5) {
  Result<Fingerprint> fp = [&] {
    py::gil_scoped_release release;
    return fingerprint_file(h5, FingerprintOptions{});
  }();
  return value_or_raise(std::move(fp));
}

py::list list_segments(const py::object& h5, const py::object& shm_dir) {
  ListOptions options;
  options.shm_dir = dir_or_default(shm_dir);
  if (!h5.is_none()) options.md5 = fingerprint_of(fspath(h5)).md5;
  Result<std::vector<SegmentInfo>> listed = [&] {
    py::gil_scoped_release release;
    return glint::list_segments(options);
  }();
  py::list out;
  for (const SegmentInfo& info : value_or_raise(std::move(listed))) out.append(to_dict(info));
  return out;
}

py::dict run_cleanup(CleanupOptions options) {
  Result<CleanupReport> report = [&] {
    py::gil_scoped_release release;
    return cleanup_segments(options);
  }();
  return to_dict(value_or_raise(std::move(report)));
}

py::dict cleanup(const py::object& h5, const py::object& shm_dir) {
  CleanupOptions options;
  options.shm_dir = dir_or_default(shm_dir);
  const Fingerprint fp = fingerprint_of(fspath(h5));
  options.md5 = fp.md5;
  options.source_path = fp.path;
  return run_cleanup(options);
}

py::dict cleanup_all(const py::object& shm_dir) {
  CleanupOptions options;
  options.shm_dir = dir_or_default(shm_dir);
  return run_cleanup(options);
}

}  // namespace

void bind_inventory(py::module_& m) {
  m.def("list_segments", &list_segments, py::arg("h5") = py::none(), py::kw_only(),
        py::arg("shm_dir") = py::none(), R"doc(
Every glint segment in shm_dir (default /dev/shm), or only those of the file
`h5`, as dicts with the keys of `shm_manager --list --json`.)doc");
  m.def("cleanup", &cleanup, py::arg("h5"), py::kw_only(), py::arg("shm_dir") = py::none(), R"doc(
Removes your segments of the file `h5` (and of older versions of it). Arrays
already mapped stay valid. Returns {removed, removed_locks, skipped, freed_bytes}.)doc");
  m.def("cleanup_all", &cleanup_all, py::kw_only(), py::arg("shm_dir") = py::none(), R"doc(
Removes every segment of yours in shm_dir (default /dev/shm) and abandoned
lock files. Returns {removed, removed_locks, skipped, freed_bytes}.)doc");
}

}  // namespace glint::python
