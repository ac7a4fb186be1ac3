// Running real programs from tests: fork/exec, capture output, wait.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace glint::testing {

struct ProcessResult {
  int exit_code = -1;    // valid when !signaled
  bool signaled = false;
  int signal = 0;
  std::string out;       // stdout
  std::string err;       // stderr
};

// Runs argv[0] (a path) with argv and optional extra environment ("K=V"),
// waits, and returns what it printed. stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env = {});

// A started child whose stdout and stderr go to pipes.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
  ~Child();  // kills (SIGKILL) and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads stdout until a line is complete; "" at end of file.
  std::string read_line();
  // Waits for exit and collects the rest of the output.
  ProcessResult wait();
  void kill(int sig);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string pending_;
  bool reaped_ = false;
};

// Fills exit_code / signaled / signal of `r` from a waitpid() status.
void set_exit_status(int wait_status, ProcessResult& r);

// Reads both pipes until each reaches end of file, appending to out and err.
void read_until_eof(int out_fd, int err_fd, std::string& out, std::string& err);

// Path of a program built by this project (GLINT_BUILD_DIR/...).
std::string built_program(const std::string& relative);

}  // namespace glint::testing
