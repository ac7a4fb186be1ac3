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

std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return buf;
  return {};
}

}  // namespace

std::string absolute_path(const std::string& path) {
  if (std::string full = resolved(path); !full.empty()) return full;
  // Gone: resolve its folder, and keep the name as it was given.
  const size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = resolved(folder);
  if (dir.empty()) return path;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::vector<std::string> remembered_md5s(const std::string& absolute, const std::string& store_dir) {
  auto store = FingerprintStore::open(store_dir.empty() ? default_store_dir() : store_dir);
  if (!store) return {};
  return store->md5s_of_path(absolute);
}

Result<Fingerprint> fingerprint_file(const std::string& path, const FingerprintOptions& options) {
  auto id = identify_file(path);
  if (!id.ok()) return id.status();
  Fingerprint fp;
  fp.path = absolute_path(path);
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
