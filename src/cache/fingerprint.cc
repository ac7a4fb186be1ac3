#include <time.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "fingerprint_store.h"
#include "glint/fingerprint.h"
#include "util/time.h"

namespace glint {
namespace {

bool same_identity(const FileIdentity& a, const FileIdentity& b) {
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime_ns == b.mtime_ns &&
         a.ctime_ns == b.ctime_ns;
}

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return buf;
  return path;
}

}  // namespace

Result<Fingerprint> fingerprint_file(const std::string& path, const FingerprintOptions& options) {
  auto id = identify_file(path);
  if (!id.ok()) return id.status();
  Fingerprint fp;
  fp.path = absolute(path);
  fp.identity = *id;
  std::optional<FingerprintStore> store;
  if (options.remember) {
    store = FingerprintStore::open(options.store_dir.empty() ? default_store_dir() : options.store_dir);
  }
  if (store && !options.rehash) {
    if (auto md5 = store->lookup(*id)) {
      fp.md5 = *md5;
      fp.remembered = true;
      return fp;
    }
  }
  // Processes that start together hash the file once: the others wait on
  // the lock and then find the entry.
  UniqueFd lock;
  if (store) {
    lock = store->lock(*id);
    if (!options.rehash) {
      if (auto md5 = store->lookup(*id)) {
        fp.md5 = *md5;
        fp.remembered = true;
        return fp;
      }
    }
  }
  int64_t started = now_ns();
  auto md5 = md5_file(path);
  if (!md5.ok()) return md5.status();
  auto after = identify_file(path);
  if (!after.ok()) return after.status();
  if (!same_identity(*id, *after)) {
    return Status(Code::kIOError, path + " changed while it was being hashed; try again once it is written");
  }
  fp.md5 = *md5;
  if (store) store->save(*id, fp.md5, fp.path, started);
  return fp;
}

}  // namespace glint
