#include "probe/probe_client.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

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
                          d.value("bytes", uint64_t{0}), d.value("checksum", "")});
  }
  return r;
}

std::string probe_program() { return built_program("bin/glint_cache_probe"); }

namespace {

std::vector<std::string> probe_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {probe_program()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

Probe::Probe(const std::vector<std::string>& args, int shared_stdin, const std::optional<Credentials>& as)
    : child_(probe_argv(args), ChildOptions{.stdin_pipe = shared_stdin < 0, .stdin_fd = shared_stdin, .as = as}) {}

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
