#include "synth/h5_output.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <vector>

#include "synth/half.h"
#include "util/posix_error.h"
#include "util/version.h"

namespace glint::synth {
namespace {

constexpr unsigned kDeflateLevel = 4;
constexpr hsize_t kGlintRowsPerChunk = 4096;

// Without this HDF5 stamps every object with its creation time, and two
// runs with the same seed would differ.
Status no_time_stamps(hid_t plist, const std::string& path) {
  if (H5Pset_obj_track_times(plist, false) < 0) return h5_error("cannot configure", path);
  return Status::Ok();
}

Result<H5Handle> dataset_plist(const std::vector<hsize_t>& chunk, bool compress,
                               const std::string& path) {
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!dcpl.valid()) return h5_error("cannot create a property list for", path);
  GLINT_RETURN_IF_ERROR(no_time_stamps(dcpl.get(), path));
  // Every byte is written exactly once, so filling first would only cost time.
  if (H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER) < 0) {
    return h5_error("cannot configure", path);
  }
  if (!compress) {
    // Allocating at creation fixes the file's final size, which
    // reserve_space() then claims from the file system up front.
    if (H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY) < 0) {
      return h5_error("cannot configure", path);
    }
  } else {
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) < 0 ||
        H5Pset_shuffle(dcpl.get()) < 0 || H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0) {
      return h5_error("cannot configure compression for", path);
    }
  }
  return dcpl;
}

Status write_attribute(hid_t object, const char* name, hid_t type, const void* value,
                       const std::string& path) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!space.valid() || !attr.valid() || H5Awrite(attr.get(), type, value) < 0) {
    return h5_error(std::string("cannot write attribute '") + name + "' to", path);
  }
  return Status::Ok();
}

Status write_string_attribute(hid_t object, const char* name, const std::string& value,
                              const std::string& path) {
  // Fixed-length strings keep the file free of heap objects whose layout
  // could vary, and h5py reads them as bytes/str all the same.
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), std::max<size_t>(1, value.size())) < 0) {
    return h5_error("cannot make a string type for", path);
  }
  return write_attribute(object, name, type.get(), value.data(), path);
}

}  // namespace

Result<std::unique_ptr<H5Output>> H5Output::create(const std::string& file,
                                                   const std::string& path,
                                                   const GeneratorOptions& options) {
  std::unique_ptr<H5Output> out(new H5Output(path, options));
  out->half_type_ = H5Handle(create_h5_half_type(), H5Tclose);
  if (!out->half_type_.valid()) return h5_error("cannot make the float16 type for", path);
  H5Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  if (!fcpl.valid()) return h5_error("cannot create", path);
  GLINT_RETURN_IF_ERROR(no_time_stamps(fcpl.get(), path));
  out->file_ = H5Handle(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), H5Fclose);
  if (!out->file_.valid()) return h5_error("cannot create", path);
  GLINT_RETURN_IF_ERROR(out->create_datasets());
  GLINT_RETURN_IF_ERROR(out->write_attributes());
  if (!options.compress) GLINT_RETURN_IF_ERROR(out->reserve_space());
  return out;
}

// A full disk is then reported at once, with the size needed, instead of
// after minutes of rendering.
Status H5Output::reserve_space() {
  haddr_t eoa = 0;
  void* handle = nullptr;
  if (H5Fget_eoa(file_.get(), &eoa) < 0 ||
      H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle) < 0 || handle == nullptr) {
    return h5_error("cannot size", path_);
  }
  const int fd = *static_cast<int*>(handle);
  if (::fallocate(fd, /*mode=*/0, /*offset=*/0, static_cast<off_t>(eoa)) == 0) return Status::Ok();
  const int err = errno;
  if (err == EOPNOTSUPP || err == ENOSYS || err == EINVAL) return Status::Ok();  // writes will tell
  const std::string needed = std::to_string(eoa) + " bytes";
  if (err == ENOSPC || err == EDQUOT) {
    return Status(Code::kNoSpace, "not enough space for '" + path_ + "': it needs " + needed +
                                      "; free some space or choose another directory");
  }
  return Status(Code::kIOError,
                "cannot reserve " + needed + " for '" + path_ + "': " + errno_text(err));
}

H5Output::~H5Output() { abandon(); }

void H5Output::abandon() {
  if (!file_.valid()) return;
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle) >= 0 && handle != nullptr) {
    const int scratch = ::memfd_create("glint_abandoned_h5", MFD_CLOEXEC);
    if (scratch >= 0) {
      ::dup3(scratch, *static_cast<int*>(handle), O_CLOEXEC);
      ::close(scratch);
    }
  }
  images_.close();
  heatmaps_.close();
  glints_.close();
  half_type_.close();
  file_.close();
  H5Eclear2(H5E_DEFAULT);
}

Status H5Output::create_datasets() {
  const hsize_t n = options_.count;
  const hsize_t s = options_.size;
  const hsize_t k = options_.max_glints;
  struct Spec {
    const char* name;
    std::vector<hsize_t> shape;
    std::vector<hsize_t> chunk;
    hid_t type;
    H5Handle* handle;
  };
  const hid_t image_type =
      options_.image_dtype == DType::kUInt8 ? H5T_STD_U8LE : H5T_IEEE_F32LE;
  const hid_t heatmap_type =
      options_.heatmap_dtype == DType::kFloat16 ? half_type_.get() : H5T_IEEE_F32LE;
  Spec specs[] = {
      {"images", {n, s, s}, {1, s, s}, image_type, &images_},
      {"heatmaps", {n, 1, s, s}, {1, 1, s, s}, heatmap_type, &heatmaps_},
      {"glints", {n, k, 2}, {std::min(n, kGlintRowsPerChunk), k, 2}, H5T_IEEE_F32LE, &glints_},
  };
  for (Spec& spec : specs) {
    auto dcpl = dataset_plist(spec.chunk, options_.compress, path_);
    if (!dcpl.ok()) return dcpl.status();
    H5Handle space(H5Screate_simple(static_cast<int>(spec.shape.size()), spec.shape.data(),
                                    nullptr),
                   H5Sclose);
    *spec.handle = H5Handle(H5Dcreate2(file_.get(), spec.name, spec.type, space.get(),
                                       H5P_DEFAULT, dcpl->get(), H5P_DEFAULT),
                            H5Dclose);
    if (!space.valid() || !spec.handle->valid()) {
      return h5_error(std::string("cannot create dataset '") + spec.name + "' in", path_);
    }
  }
  return Status::Ok();
}

Status H5Output::write_attributes() {
  const hid_t root = file_.get();
  const uint64_t seed = options_.seed;
  const double sigma = options_.sigma;
  const uint32_t version = kRenderVersion;
  const uint32_t min_glints = options_.min_glints;
  const uint32_t max_glints = options_.max_glints;
  GLINT_RETURN_IF_ERROR(
      write_string_attribute(root, "generator", std::string("make_glint_dataset (glint ") + project_version() + ")",
                             path_));
  GLINT_RETURN_IF_ERROR(write_attribute(root, "render_version", H5T_STD_U32LE, &version, path_));
  GLINT_RETURN_IF_ERROR(write_attribute(root, "seed", H5T_STD_U64LE, &seed, path_));
  GLINT_RETURN_IF_ERROR(write_attribute(root, "sigma", H5T_IEEE_F64LE, &sigma, path_));
  GLINT_RETURN_IF_ERROR(write_attribute(root, "min_glints", H5T_STD_U32LE, &min_glints, path_));
  GLINT_RETURN_IF_ERROR(write_attribute(root, "max_glints", H5T_STD_U32LE, &max_glints, path_));
  return write_string_attribute(
      root, "glints_layout",
      "glints[i, j] = (x, y): column and row of a pixel centre; NaN rows are padding", path_);
}

Status H5Output::write_rows(const H5Handle& dataset, hid_t mem_type, uint64_t first,
                            uint64_t count, const void* data, const char* name) {
  H5Handle file_space(H5Dget_space(dataset.get()), H5Sclose);
  if (!file_space.valid()) return h5_error(std::string("cannot write '") + name + "' to", path_);
  const int rank = H5Sget_simple_extent_ndims(file_space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 1)));
  H5Sget_simple_extent_dims(file_space.get(), dims.data(), nullptr);
  std::vector<hsize_t> start(dims.size(), 0);
  start[0] = first;
  dims[0] = count;
  H5Handle mem_space(H5Screate_simple(rank, dims.data(), nullptr), H5Sclose);
  if (!mem_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(),
                          nullptr) < 0 ||
      H5Dwrite(dataset.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data) < 0) {
    return h5_error(std::string("cannot write '") + name + "' to", path_);
  }
  return Status::Ok();
}

Status H5Output::write(uint64_t first, uint64_t count, const void* images, const void* heatmaps,
                       const float* glints) {
  const hid_t image_type =
      options_.image_dtype == DType::kUInt8 ? H5T_NATIVE_UINT8 : H5T_NATIVE_FLOAT;
  const hid_t heatmap_type =
      options_.heatmap_dtype == DType::kFloat16 ? half_type_.get() : H5T_NATIVE_FLOAT;
  GLINT_RETURN_IF_ERROR(write_rows(images_, image_type, first, count, images, "images"));
  GLINT_RETURN_IF_ERROR(write_rows(heatmaps_, heatmap_type, first, count, heatmaps, "heatmaps"));
  return write_rows(glints_, H5T_NATIVE_FLOAT, first, count, glints, "glints");
}

Status H5Output::close() {
  // Keep the first cause: every later HDF5 call clears the error stack.
  Status failed;
  for (H5Handle* dataset : {&images_, &heatmaps_, &glints_}) {
    if (!dataset->close() && failed.ok()) failed = h5_error("cannot finish writing", path_);
  }
  half_type_.close();
  // Flush first: a failed flush leaves the file open and abandon() can still
  // close it cleanly, whereas a failed H5Fclose cannot be undone.
  if (failed.ok() && H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) {
    failed = h5_error("cannot finish writing", path_);
  }
  if (!failed.ok()) {
    abandon();
    return failed;
  }
  if (!file_.close()) return h5_error("cannot finish writing", path_);
  return Status::Ok();
}

}  // namespace glint::synth
