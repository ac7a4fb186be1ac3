#include "probe/private_tmpfs.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "support/temp_dir.h"

namespace glint::testing {
namespace {

void send(int fd, char kind, const std::string& text) {
  std::string line = std::string(1, kind) + " " + text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  line += '\n';
  (void)!::write(fd, line.data(), line.size());
}

[[noreturn]] void child_main(int fd, const std::string& dir, uint64_t bytes,
                             const std::function<void(const std::string&, Findings&)>& body) {
  if (geteuid() != 0) {
    send(fd, 'S', "needs root to mount a private tmpfs");
    _exit(0);
  }
  if (unshare(CLONE_NEWNS) != 0) {
    send(fd, 'S', std::string("unshare(CLONE_NEWNS) failed: ") + strerror(errno));
    _exit(0);
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    send(fd, 'S', std::string("cannot make / private: ") + strerror(errno));
    _exit(0);
  }
  std::string opts = "size=" + std::to_string(bytes) + ",mode=1777";
  if (mount("glint-test", dir.c_str(), "tmpfs", 0, opts.c_str()) != 0) {
    send(fd, 'S', std::string("cannot mount a tmpfs: ") + strerror(errno));
    _exit(0);
  }
  Findings findings(fd);
  body(dir, findings);
  _exit(0);
}

}  // namespace

bool Findings::expect(bool ok, const std::string& what) {
  if (!ok) send(fd_, 'F', what);
  return ok;
}

void Findings::note(const std::string& what) { send(fd_, 'N', what); }

IsolatedRun run_in_private_tmpfs(uint64_t bytes,
                                 const std::function<void(const std::string& dir, Findings& findings)>& body) {
  TempDir mount_point;
  IsolatedRun run;
  int p[2];
  if (pipe(p) != 0) {
    run.skip_reason = "pipe failed";
    return run;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child_main(p[1], mount_point.path(), bytes, body);
  }
  close(p[1]);
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) all.append(buf, static_cast<size_t>(n));
  }
  close(p[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  run.crashed = !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 2) continue;
    std::string text = line.substr(2);
    if (line[0] == 'S') run.skip_reason = text;
    if (line[0] == 'F') run.failures.push_back(text);
    if (line[0] == 'N') run.notes.push_back(text);
  }
  return run;
}

uint64_t fs_used_bytes(const std::string& dir) {
  struct statvfs v;
  if (statvfs(dir.c_str(), &v) != 0) return 0;
  return (uint64_t{v.f_blocks} - v.f_bfree) * v.f_frsize;
}

uint64_t fs_free_bytes(const std::string& dir) {
  struct statvfs v;
  if (statvfs(dir.c_str(), &v) != 0) return 0;
  return uint64_t{v.f_bavail} * v.f_frsize;
}

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace glint::testing
