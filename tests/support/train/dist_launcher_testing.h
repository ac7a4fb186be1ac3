// Tests' stand-in for torchrun's agent, for the cases the real torchrun
// (torchrun_test.cc) cannot produce: ranks with different flags, a stopped
// rank, a rendezvous that never completes. It hosts the c10d TCPStore that
// torchrun's agent hosts, and gives each rank the environment torchrun gives
// its workers (torch/distributed/elastic/agent/server/local_elastic_agent.py).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace glint::train::testing {

// The process and directory helpers the data-parallel tests use with these.
using glint::testing::Child;
using glint::testing::ProcessResult;
using glint::testing::TempDir;

class AgentStore {
 public:
  explicit AgentStore(int world_size, const std::string& host = "127.0.0.1") : host_(host) {
    c10d::TCPStoreOptions so;
    so.port = 0;
    so.isServer = true;
    so.numWorkers = static_cast<size_t>(world_size);
    so.waitWorkers = false;
    so.timeout = std::chrono::seconds(60);
    store_ = c10::make_intrusive<c10d::TCPStore>(host, so);
  }
  int port() const { return store_->getPort(); }
  const std::string& host() const { return host_; }
  bool has(const std::string& key) { return store_->check({key}); }

 private:
  std::string host_;
  c10::intrusive_ptr<c10d::TCPStore> store_;
};

struct Placement {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  int node = 0;
  int nodes = 1;
  int restart_count = 0;
};

// The variables torchrun sets for a worker with the static rendezvous
// (its default for --master_addr/--master_port launches), plus the error file
// of its multiprocessing layer.
inline std::vector<std::string> torchrun_env(const Placement& p, const std::string& master_addr, int master_port,
                                             const std::string& error_file = "") {
  std::vector<std::string> env = {
      "LOCAL_RANK=" + std::to_string(p.local_rank),
      "RANK=" + std::to_string(p.rank),
      "GROUP_RANK=" + std::to_string(p.node),
      "ROLE_RANK=" + std::to_string(p.rank),
      "ROLE_NAME=default",
      "LOCAL_WORLD_SIZE=" + std::to_string(p.local_world_size),
      "WORLD_SIZE=" + std::to_string(p.world_size),
      "GROUP_WORLD_SIZE=" + std::to_string(p.nodes),
      "ROLE_WORLD_SIZE=" + std::to_string(p.world_size),
      "MASTER_ADDR=" + master_addr,
      "MASTER_PORT=" + std::to_string(master_port),
      "TORCHELASTIC_RESTART_COUNT=" + std::to_string(p.restart_count),
      "TORCHELASTIC_MAX_RESTARTS=0",
      "TORCHELASTIC_RUN_ID=none",
      "TORCHELASTIC_USE_AGENT_STORE=True",
      "NCCL_ASYNC_ERROR_HANDLING=1",
  };
  if (p.local_world_size > 1) env.push_back("OMP_NUM_THREADS=1");  // torchrun's default then
  if (!error_file.empty()) env.push_back("TORCHELASTIC_ERROR_FILE=" + error_file);
  return env;
}

}  // namespace glint::train::testing

namespace glint::train::testing {

// train_glint_unet with the given flags, and a tiny model and one loader
// worker unless they say otherwise.
inline std::vector<std::string> tiny_trainer(const std::string& fingerprints, std::vector<std::string> args) {
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"--fingerprint_dir", fingerprints}, {"--num_workers", "1"}, {"--base_channels", "4"},
      {"--depth", "2"}, {"--progress", "off"}, {"--epochs", "1"}};
  std::vector<std::string> argv = {glint::testing::built_program("bin/train_glint_unet")};
  for (const auto& [flag, value] : defaults) {
    if (std::find(args.begin(), args.end(), flag) == args.end()) argv.insert(argv.end(), {flag, value});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// A port no one listens on now (the kernel's choice for port 0 on loopback).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Reads stdout lines until one starts with `prefix`; returns it ("" at EOF).
inline std::string read_until(glint::testing::Child& child, const std::string& prefix) {
  for (std::string line = child.read_line(); !line.empty(); line = child.read_line()) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

}  // namespace glint::train::testing
