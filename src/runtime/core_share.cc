#include "runtime/core_share.h"

#include <dirent.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "glint/inventory.h"

namespace glint::train {
namespace {

constexpr const char* kTrainerCommand = "train_glint_unet";

// Numeric entries of /proc whose comm is the trainer's.
void add_trainer_processes(std::set<pid_t>& pids) {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return;
  while (const dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0) continue;
    std::ifstream comm(std::string("/proc/") + entry->d_name + "/comm");
    std::string name;
    // The kernel truncates comm to 15 characters: "train_glint_une".
    if (std::getline(comm, name) && name == std::string(kTrainerCommand).substr(0, 15)) {
      pids.insert(static_cast<pid_t>(pid));
    }
  }
  ::closedir(proc);
}

}  // namespace

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int shared_thread_count(int cores, int trainers) {
  return std::max(1, cores / std::max(1, trainers));
}

std::set<pid_t> running_trainers(const std::string& shm_dir, pid_t self) {
  std::set<pid_t> pids = {self};
  ListOptions options;
  options.shm_dir = shm_dir;
  options.find_mappers = true;
  if (auto segments = list_segments(options); segments.ok()) {
    for (const SegmentInfo& segment : segments.value()) {
      pids.insert(segment.mapped_by.begin(), segment.mapped_by.end());
    }
  }
  add_trainer_processes(pids);
  return pids;
}

CoreShare::CoreShare(std::string shm_dir, int cores, int min_trainers, std::chrono::seconds recount)
    : shm_dir_(std::move(shm_dir)), cores_(std::max(1, cores)), min_trainers_(min_trainers), recount_(recount) {
  count();
}

void CoreShare::count() {
  trainers_ = std::max(min_trainers_, static_cast<int>(running_trainers(shm_dir_, ::getpid()).size()));
  threads_ = shared_thread_count(cores_, trainers_);
  counted_at_ = std::chrono::steady_clock::now();
}

bool CoreShare::check() {
  if (std::chrono::steady_clock::now() - counted_at_ < recount_) return false;
  const int before = threads_;
  count();
  return threads_ != before;
}

}  // namespace glint::train
