// open_shared: attach to segments, loading the missing ones exactly once.
#include "glint/cache.h"

#include <grp.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "fill_chunked.h"
#include "fill_contiguous.h"
#include "glint/h5.h"
#include "load_lock.h"
#include "segment_checksum.h"
#include "segment_reader.h"
#include "segment_writer.h"
#include "shared_dataset_impl.h"
#include "tier_choice.h"
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

  // The tiers to look in, /dev/shm first.
  std::vector<Tier> tiers() const {
    if (!disk_upkeep(options, upkeep())) return {Tier::kSharedMemory};
    return {Tier::kSharedMemory, Tier::kDisk};
  }
  const std::string& dir_of(Tier tier) const {
    return tier == Tier::kDisk ? options.cache_dir : options.shm_dir;
  }
  std::string path_of(Tier tier, const std::string& name) const { return dir_of(tier) + "/" + name; }
  // The lock that makes one process load, whatever the tier, is in shm_dir.
  std::string lock_path(const std::string& name) const {
    return options.shm_dir + "/" + name + std::string(kLockSuffix);
  }
  unsigned segment_mode() const { return trust.group ? 0440 : 0400; }
  unsigned lock_mode() const { return trust.group ? 0660 : 0600; }
  void warn(const std::string& text) const {
    if (options.on_warning) options.on_warning(text);
  }
  UpkeepContext upkeep() const {
    UpkeepContext u;
    u.shm_dir = options.shm_dir;
    u.uid = trust.uid;
    u.budget = options.max_shm;
    u.make_room = options.make_room;
    u.keep_md5 = fp.md5;
    u.say = [this](const std::string& line) { warn(line); };
    return u;
  }
  TierPlan plan() const {
    TierPlan p;
    p.shm = upkeep();
    p.disk = disk_upkeep(options, p.shm);
    p.memory_headroom = options.memory_headroom;
    return p;
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
                        const std::string& name, Tier tier, std::string note, bool loaded_here) {
  auto impl = std::make_unique<SharedDataset::Impl>();
  impl->dataset = dataset;
  impl->segment = name;
  impl->md5 = ctx.fp.md5;
  impl->layout = std::move(r.layout);
  impl->mapping = std::move(r.mapping);
  impl->loaded_here = loaded_here;
  impl->tier = tier;
  impl->path = ctx.path_of(tier, name);
  if (note.empty()) {
    note = "attached in the " + std::string(tier_name(tier)) + " tier, " + impl->path +
           (r.verified_now ? " (checksum verified for this boot)" : "");
  }
  impl->tier_note = std::move(note);
  impl->fd = std::move(r.fd);
  return SharedDataset(std::move(impl));
}

// Attaches if a usable segment is at `path`; kRebuild/kMissing otherwise.
AttachResult attach_at(const Context& ctx, const std::string& dataset, const std::string& path, Tier tier) {
  AttachOptions o;
  o.populate = ctx.options.populate;
  o.verify_checksum = tier == Tier::kDisk;
  o.keep_fd = tier == Tier::kDisk;
  AttachResult r = try_attach(path, ctx.trust, o);
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

// The segment of `dataset` in the first tier that has a usable one.
struct Found {
  AttachResult result;  // kAttached or kError (in `tier`), else kMissing or kRebuild
  Tier tier = Tier::kSharedMemory;
  std::vector<std::pair<std::string, Status>> damaged;  // own segments to rebuild: path, why
};

Found find(const Context& ctx, const std::string& dataset, const std::string& name) {
  Found f;
  for (Tier tier : ctx.tiers()) {
    const std::string path = ctx.path_of(tier, name);
    AttachResult r = attach_at(ctx, dataset, path, tier);
    if (r.outcome == Outcome::kAttached || r.outcome == Outcome::kError) {
      f.result = std::move(r);
      f.tier = tier;
      return f;
    }
    if (r.outcome == Outcome::kRebuild) f.damaged.emplace_back(path, r.status);
  }
  f.result.outcome = f.damaged.empty() ? Outcome::kMissing : Outcome::kRebuild;
  if (!f.damaged.empty()) f.result.status = f.damaged.front().second;
  return f;
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

struct Loaded {
  SegmentWriter::Published published;
  Tier tier;
  std::string note;
};

// Loads `dataset` into a new segment in the first tier with room and
// publishes it there as `name`.
Result<Loaded> load(Context& ctx, const std::string& dataset, const std::string& name) {
  auto info = loadable_info(ctx, dataset);
  if (!info.ok()) return info.status();
  std::string trailer = trailer_for(ctx, dataset);
  auto header = make_header(info->dtype, info->shape, static_cast<uint32_t>(trailer.size()));
  if (!header.ok()) return header.status().with_context("dataset '" + dataset + "' of " + ctx.fp.path);
  const std::string what = "dataset '" + dataset + "' of " + ctx.fp.path;
  auto placed = place_segment(ctx.plan(), *header, trailer, what);
  if (!placed.ok()) return placed.status();
  SegmentWriter& writer = placed->writer;
  const Tier tier = placed->tier;
  if (tier == Tier::kDisk) ctx.warn(what + ": " + placed->note);
  FillProgress progress;
  if (ctx.options.on_progress) {
    progress = [&](uint64_t done) { ctx.options.on_progress(LoadProgress{dataset, tier, done, info->bytes}); };
  }
  Status filled = fill(ctx, writer, *info, progress);
  if (!filled.ok()) return filled.with_context("loading " + what);
  // The bytes must be those of the file that was hashed.
  auto now = identify_file(ctx.fp.path);
  if (!now.ok()) return now.status();
  if (now->size != ctx.fp.identity.size || now->mtime_ns != ctx.fp.identity.mtime_ns ||
      now->ctime_ns != ctx.fp.identity.ctime_ns || now->ino != ctx.fp.identity.ino) {
    return Status(Code::kIOError, ctx.fp.path + " changed while it was being loaded; try again");
  }
  const std::string path = ctx.path_of(tier, name);
  auto published = writer.publish(path, ctx.segment_mode(), ctx.trust.group);
  if (!published.ok()) return published.status();
  struct stat st;
  // This boot wrote and fsynced these bytes: no need to read them back.
  if (tier == Tier::kDisk && *published == SegmentWriter::Published::kHere && ::fstat(writer.fd(), &st) == 0) {
    record_verified(path, st);
  }
  return Loaded{*published, tier, std::move(placed->note)};
}

// Removes the caller's damaged segments so that they can be rebuilt.
Status remove_damaged(const Context& ctx, const Found& f) {
  for (const auto& [path, why] : f.damaged) {
    // Something that unlink() cannot remove (a directory) would make every
    // publish lose to it, and open_one load again forever.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status(why.code(), why.message() + "; it cannot be removed to rebuild it (" + errno_text(errno) +
                                    "): remove it by hand");
    }
    remove_verified_marker(path);
    ctx.warn(why.message() + "; rebuilding it");
  }
  return Status::Ok();
}

Result<SharedDataset> open_one(Context& ctx, const std::string& dataset) {
  auto name = segment_name(ctx.fp.md5, dataset);
  if (!name.ok()) return name.status();
  for (;;) {
    Found f = find(ctx, dataset, *name);
    if (f.result.outcome == Outcome::kAttached) return make_view(std::move(f.result), ctx, dataset, *name, f.tier, "", false);
    if (f.result.outcome == Outcome::kError) return f.result.status;
    auto lock = LoadLock::acquire(ctx.lock_path(*name), ctx.lock_mode());
    if (!lock.ok()) return lock.status();
    f = find(ctx, dataset, *name);  // someone may have published while we waited
    if (f.result.outcome == Outcome::kAttached) return make_view(std::move(f.result), ctx, dataset, *name, f.tier, "", false);
    if (f.result.outcome == Outcome::kError) return f.result.status;
    GLINT_RETURN_IF_ERROR(remove_damaged(ctx, f));
    auto loaded = load(ctx, dataset, *name);
    if (!loaded.ok()) return loaded.status();
    lock->release();
    AttachResult r = attach_at(ctx, dataset, ctx.path_of(loaded->tier, *name), loaded->tier);
    const bool here = loaded->published == SegmentWriter::Published::kHere;
    if (r.outcome == Outcome::kAttached) {
      return make_view(std::move(r), ctx, dataset, *name, loaded->tier, here ? "loaded into the " + loaded->note : "",
                       here);
    }
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
    Found f = find(ctx, d, *name);
    if (f.result.outcome == Outcome::kAttached) {
      ready[i] = make_view(std::move(f.result), ctx, d, *name, f.tier, "", false);
    } else if (f.result.outcome == Outcome::kError) {
      return f.result.status;
    } else if (options.attach_only) {
      std::string where = options.shm_dir;
      if (ctx.tiers().size() > 1) where += " or " + options.cache_dir;
      return Status(Code::kNotFound, "no current segment of dataset '" + d + "' of " + ctx.fp.path + " in " +
                                         where + " (attach only: nothing loaded)");
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
        if (!made.loaded_here()) continue;
        ::unlink(made.path().c_str());
        remove_verified_marker(made.path());
      }
      return one.status();
    }
    out.push_back(std::move(one.value()));
  }
  bool loaded = std::any_of(out.begin(), out.end(), [](const SharedDataset& d) { return d.loaded_here(); });
  if (loaded && options.reclaim_old_versions) {
    const TierPlan plan = ctx.plan();
    reclaim_old_versions(plan.shm, ctx.fp.path);
    if (plan.disk) reclaim_old_versions(*plan.disk, ctx.fp.path);
  }
  return out;
}

}  // namespace glint
