// Which processes map which files: a reader of /proc/PID/maps.
//
// Used by the inventory to say who uses a segment now, and to find segments
// that were removed but are still mapped (their memory is not free yet).
// Only processes whose maps we may read are seen (our own user's, or all of
// them as root); processes that exit while being read are skipped.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glint {

// One file mapped by one process (all its ranges of that file merged).
struct MappedFile {
  pid_t pid = 0;
  dev_t dev = 0;            // device of the file, as stat() reports it
  uint64_t inode = 0;
  std::string path;         // without the " (deleted)" suffix
  bool deleted = false;     // the file's name was removed after mapping
  uint64_t mapped_bytes = 0;  // sum of this process's ranges of the file
};

// Parses the text of one /proc/PID/maps, keeping the file mappings whose path
// starts with `path_prefix` (e.g. "/dev/shm/"). Malformed lines are skipped.
std::vector<MappedFile> parse_proc_maps(pid_t pid, std::string_view maps_text,
                                        std::string_view path_prefix);

// parse_proc_maps over every process under `proc_root`, sorted by pid.
std::vector<MappedFile> scan_proc_maps(std::string_view path_prefix,
                                       const std::string& proc_root = "/proc");

}  // namespace glint
