#include "fill_contiguous.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>
#include <vector>

#include "util/posix_error.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

uint64_t step_of(const FillTuning& t) { return std::max<uint64_t>(t.step, 4096); }

struct CopyShared {
  std::mutex mu;
  std::atomic<uint64_t> done{0};
  Status first_error;
  const FillProgress* progress;
  uint64_t step;
};

void copy_range(const std::string& h5_path, int dst_fd, int64_t src_begin, uint64_t dst_begin, uint64_t bytes,
                CopyShared& shared) {
  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> lock(shared.mu);
    if (shared.first_error.ok()) shared.first_error = std::move(s);
  };
  UniqueFd src(::open(h5_path.c_str(), O_RDONLY | O_CLOEXEC));
  // A descriptor of our own for the segment: sendfile writes at its offset.
  std::string self = "/proc/self/fd/" + std::to_string(dst_fd);
  UniqueFd dst(::open(self.c_str(), O_WRONLY | O_CLOEXEC));
  if (!src.valid() || !dst.valid()) return fail(posix_error("open for copying " + h5_path, errno));
  if (::lseek(dst.get(), static_cast<off_t>(dst_begin), SEEK_SET) < 0) return fail(posix_error("lseek", errno));
  off_t in_off = src_begin;
  uint64_t left = bytes;
  while (left > 0) {
    ssize_t n = ::sendfile(dst.get(), src.get(), &in_off, std::min(left, shared.step));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(posix_error("copy from " + h5_path + " into shared memory", errno));
    if (n == 0) return fail(Status(Code::kCorrupt, h5_path + " ends before its dataset does (truncated file?)"));
    left -= static_cast<uint64_t>(n);
    uint64_t done = shared.done += static_cast<uint64_t>(n);
    if (*shared.progress) {
      std::lock_guard<std::mutex> lock(shared.mu);
      (*shared.progress)(done);
    }
  }
}

}  // namespace

Status fill_by_copy(SegmentWriter& writer, const std::string& h5_path, int64_t file_offset, FillTuning tuning,
                    const FillProgress& progress) {
  const uint64_t total = writer.payload_bytes();
  CopyShared shared;
  shared.progress = &progress;
  shared.step = step_of(tuning);
  int n = std::max(1, std::min<int>(tuning.threads, static_cast<int>(total / shared.step) + 1));
  uint64_t per = (total / static_cast<uint64_t>(n) + 4095) & ~uint64_t{4095};
  std::vector<std::thread> workers;
  for (int i = 0; i < n; ++i) {
    uint64_t begin = std::min(total, per * static_cast<uint64_t>(i));
    uint64_t end = (i == n - 1) ? total : std::min(total, begin + per);
    if (end <= begin) continue;
    auto job = [&, begin, end] {
      copy_range(h5_path, writer.fd(), file_offset + static_cast<int64_t>(begin), kSegmentHeaderBytes + begin,
                 end - begin, shared);
    };
    if (i == n - 1) {
      job();  // the calling thread does the last range
    } else {
      workers.emplace_back(job);
    }
  }
  for (auto& w : workers) w.join();
  return shared.first_error;
}

Status fill_by_hdf5(SegmentWriter& writer, H5Source& source, const DatasetInfo& info, FillTuning tuning,
                    const FillProgress& progress) {
  auto dst = writer.map_payload();
  if (!dst.ok()) return dst.status();
  const uint64_t rows = info.shape[0];
  const uint64_t row_bytes = rows ? info.bytes / rows : 0;
  const uint64_t slab = std::max<uint64_t>(1, step_of(tuning) / std::max<uint64_t>(1, row_bytes));
  for (uint64_t first = 0; first < rows; first += slab) {
    uint64_t count = std::min(slab, rows - first);
    GLINT_RETURN_IF_ERROR(source.read_rows(info.name, first, count, *dst + first * row_bytes));
    if (progress) progress((first + count) * row_bytes);
  }
  return Status::Ok();
}

}  // namespace glint
