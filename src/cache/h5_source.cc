// H5Source: numeric datasets of an HDF5 file, read with the C API.
#include <algorithm>
#include <string>
#include <vector>

#include "glint/fingerprint.h"
#include "glint/h5.h"
#include "glint/segment_format.h"
#include "h5_memory_type.h"
#include "util/h5_handle.h"
#include "util/dataset_name.h"

namespace glint {
namespace {

// The cache's dtype for an HDF5 file type; nullopt with `why` if none fits.
std::optional<DType> dtype_of(hid_t type, std::string* why) {
  H5T_class_t cls = H5Tget_class(type);
  size_t size = H5Tget_size(type);
  if (cls == H5T_INTEGER) {
    bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    switch (size) {
      case 1: return is_signed ? DType::kInt8 : DType::kUInt8;
      case 2: return is_signed ? DType::kInt16 : DType::kUInt16;
      case 4: return is_signed ? DType::kInt32 : DType::kUInt32;
      case 8: return is_signed ? DType::kInt64 : DType::kUInt64;
      default: break;
    }
    *why = std::to_string(size * 8) + "-bit integers are not supported";
    return std::nullopt;
  }
  if (cls == H5T_FLOAT) {
    if (size == 2) return DType::kFloat16;
    if (size == 4) return DType::kFloat32;
    if (size == 8) return DType::kFloat64;
    *why = std::to_string(size * 8) + "-bit floats are not supported";
    return std::nullopt;
  }
  static const char* names[] = {"integer", "float", "time", "string", "bitfield", "opaque",
                                "compound", "reference", "enum", "variable-length", "array"};
  std::string name = (cls >= 0 && cls < 11) ? names[cls] : "unknown";
  *why = "its element type is " + name + "; only integers (8 to 64 bits) and float16/32/64 are supported";
  return std::nullopt;
}

class H5SourceImpl final : public H5Source {
 public:
  H5SourceImpl(std::string path, H5Handle file) : H5Source(std::move(path)), file_(std::move(file)) {}
  ~H5SourceImpl() override {
    auto lock = h5_lock();
    file_.reset();
  }

  Result<std::vector<DatasetInfo>> numeric_datasets(std::vector<std::string>* skipped) override;
  Result<DatasetInfo> info(const std::string& dataset) override;
  Status read_rows(const std::string& dataset, uint64_t first, uint64_t count, void* dst) override;

 private:
  Result<DatasetInfo> describe(hid_t ds, const std::string& name);
  std::vector<std::string> all_dataset_names();
  H5Handle file_;
};

herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* out) {
  if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(absolute_dataset_name(name));
  return 0;
}

std::vector<std::string> H5SourceImpl::all_dataset_names() {
  std::vector<std::string> names;
  H5Ovisit(file_.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names);
  std::sort(names.begin(), names.end());
  return names;
}

Result<DatasetInfo> H5SourceImpl::describe(hid_t ds, const std::string& name) {
  const std::string what = "dataset '" + name + "' of " + path();
  auto type = h5_check(H5Dget_type(ds), H5Tclose, "type of " + what);
  if (!type.ok()) return type.status();
  std::string why;
  auto dtype = dtype_of(type->get(), &why);
  if (!dtype) return Status(Code::kUnsupported, what + " cannot be cached: " + why);
  auto space = h5_check(H5Dget_space(ds), H5Sclose, "dataspace of " + what);
  if (!space.ok()) return space.status();
  int rank = H5Sget_simple_extent_ndims(space->get());
  if (rank < 1 || rank > static_cast<int>(kMaxRank)) {
    return Status(Code::kUnsupported, what + " has rank " + std::to_string(rank) +
                                          "; segments hold ranks 1 to " + std::to_string(kMaxRank));
  }
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space->get(), dims.data(), nullptr);
  DatasetInfo out;
  out.name = name;
  out.dtype = *dtype;
  out.bytes = dtype_size(*dtype);
  for (hsize_t d : dims) {
    out.shape.push_back(d);
    out.bytes *= d;
  }
  auto dcpl = h5_check(H5Dget_create_plist(ds), H5Pclose, "layout of " + what);
  if (dcpl.ok()) {
    out.chunked = H5Pget_layout(dcpl->get()) == H5D_CHUNKED;
    out.compressed = H5Pget_nfilters(dcpl->get()) > 0;
  }
  haddr_t offset = H5Dget_offset(ds);
  if (offset != HADDR_UNDEF && !out.chunked && !out.compressed &&
      H5Tequal(type->get(), h5_memory_type(*dtype)) > 0) {
    out.file_offset = static_cast<int64_t>(offset);
  }
  return out;
}

Result<DatasetInfo> H5SourceImpl::info(const std::string& dataset) {
  auto lock = h5_lock();
  std::string name = absolute_dataset_name(dataset);
  htri_t exists = H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT);
  H5Eclear2(H5E_DEFAULT);
  if (exists <= 0) {
    std::string have;
    for (const auto& n : all_dataset_names()) have += (have.empty() ? "" : ", ") + n;
    return Status(Code::kNotFound, "dataset '" + name + "' not found in " + path() +
                                       " (it has: " + (have.empty() ? "no datasets" : have) + ")");
  }
  auto ds = h5_check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                     "open '" + name + "' in " + path() + " (is it a group?)");
  if (!ds.ok()) return ds.status();
  return describe(ds->get(), name);
}

Result<std::vector<DatasetInfo>> H5SourceImpl::numeric_datasets(std::vector<std::string>* skipped) {
  auto lock = h5_lock();
  std::vector<DatasetInfo> out;
  for (const auto& name : all_dataset_names()) {
    auto i = info(name);
    if (i.ok()) {
      out.push_back(std::move(i.value()));
    } else if (skipped) {
      skipped->push_back(i.status().message());
    }
  }
  return out;
}

Status H5SourceImpl::read_rows(const std::string& dataset, uint64_t first, uint64_t count, void* dst) {
  auto lock = h5_lock();
  auto i = info(dataset);
  if (!i.ok()) return i.status();
  const std::string what = "reading rows " + std::to_string(first) + ".." + std::to_string(first + count) +
                           " of '" + i->name + "' in " + path();
  if (first > i->shape[0] || count > i->shape[0] - first) {
    return Status(Code::kInvalidArgument, what + ": only " + std::to_string(i->shape[0]) + " rows");
  }
  if (count == 0) return Status::Ok();
  auto ds = h5_check(H5Dopen2(file_.get(), i->name.c_str(), H5P_DEFAULT), H5Dclose, what);
  if (!ds.ok()) return ds.status();
  auto fspace = h5_check(H5Dget_space(ds->get()), H5Sclose, what);
  if (!fspace.ok()) return fspace.status();
  std::vector<hsize_t> start(i->shape.size(), 0), dims(i->shape.begin(), i->shape.end());
  start[0] = first;
  dims[0] = count;
  GLINT_RETURN_IF_ERROR(h5_check(
      H5Sselect_hyperslab(fspace->get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr), what));
  auto mspace = h5_check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  if (!mspace.ok()) return mspace.status();
  Status st = h5_check(H5Dread(ds->get(), h5_memory_type(i->dtype), mspace->get(), fspace->get(),
                               H5P_DEFAULT, dst),
                       what);
  if (!st.ok()) return Status(Code::kCorrupt, st.message() + " (is the file truncated or damaged?)");
  return st;
}

}  // namespace

Result<std::unique_ptr<H5Source>> H5Source::open(const std::string& path) {
  auto id = identify_file(path);
  if (!id.ok()) return id.status();
  auto lock = h5_lock();
  htri_t is_h5 = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  if (is_h5 <= 0) {
    return Status(Code::kCorrupt, path + " is not an HDF5 file (no HDF5 signature); pass the .h5 file");
  }
  auto file = h5_check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                       "cannot open " + path + " as HDF5 (truncated or damaged?)");
  if (!file.ok()) return Status(Code::kCorrupt, file.status().message());
  return std::unique_ptr<H5Source>(new H5SourceImpl(path, std::move(file.value())));
}

}  // namespace glint
