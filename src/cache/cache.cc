// open_shared: attach to segments, loading the missing ones exactly once.
#include "glint/cache.h"

#include <grp.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "glint/h5.h"
#include "chunk_fill.h"
#include "load_lock.h"
#include "payload_fill.h"
#include "segment_reader.h"
#include "segment_writer.h"
#include "shared_dataset_impl.h"
#include "upkeep.h"
#include "util/dataset_name.h"
#include "util/posix_error.h"
#include "util/time.h"

namespace glint {
namespace {

using Outcome = AttachResult::Outcome;

// CacheOptions::decode_threads, with 0 meaning one per core, up to 8.
int decode_threads(const CacheOptions& o) {
  if (o.decode_threads > 0) return o.decode_threads;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

struct Context {
  const CacheOptions& options;
  Fingerprint fp;
  TrustPolicy trust;
  std::unique_ptr<H5Source> source;  // opened only if something must be loaded

  std::string path_of(const std::string& name) const { return options.shm_dir + "/" + name; }
  unsigned segment_mode() const { return trust.group ? 0440 : 0400; }
  unsigned lock_mode() const { return trust.group ? 0660 : 0600; }
  void warn(const std::string& text) const {
    if (options.on_warning) options.on_warning(text);
  }
  UpkeepContext upkeep() const {
    return UpkeepContext{options.shm_dir, trust.uid, options.max_shm, options.make_room, fp.md5,
                         [this](const std::string& line) { warn(line); }};
  }
};

Result<TrustPolicy> make_trust(const CacheOptions& options) {
  TrustPolicy t;
  t.uid = geteuid();
  if (!options.share_group.empty()) {
    const group* g = getgrnam(options.share_group.c_str());
    if (g == nullptr) {
      return Status(Code::kInvalidArgument, "group '" + options.share_group + "' (share group) does not exist");
    }
    t.group = g->gr_gid;
    t.group_name = options.share_group;
  }
  return t;
}

Result<H5Source*> source_of(Context& ctx) {
  if (!ctx.source) {
    auto s = H5Source::open(ctx.fp.path);
    if (!s.ok()) return s.status();
    ctx.source = std::move(s.value());
  }
  return ctx.source.get();
}

// The segment is the one this file and dataset should have.
Status check_identity(const AttachResult& r, const Context& ctx, const std::string& dataset,
                      const std::string& path) {
  if (r.trailer.md5 == ctx.fp.md5 && r.trailer.dataset == dataset) return Status::Ok();
  return Status(Code::kCorrupt, "segment " + path + " describes dataset '" + r.trailer.dataset + "' of MD5 " +
                                    r.trailer.md5 + ", not what its name says");
}

SharedDataset make_view(AttachResult&& r, const Context& ctx, const std::string& dataset,
                        const std::string& name, bool loaded_here) {
  auto impl = std::make_unique<SharedDataset::Impl>();
  impl->dataset = dataset;
  impl->segment = name;
  impl->md5 = ctx.fp.md5;
  impl->layout = std::move(r.layout);
  impl->mapping = std::move(r.mapping);
  impl->loaded_here = loaded_here;
  return SharedDataset(std::move(impl));
}

// Attaches if a usable segment is there; kRebuild/kMissing otherwise.
AttachResult attach(const Context& ctx, const std::string& dataset, const std::string& path) {
  AttachResult r = try_attach(path, ctx.trust, ctx.options.populate);
  if (r.outcome == Outcome::kAttached) {
    Status id = check_identity(r, ctx, dataset, path);
    if (!id.ok()) {
      AttachResult bad;
      bad.outcome = Outcome::kRebuild;
      bad.status = id;
      return bad;
    }
  }
  return r;
}

std::string trailer_for(const Context& ctx, const std::string& dataset) {
  SegmentTrailer t;
  t.source_path = ctx.fp.path;
  t.dataset = dataset;
  t.md5 = ctx.fp.md5;
  t.source_size = ctx.fp.identity.size;
  t.source_dev = ctx.fp.identity.dev;
  t.source_ino = ctx.fp.identity.ino;
  t.source_mtime_ns = ctx.fp.identity.mtime_ns;
  t.created_unix_ns = now_ns();
  t.creator_pid = getpid();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  t.creator_host = host;
  return serialize_trailer(t);
}

Result<DatasetInfo> loadable_info(Context& ctx, const std::string& dataset) {
  auto src = source_of(ctx);
  if (!src.ok()) return src.status();
  auto info = (*src)->info(dataset);
  if (!info.ok()) return info.status();
  if (info->bytes == 0) {
    return Status(Code::kInvalidArgument, "dataset '" + dataset + "' of " + ctx.fp.path +
                                              " is empty (a dimension is 0); there is nothing to share");
  }
  if (!info->missing_filter.empty()) {
    return Status(Code::kUnsupported, "dataset '" + dataset + "' of " + ctx.fp.path + " cannot be loaded: " +
                                          info->missing_filter);
  }
  return info;
}

// The fastest way that can fill this dataset's payload: a kernel copy of
// contiguous data, parallel decoding of chunks, or HDF5 for everything else
// (type conversion, other filters, unwritten chunks).
Status fill(Context& ctx, SegmentWriter& writer, const DatasetInfo& info, const FillProgress& progress) {
  const CacheOptions& o = ctx.options;
  if (info.file_offset >= 0) {
    return fill_by_copy(writer, ctx.fp.path, info.file_offset, {o.copy_threads, o.fill_step_bytes}, progress);
  }
  if (info.chunked) {
    auto layout = read_chunk_layout(ctx.fp.path, info);
    if (layout.ok()) return fill_by_chunks(writer, ctx.fp.path, *layout, decode_threads(o), progress);
  }
  return fill_by_hdf5(writer, **source_of(ctx), info, {1, o.fill_step_bytes}, progress);
}

// Loads `dataset` into a new segment and publishes it as `path`.
Result<SegmentWriter::Published> load(Context& ctx, const std::string& dataset, const std::string& path) {
  auto info = loadable_info(ctx, dataset);
  if (!info.ok()) return info.status();
  std::string trailer = trailer_for(ctx, dataset);
  auto header = make_header(info->dtype, info->shape, static_cast<uint32_t>(trailer.size()));
  if (!header.ok()) return header.status().with_context("dataset '" + dataset + "' of " + ctx.fp.path);
  const std::string what = "dataset '" + dataset + "' of " + ctx.fp.path;
  auto writer = create_segment(ctx.upkeep(), *header, trailer, what);
  if (!writer.ok()) return writer.status();
  FillProgress progress;
  if (ctx.options.on_progress) {
    progress = [&](uint64_t done) { ctx.options.on_progress(LoadProgress{dataset, done, info->bytes}); };
  }
  Status filled = fill(ctx, *writer, *info, progress);
  if (!filled.ok()) return filled.with_context("loading " + what);
  // The bytes must be those of the file that was hashed.
  auto now = identify_file(ctx.fp.path);
  if (!now.ok()) return now.status();
  if (now->size != ctx.fp.identity.size || now->mtime_ns != ctx.fp.identity.mtime_ns ||
      now->ctime_ns != ctx.fp.identity.ctime_ns || now->ino != ctx.fp.identity.ino) {
    return Status(Code::kIOError, ctx.fp.path + " changed while it was being loaded; try again");
  }
  return writer->publish(path, ctx.segment_mode(), ctx.trust.group);
}

Result<SharedDataset> open_one(Context& ctx, const std::string& dataset) {
  auto name = segment_name(ctx.fp.md5, dataset);
  if (!name.ok()) return name.status();
  const std::string path = ctx.path_of(*name);
  for (;;) {
    AttachResult r = attach(ctx, dataset, path);
    if (r.outcome == Outcome::kAttached) return make_view(std::move(r), ctx, dataset, *name, false);
    if (r.outcome == Outcome::kError) return r.status;
    auto lock = LoadLock::acquire(path + std::string(kLockSuffix), ctx.lock_mode());
    if (!lock.ok()) return lock.status();
    r = attach(ctx, dataset, path);  // someone may have published while we waited
    if (r.outcome == Outcome::kAttached) return make_view(std::move(r), ctx, dataset, *name, false);
    if (r.outcome == Outcome::kError) return r.status;
    if (r.outcome == Outcome::kRebuild) {
      // Something that unlink() cannot remove (a directory) would make every
      // publish lose to it, and this loop load again forever.
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return Status(r.status.code(), r.status.message() + "; it cannot be removed to rebuild it (" +
                                           errno_text(errno) + "): remove it by hand");
      }
      ctx.warn(r.status.message() + "; rebuilding it");
    }
    auto published = load(ctx, dataset, path);
    if (!published.ok()) return published.status();
    lock->release();
    r = attach(ctx, dataset, path);
    const bool loaded_here = *published == SegmentWriter::Published::kHere;
    if (r.outcome == Outcome::kAttached) return make_view(std::move(r), ctx, dataset, *name, loaded_here);
    if (r.outcome == Outcome::kError) return r.status;
    // Removed or replaced between publishing and attaching (a cleanup): retry.
  }
}

Result<std::vector<std::string>> resolve_datasets(Context& ctx, const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  if (!requested.empty()) {
    for (const auto& d : requested) out.push_back(absolute_dataset_name(d));
    return out;
  }
  auto src = source_of(ctx);
  if (!src.ok()) return src.status();
  auto all = (*src)->numeric_datasets();
  if (!all.ok()) return all.status();
  // As unsupported datasets are, empty ones are skipped here: asked for by
  // name they are an error, but they must not block sharing the rest.
  for (const auto& info : *all) {
    if (info.bytes > 0) out.push_back(info.name);
  }
  if (out.empty()) return Status(Code::kNotFound, ctx.fp.path + " has no numeric dataset to share");
  return out;
}

// Checks a dataset that will have to be loaded, so that a bad request fails
// before anything costs time or is left behind.
Status precheck_load(Context& ctx, const std::string& dataset) {
  auto info = loadable_info(ctx, dataset);
  if (!info.ok()) return info.status();
  auto header = make_header(info->dtype, info->shape, 0);
  if (!header.ok()) return header.status().with_context("dataset '" + dataset + "' of " + ctx.fp.path);
  return Status::Ok();
}

}  // namespace

Result<std::vector<SharedDataset>> open_shared(const std::string& h5_path, const std::vector<std::string>& datasets,
                                               const CacheOptions& options) {
  auto trust = make_trust(options);
  if (!trust.ok()) return trust.status();
  auto fp = fingerprint_file(h5_path, options.fingerprint);
  if (!fp.ok()) return fp.status();
  Context ctx{options, std::move(fp.value()), std::move(trust.value()), nullptr};
  auto names = resolve_datasets(ctx, datasets);
  if (!names.ok()) return names.status();
  // First pass: attach what exists (the common, fast case) and check that
  // everything else can be loaded before loading any of it.
  std::vector<std::optional<SharedDataset>> ready(names->size());
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string& d = (*names)[i];
    auto name = segment_name(ctx.fp.md5, d);
    if (!name.ok()) return name.status();
    AttachResult r = attach(ctx, d, ctx.path_of(*name));
    if (r.outcome == Outcome::kAttached) {
      ready[i] = make_view(std::move(r), ctx, d, *name, false);
    } else if (r.outcome == Outcome::kError) {
      return r.status;
    } else if (options.attach_only) {
      return Status(Code::kNotFound, "no current segment of dataset '" + d + "' of " + ctx.fp.path + " in " +
                                         options.shm_dir + " (attach only: nothing loaded)");
    } else {
      GLINT_RETURN_IF_ERROR(precheck_load(ctx, d));
    }
  }
  std::vector<SharedDataset> out;
  for (size_t i = 0; i < names->size(); ++i) {
    if (ready[i]) {
      out.push_back(std::move(*ready[i]));
      continue;
    }
    auto one = open_one(ctx, (*names)[i]);
    if (!one.ok()) {
      for (const auto& made : out) {
        if (made.loaded_here()) ::unlink(ctx.path_of(made.segment()).c_str());
      }
      return one.status();
    }
    out.push_back(std::move(one.value()));
  }
  bool loaded = std::any_of(out.begin(), out.end(), [](const SharedDataset& d) { return d.loaded_here(); });
  if (loaded && options.reclaim_old_versions) reclaim_old_versions(ctx.upkeep(), ctx.fp.path);
  return out;
}

}  // namespace glint
