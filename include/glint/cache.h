// The shared-memory dataset cache.
//
// open_shared() returns read-only, zero-copy views of datasets of an HDF5
// file that live in shared memory, one copy per machine. The first process to
// ask loads each dataset; every other process maps the existing segment,
// without reading the file or touching HDF5.
//
// Guarantees (each covered by tests):
// - Concurrent callers on a cold cache: exactly one loads each dataset, the
//   others block until it is published, then attach.
// - A segment is written under an anonymous name (O_TMPFILE) and published
//   with an atomic link, so its final name always holds a complete segment. A
//   loader that dies leaves nothing behind; a waiter takes over the load.
// - Space for the whole segment is reserved before loading: a shared-memory
//   file system that is too small gives kNoSpace (needed and free sizes), never
//   a SIGBUS, and nothing is left behind.
// - A segment is mapped only if it is a regular file owned by the caller (or,
//   with share_group, by that group), not writable by group or others, and its
//   header agrees with its real size. An invalid segment of the caller's own is
//   removed and rebuilt (a warning says so); a foreign one is an error.
// - An attach holds a shared lock on the segment from open() for as long as
//   its mapping lives; the upkeep (make_room, reclaim_old_versions) removes a
//   segment only under an exclusive one and after finding no mapper, so an
//   attach never maps a segment being evicted: it finds it gone and loads or
//   attaches anew.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "glint/dtype.h"
#include "glint/fingerprint.h"
#include "glint/shm_budget.h"
#include "glint/shm_dir.h"
#include "glint/status.h"

namespace glint {

struct LoadProgress {
  std::string dataset;
  uint64_t done_bytes = 0;
  uint64_t total_bytes = 0;
};

struct CacheOptions {
  // Directory of the shared-memory file system holding segments.
  std::string shm_dir = kDefaultShmDir;
  // How the file's MD5 is found (store location, forced rehash).
  FingerprintOptions fingerprint;
  // "" (default): segments are mode 0400, usable by their owner only.
  // A group name: new segments get mode 0440 and that group, and segments
  // owned by other users are trusted when they belong to that group.
  std::string share_group;
  // Prefault the whole mapping when attaching (MAP_POPULATE): costs time once
  // at attach, saves a page fault per 4 KiB on first touch.
  bool populate = false;
  // Attach only, never load: when a requested dataset has no current segment
  // (missing, stale or damaged), open_shared() fails with kNotFound and
  // creates and removes nothing (no segment, no lock file, no upkeep). For
  // readers that use the shared copy when a trainer made one and read the
  // file otherwise (glint_predict without --shared_memory). A damaged
  // segment is left for the next loading caller to rebuild.
  bool attach_only = false;
  // Called as a dataset is loaded, from the loading thread or one of its
  // copy/decode threads (one call at a time). May be empty.
  std::function<void(const LoadProgress&)> on_progress;
  // Receives one-line warnings (an invalid own segment rebuilt, segments
  // removed to make room or reclaimed, ...).
  std::function<void(std::string_view)> on_warning;

  // Loading tuning. The defaults suit a small machine; none changes a byte
  // of what is loaded.
  // Threads that copy a contiguous, unfiltered dataset into its segment
  // (sendfile, in the kernel). Default 2: both cores of a small machine; the
  // copy is bound by memory bandwidth, so more rarely helps. Values < 1 mean 1.
  int copy_threads = 2;
  // Threads that decompress a chunked, filtered dataset. Default 0: one per
  // core, at most 8 (decoding is CPU-bound).
  int decode_threads = 0;
  // The most one copy system call (or one HDF5 read) moves, which is also how
  // often on_progress is called while loading (decoded chunks report once
  // per chunk). Default 32 MiB; values below 4096 mean 4096. The reliability
  // tests lower it so that a small load reports in many steps and a test can
  // stop the loader at many points.
  uint64_t fill_step_bytes = uint64_t{32} << 20;

  // Upkeep of shm_dir (docs/SHM_MANAGER.md, "Upkeep"). It only ever removes
  // the caller's own segments that no process maps or is attaching.
  // Cap on what this user's glint segments in shm_dir may occupy (none by
  // default). A load that would exceed it first evicts; if that is not
  // enough it fails with kNoSpace.
  ShmBudget max_shm;
  // When a load needs more room than shm_dir has (or the budget allows),
  // remove unused segments of other files, least recently attached first,
  // only as many as needed.
  bool make_room = true;
  // After loading a file's new version, remove the unused segments of its
  // older versions (same path, other MD5).
  bool reclaim_old_versions = true;
};

// A read-only view of one dataset in shared memory. Move-only; owns the
// mapping (no file descriptor is held). Safe to read from any thread, and in
// children after fork().
class SharedDataset {
 public:
  SharedDataset(SharedDataset&&) noexcept;
  SharedDataset& operator=(SharedDataset&&) noexcept;
  SharedDataset(const SharedDataset&) = delete;
  SharedDataset& operator=(const SharedDataset&) = delete;
  ~SharedDataset();

  const std::string& dataset() const;   // "/images"
  const std::string& segment() const;   // "glint_<md5>_images"
  const std::string& md5() const;
  DType dtype() const;
  const std::vector<uint64_t>& shape() const;
  const void* data() const;             // payload, 64-byte aligned
  uint64_t bytes() const;               // payload size
  bool loaded_here() const;             // true if this call loaded it

  struct Impl;
  explicit SharedDataset(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Attaches to, or loads then attaches to, each of `datasets` of `h5_path`
// (all non-empty numeric datasets when empty). On error nothing this call
// created is left behind; segments that other processes completed stay.
Result<std::vector<SharedDataset>> open_shared(const std::string& h5_path,
                                               const std::vector<std::string>& datasets,
                                               const CacheOptions& options);

}  // namespace glint
