#include "probe/memory_cgroup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace glint::testing {
namespace {

constexpr const char* kRoot = "/sys/fs/cgroup/memory";

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

uint64_t read_number(const std::string& path) {
  std::ifstream in(path);
  uint64_t v = 0;
  in >> v;
  return v;
}

}  // namespace

MemoryCgroup::MemoryCgroup(uint64_t limit) {
  static std::atomic<int> counter{0};
  if (geteuid() != 0) {
    skip_reason_ = "needs root to create a memory cgroup";
    return;
  }
  struct stat st;
  if (::stat((std::string(kRoot) + "/memory.limit_in_bytes").c_str(), &st) != 0) {
    skip_reason_ = std::string("no v1 memory controller at ") + kRoot;
    return;
  }
  std::string dir = std::string(kRoot) + "/glint_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  if (::mkdir(dir.c_str(), 0755) != 0) {
    skip_reason_ = "mkdir " + dir + ": " + std::strerror(errno);
    return;
  }
  if (!write_text(dir + "/memory.limit_in_bytes", std::to_string(limit))) {
    skip_reason_ = "cannot set the limit of " + dir;
    ::rmdir(dir.c_str());
    return;
  }
  dir_ = dir;
}

MemoryCgroup::~MemoryCgroup() {
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

bool MemoryCgroup::add(pid_t pid) const { return write_text(dir_ + "/cgroup.procs", std::to_string(pid)); }

uint64_t MemoryCgroup::max_usage() const { return read_number(dir_ + "/memory.max_usage_in_bytes"); }

uint64_t MemoryCgroup::failcnt() const { return read_number(dir_ + "/memory.failcnt"); }

}  // namespace glint::testing
