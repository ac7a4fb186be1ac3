#include "probe/probe_client.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

extern char** environ;

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

Probe::Probe(const std::vector<std::string>& args, int shared_stdin, const std::optional<Credentials>& as) {
  int in[2] = {-1, -1}, out[2], err[2];
  if (shared_stdin < 0 && pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {probe_program()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_args;
  for (auto& a : argv) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(shared_stdin >= 0 ? shared_stdin : in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (as && (setgroups(as->groups.size(), as->groups.data()) != 0 || setgid(as->gid) != 0 ||
               setuid(as->uid) != 0)) {
      dprintf(2, "cannot become uid %u: %s\n", as->uid, strerror(errno));
      _exit(126);
    }
    execve(c_args[0], c_args.data(), environ);
    dprintf(2, "exec %s: %s\n", c_args[0], strerror(errno));
    _exit(127);
  }
  if (shared_stdin < 0) {
    close(in[0]);
    in_fd_ = in[1];
  }
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

Probe::~Probe() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
  for (int fd : {in_fd_, out_fd_, err_fd_}) {
    if (fd >= 0) close(fd);
  }
}

ProbeReport Probe::read_report() {
  for (;;) {
    auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return parse_probe_report(line);
    }
    char buf[4096];
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string rest;
      rest.swap(pending_);
      return parse_probe_report(rest);
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
}

ProbeReport Probe::refresh() {
  if (in_fd_ < 0 || ::write(in_fd_, "\n", 1) != 1) return ProbeReport{};
  return read_report();
}

void Probe::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

bool Probe::wait_stopped() {
  int st = 0;
  while (waitpid(pid_, &st, WUNTRACED) < 0) {
    if (errno != EINTR) return false;
  }
  if (WIFSTOPPED(st)) return true;
  reaped_ = true;
  exit_status_ = st;
  return false;
}

void Probe::kill(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

ProcessResult Probe::wait() {
  close_stdin();
  ProcessResult r;
  r.out = pending_;
  pending_.clear();
  read_until_eof(out_fd_, err_fd_, r.out, r.err);
  int st = exit_status_;
  if (!reaped_) {
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  set_exit_status(st, r);
  return r;
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
