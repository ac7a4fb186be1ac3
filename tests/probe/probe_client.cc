#include "probe/probe_client.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace glint::testing {

ProbeReport parse_probe_report(const std::string& line) {
  ProbeReport r;
  r.raw = line;
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return r;
  r.parsed = true;
  r.ok = j.value("ok", false);
  r.pid = j.value("pid", int64_t{0});
  r.error = j.value("error", "");
  r.code = j.value("code", "");
  for (const auto& w : j.value("warnings", nlohmann::json::array())) r.warnings.push_back(w.get<std::string>());
  for (const auto& d : j.value("datasets", nlohmann::json::array())) {
    r.datasets.push_back({d.value("name", ""), d.value("segment", ""), d.value("loaded_here", false),
                          d.value("tier", ""), d.value("tier_note", ""), d.value("path", ""),
                          d.value("bytes", uint64_t{0}), d.value("checksum", "")});
  }
  return r;
}

std::string probe_program() { return built_program("bin/glint_cache_probe"); }

namespace {

// A copy of the probe in a directory every user may enter: a probe run as
// another user cannot exec the build tree's when that tree lies under a
// private directory (a clone in `mktemp -d`, mode 0700). Made once per test
// process, removed at its exit.
class PublicProbe {
 public:
  PublicProbe() {
    char dir[] = "/tmp/glint-probe-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp for the probe's copy failed");
    dir_ = dir;
    namespace fs = std::filesystem;
    constexpr fs::perms kEveryoneMayRun = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                          fs::perms::others_read | fs::perms::others_exec;  // 0755
    fs::permissions(dir_, kEveryoneMayRun);
    path_ = dir_ + "/glint_cache_probe";
    fs::copy_file(probe_program(), path_);
    fs::permissions(path_, kEveryoneMayRun);
  }
  ~PublicProbe() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

std::vector<std::string> probe_argv(const std::vector<std::string>& args, bool other_user) {
  std::vector<std::string> argv;
  if (other_user) {
    static const PublicProbe copy;  // at the first probe run as another user
    argv.push_back(copy.path());
  } else {
    argv.push_back(probe_program());
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

Probe::Probe(const std::vector<std::string>& args, int shared_stdin, const std::optional<Credentials>& as)
    : child_(probe_argv(args, as.has_value()),
             ChildOptions{.stdin_pipe = shared_stdin < 0, .stdin_fd = shared_stdin, .as = as}) {}

ProbeReport Probe::refresh() {
  if (!child_.write_stdin("\n")) return ProbeReport{};
  return read_report();
}

int blocked_lock_waiters(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  char id[64];
  std::snprintf(id, sizeof id, " %02x:%02x:%llu ", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  std::ifstream locks("/proc/locks");
  int n = 0;
  for (std::string line; std::getline(locks, line);) {
    if (line.find(" -> ") != std::string::npos && line.find(id) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace glint::testing
