#include "fingerprint_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/user.h"

namespace glint {
namespace {

// Coarse kernel timestamps can lag real time by a tick; a file changed less
// than this before it was hashed could change again without a new ctime.
constexpr int64_t kRacyWindowNs = 20'000'000;

bool make_private_dirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

bool trusted_dir(const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

std::string read_small_file(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < 65536) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string default_store_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/glint/fingerprints";
  const char* home = std::getenv("HOME");
  std::string h = (home && *home == '/') ? home : "";
  if (h.empty()) {
    h = home_directory(geteuid()).value_or("");
  }
  return h.empty() ? std::string() : h + "/.cache/glint/fingerprints";
}

std::optional<FingerprintStore> FingerprintStore::open(const std::string& dir) {
  if (dir.empty() || dir.front() != '/') return std::nullopt;
  if (!make_private_dirs(dir) || !trusted_dir(dir)) return std::nullopt;
  return FingerprintStore(dir);
}

std::string FingerprintStore::entry_path(const FileIdentity& id) const {
  return dir_ + "/" + std::to_string(id.dev) + "-" + std::to_string(id.ino) + ".json";
}

std::optional<std::string> FingerprintStore::lookup(const FileIdentity& id) const {
  UniqueFd fd(::open(entry_path(id).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) return std::nullopt;
  auto j = nlohmann::json::parse(read_small_file(fd.get()), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    bool same = j.at("size").get<uint64_t>() == id.size && j.at("mtime_ns").get<int64_t>() == id.mtime_ns &&
                j.at("ctime_ns").get<int64_t>() == id.ctime_ns && j.at("ino").get<uint64_t>() == id.ino &&
                j.at("dev").get<uint64_t>() == id.dev;
    bool racy = j.at("hashed_at_ns").get<int64_t>() - id.ctime_ns < kRacyWindowNs;
    std::string md5 = j.at("md5").get<std::string>();
    if (!same || racy || md5.size() != 32) return std::nullopt;
    return md5;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged entry is simply recomputed
  }
}

void FingerprintStore::save(const FileIdentity& id, const std::string& md5, const std::string& path,
                            int64_t hashed_at_ns) const {
  nlohmann::json j = {{"dev", id.dev},         {"ino", id.ino},           {"size", id.size},
                      {"mtime_ns", id.mtime_ns}, {"ctime_ns", id.ctime_ns}, {"md5", md5},
                      {"path", path},           {"hashed_at_ns", hashed_at_ns}};
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // A lost entry is only recomputed: no fsync, and failures are ignored.
  (void)write_file_atomically(entry_path(id), text, {.sync = false, .mode = 0600});
}

UniqueFd FingerprintStore::lock(const FileIdentity& id) const {
  std::string path = dir_ + "/" + std::to_string(id.dev) + "-" + std::to_string(id.ino) + ".lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return fd;
  while (flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return UniqueFd();
  }
  return fd;
}

}  // namespace glint
