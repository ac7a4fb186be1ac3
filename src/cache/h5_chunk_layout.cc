#include "h5_chunk_layout.h"

#include <algorithm>

#include "h5_memory_type.h"
#include "util/h5_handle.h"

namespace glint {
namespace {

Status unsupported(const std::string& what, const std::string& why) {
  return Status(Code::kUnsupported, what + ": " + why);
}

// The filter pipeline, if every filter is one decode_chunk() knows.
Result<std::vector<ChunkFilter>> decodable_filters(hid_t dcpl, const std::string& what) {
  std::vector<ChunkFilter> out;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    size_t nvalues = 0;
    unsigned config = 0;
    H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues, nullptr, 0, nullptr, &config);
    if (id != H5Z_FILTER_DEFLATE && id != H5Z_FILTER_SHUFFLE) {
      return unsupported(what, "filter " + std::to_string(id) + " is decoded by HDF5 only");
    }
    auto f = static_cast<ChunkFilter>(id);
    if (std::find(out.begin(), out.end(), f) != out.end()) return unsupported(what, "a filter appears twice");
    out.push_back(f);
  }
  return out;
}

}  // namespace

uint64_t ChunkLayout::chunk_bytes() const {
  uint64_t n = element_bytes;
  for (uint64_t c : chunk_shape) n *= c;
  return n;
}

Result<ChunkLayout> read_chunk_layout(const std::string& h5_path, const DatasetInfo& info) {
  const std::string what = "chunks of '" + info.name + "' in " + h5_path;
  if (!info.chunked) return unsupported(what, "not chunked");
  auto lock = h5_lock();
  auto file = h5_check(H5Fopen(h5_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
  if (!file.ok()) return file.status();
  auto ds = h5_check(H5Dopen2(file->get(), info.name.c_str(), H5P_DEFAULT), H5Dclose, what);
  if (!ds.ok()) return ds.status();
  auto type = h5_check(H5Dget_type(ds->get()), H5Tclose, what);
  if (!type.ok()) return type.status();
  if (H5Tequal(type->get(), h5_memory_type(info.dtype)) <= 0) {
    return unsupported(what, "stored in another type or byte order than " + std::string(dtype_name(info.dtype)));
  }
  auto dcpl = h5_check(H5Dget_create_plist(ds->get()), H5Pclose, what);
  if (!dcpl.ok()) return dcpl.status();
  if (H5Pget_layout(dcpl->get()) != H5D_CHUNKED) return unsupported(what, "not chunked");
  ChunkLayout layout;
  auto filters = decodable_filters(dcpl->get(), what);
  if (!filters.ok()) return filters.status();
  layout.filters = std::move(*filters);
  const size_t rank = info.shape.size();
  std::vector<hsize_t> chunk(rank);
  if (H5Pget_chunk(dcpl->get(), static_cast<int>(rank), chunk.data()) != static_cast<int>(rank)) {
    return unsupported(what, "unexpected chunk rank");
  }
  layout.shape = info.shape;
  layout.chunk_shape.assign(chunk.begin(), chunk.end());
  layout.element_bytes = dtype_size(info.dtype);
  // Walk the chunk grid in row-major order; each lookup is one index search.
  std::vector<uint64_t> grid(rank);
  uint64_t total = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (chunk[d] == 0) return unsupported(what, "zero chunk dimension");
    grid[d] = (info.shape[d] + chunk[d] - 1) / chunk[d];
    total *= grid[d];
  }
  layout.chunks.reserve(total);
  std::vector<hsize_t> coord(rank);
  for (uint64_t i = 0; i < total; ++i) {
    uint64_t rest = i;
    ChunkLayout::Chunk c;
    for (size_t d = rank; d-- > 0;) {
      coord[d] = (rest % grid[d]) * chunk[d];
      c.offset[d] = coord[d];
      rest /= grid[d];
    }
    unsigned mask = 0;
    haddr_t addr = HADDR_UNDEF;
    hsize_t size = 0;
    GLINT_RETURN_IF_ERROR(h5_check(H5Dget_chunk_info_by_coord(ds->get(), coord.data(), &mask, &addr, &size), what));
    if (addr == HADDR_UNDEF) return unsupported(what, "a chunk was never written (fill values)");
    c.file_offset = addr;
    c.stored_bytes = size;
    c.filter_mask = mask;
    layout.chunks.push_back(c);
  }
  return layout;
}

}  // namespace glint
