#include "support/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace glint::testing {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The test's environment with the entries of `extra` ("K=V") replacing its K.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  auto overridden = [&extra](const std::string& entry) {
    auto key = entry.substr(0, entry.find('=') + 1);
    for (const auto& e : extra) {
      if (e.compare(0, key.size(), key) == 0) return true;
    }
    return false;
  };
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (!overridden(*e)) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Reads both pipes until each reaches end of file, appending to out and err.
void read_until_eof(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = (out_fd >= 0) + (err_fd >= 0);
  char buf[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

// Fills exit_code / signaled / signal of `r` from a waitpid() status.
void set_exit_status(int wait_status, ProcessResult& r) {
  if (WIFSIGNALED(wait_status)) {
    r.signaled = true;
    r.signal = WTERMSIG(wait_status);
  } else {
    r.exit_code = WEXITSTATUS(wait_status);
  }
}

// In the forked child: becomes `as`, or exits 126 saying why.
void become(const Credentials& as) {
  if (setgroups(as.groups.size(), as.groups.data()) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0) {
    dprintf(2, "cannot become uid %u: %s\n", as.uid, strerror(errno));
    _exit(126);
  }
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env)
    : Child(argv, ChildOptions{.extra_env = extra_env}) {}

Child::Child(const std::vector<std::string>& argv, const ChildOptions& options) {
  int in[2] = {-1, -1}, out[2], err[2];
  if (options.stdin_pipe && pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options.extra_env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int input = options.stdin_pipe ? in[0] : options.stdin_fd;
    if (input < 0) input = open("/dev/null", O_RDONLY);
    dup2(input, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (options.as) become(*options.as);
    execve(c_args[0], c_args.data(), c_env.data());
    dprintf(2, "exec %s: %s\n", c_args[0], strerror(errno));
    _exit(127);
  }
  if (options.stdin_pipe) {
    close(in[0]);
    in_fd_ = in[1];
  }
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

Child::~Child() {
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

std::string Child::read_line() {
  for (;;) {
    auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    char buf[4096];
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string rest;
      rest.swap(pending_);
      return rest;
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
}

bool Child::write_stdin(std::string_view text) {
  if (in_fd_ < 0) return false;
  // A child that closed its stdin must not kill the test with SIGPIPE: the
  // signal is blocked for this write, and the one it raised is taken back.
  sigset_t pipe_signal, old_mask;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
  ssize_t n;
  while ((n = ::write(in_fd_, text.data(), text.size())) < 0 && errno == EINTR) {
  }
  if (n < 0 && errno == EPIPE) {
    const timespec now = {0, 0};
    sigtimedwait(&pipe_signal, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return n >= 0 && static_cast<size_t>(n) == text.size();
}

void Child::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

bool Child::wait_stopped() {
  int st = 0;
  while (waitpid(pid_, &st, WUNTRACED) < 0) {
    if (errno != EINTR) return false;
  }
  if (WIFSTOPPED(st)) return true;
  reaped_ = true;
  exit_status_ = st;
  return false;
}

void Child::kill(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

ProcessResult Child::wait() {
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

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  Child c(argv, extra_env);
  return c.wait();
}

std::string built_program(const std::string& relative) {
  const char* dir = std::getenv("GLINT_BUILD_DIR");
  if (!dir) throw std::runtime_error("GLINT_BUILD_DIR is not set (run the tests through ctest)");
  return std::string(dir) + "/" + relative;
}

}  // namespace glint::testing
