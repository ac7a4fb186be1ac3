// Running real programs from tests: fork/exec, capture output, wait.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glint::testing {

struct ProcessResult {
  int exit_code = -1;    // valid when !signaled
  bool signaled = false;
  int signal = 0;
  std::string out;       // stdout
  std::string err;       // stderr
};

// Who a child runs as (the test must be root to use it).
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// How a child starts. By default stdin is /dev/null and the environment is
// the test's own.
struct ChildOptions {
  std::vector<std::string> extra_env{};  // "K=V", replacing the test's K
  bool stdin_pipe = false;             // stdin is a pipe: write_stdin(), close_stdin()
  int stdin_fd = -1;                   // else this read end (e.g. a gate shared by children)
  std::optional<Credentials> as{};     // setgroups/setgid/setuid before exec (exit 126 on failure)
};

// Runs argv[0] (a path) with argv and optional extra environment ("K=V"),
// waits, and returns what it printed. stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env = {});

// A started child whose stdout and stderr go to pipes.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
  Child(const std::vector<std::string>& argv, const ChildOptions& options);
  ~Child();  // kills (SIGKILL) and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads stdout until a line is complete; at end of file, what is left of
  // an unterminated line ("" when nothing is).
  std::string read_line();
  // With ChildOptions::stdin_pipe: writes to the child's stdin (false when
  // it is closed or the write fails, e.g. the child closed its end: the
  // SIGPIPE of that write is blocked and discarded), closes it.
  bool write_stdin(std::string_view text);
  void close_stdin();
  // Waits until the child stops (SIGSTOP, e.g. raised by itself): true; or
  // exits: false (wait() then reports how).
  bool wait_stopped();
  // Closes stdin, waits for exit and collects the rest of the output.
  ProcessResult wait();
  void kill(int sig);

 private:
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string pending_;
  bool reaped_ = false;
  int exit_status_ = 0;  // when reaped_
};

// Path of a program built by this project (GLINT_BUILD_DIR/...).
std::string built_program(const std::string& relative);

}  // namespace glint::testing
