#include "util/user.h"

#include <pwd.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <vector>

namespace glint {
namespace {

struct Entry {
  std::string name;
  std::string home;
};

std::optional<Entry> lookup(uid_t uid) {
  std::vector<char> buf(4096);
  for (;;) {
    passwd pw;
    passwd* found = nullptr;
    const int rc = getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr) return std::nullopt;
    return Entry{pw.pw_name, pw.pw_dir};
  }
}

std::optional<Entry> cached(uid_t uid) {
  static std::mutex mu;
  static std::map<uid_t, std::optional<Entry>> entries;
  std::lock_guard<std::mutex> lock(mu);
  auto it = entries.find(uid);
  if (it == entries.end()) it = entries.emplace(uid, lookup(uid)).first;
  return it->second;
}

}  // namespace

std::optional<std::string> user_name(uid_t uid) {
  auto e = cached(uid);
  if (!e) return std::nullopt;
  return e->name;
}

std::optional<std::string> home_directory(uid_t uid) {
  auto e = cached(uid);
  if (!e) return std::nullopt;
  return e->home;
}

}  // namespace glint
