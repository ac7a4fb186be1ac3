#include "fingerprint_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <utility>
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

// An entry's JSON, if it is a regular file of ours.
nlohmann::json read_entry(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return nullptr;
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) return nullptr;
  return nlohmann::json::parse(read_small_file(fd.get()), nullptr, /*allow_exceptions=*/false);
}

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
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
  nlohmann::json j = read_entry(entry_path(id));
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

std::vector<std::string> FingerprintStore::md5s_of_path(const std::string& path) const {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(dir_.c_str()), ::closedir);
  if (!dir) return {};
  std::vector<std::pair<int64_t, std::string>> found;  // (hashed_at_ns, md5)
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (!ends_with(name, ".json")) continue;
    nlohmann::json j = read_entry(dir_ + "/" + name);
    if (!j.is_object()) continue;
    const auto p = j.find("path"), m = j.find("md5"), at = j.find("hashed_at_ns");
    if (p == j.end() || m == j.end() || at == j.end() || !p->is_string() || !m->is_string() ||
        !at->is_number_integer() || p->get<std::string>() != path || m->get<std::string>().size() != 32) {
      continue;
    }
    found.emplace_back(at->get<int64_t>(), m->get<std::string>());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> md5s;
  for (auto& [at, md5] : found) {
    if (std::find(md5s.begin(), md5s.end(), md5) == md5s.end()) md5s.push_back(std::move(md5));
  }
  return md5s;
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
