// Options of a data-parallel group, torchrun's conventions. No LibTorch
// include: TrainOptions nests them, and the program that parses them builds
// without LibTorch headers.
#pragma once

#include <chrono>
#include <string>

namespace glint::train {

// One rank's place in the group and where the group meets. Nested in
// TrainOptions as `dist`, bound to --world_size ... --dist_timeout there.
struct DistOptions {
  int world_size = 1;                      // 1 = no group, every call is a no-op
  int rank = 0;                            // 0 <= rank < world_size
  std::string master_addr = "127.0.0.1";   // where the store listens
  int master_port = 29500;                 // 0 only for a hosting rank 0 in tests: a free port
  // The store belongs to a launcher's agent (torchrun): join it, never host it.
  bool agent_store = false;
  int restart_count = 0;                   // the agent's attempt number (key prefix)
  // Network interface for Gloo ("" = 127.0.0.1 for a loopback master_addr,
  // else Gloo's default device: the address of this host's name).
  std::string interface;
  // The rendezvous may take this long; a rank silent (no heartbeat) this long is lost.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds heartbeat{1000};  // period of the heartbeats
};

}  // namespace glint::train
