// The commands of shm_manager. Each prints its results on stdout (text or,
// with --json, one JSON document), errors as one line on stderr, and returns
// the process exit code: 0 on success, 1 on failure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "glint/fingerprint.h"
#include "glint/h5.h"
#include "options.h"

namespace glint::shm_manager {

int run_list(const ManagerOptions& options);     // --list [--h5 F]
int run_cleanup(const ManagerOptions& options);  // --cleanup --h5 F, --cleanup-all
int run_load(const ManagerOptions& options);     // --load --h5 F

// Prints "shm_manager: <message>" on stderr and returns 1.
int fail(std::string_view message);
// The same for a bad command line: returns kUsageError (2, util/cli.h).
int bad_command_line(std::string_view message);

// "" if `path` is a regular file (or, with gone_is_fine, no file at all),
// else "PATH: no such file" or what it is instead.
std::string h5_problem(const std::string& path, bool gone_is_fine);

// An HDF5 file named by --h5: its fingerprint and numeric datasets.
struct H5Target {
  Fingerprint fingerprint;
  std::vector<DatasetInfo> datasets;
};

// Checks that `path` is HDF5 (before spending time hashing it), lists its
// numeric datasets, then finds its MD5 (remembered per user).
Result<H5Target> inspect_h5(const std::string& path, bool rehash);

// What --cleanup --h5 FILE removes: the segments of the file's MD5 now (when
// it can be read), of each MD5 remembered for its path (a file since deleted
// or damaged), and those whose trailer names its path (older versions).
struct CleanupTarget {
  std::string path;               // absolute, also for a file that is gone
  std::vector<std::string> md5s;  // the file's MD5 now first, then remembered ones
  bool exists = false;
};
Result<CleanupTarget> cleanup_target(const std::string& path, bool rehash);

}  // namespace glint::shm_manager
