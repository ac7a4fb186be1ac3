// attach_probe: one process that opens the datasets of an HDF5 file through
// the cache (or privately), for scripts/bench_run.py.
//
// It prints one JSON line on stdout with CLOCK_MONOTONIC instants, so the
// parent can measure "process start to data usable" on the same clock:
//   {"usable_ns": ..., "open_ns": ..., "touch_ns": ..., "bytes": ...}
// --noop prints the line before doing anything (the cost of starting this
// very binary, which the parent subtracts). --hold keeps the process alive
// after the line until stdin is closed, so its memory can be read.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "glint/cache.h"
#include "glint/fingerprint.h"
#include "util/time.h"

namespace {

struct ProbeOptions {
  std::string h5;
  std::string shm_dir = "/dev/shm";
  bool populate = false;  // CacheOptions::populate
  bool touch = false;     // read one byte of every page after attaching
  bool is_private = false;  // read the file into private memory instead
  bool noop = false;      // report at once (start-up baseline)
  bool md5 = false;       // only hash the file (open_ns = glint::md5_file time)
  bool hold = false;      // stay alive until stdin closes
  std::vector<std::string> datasets;  // empty: every numeric dataset
};

int64_t cpu_ns() { return glint::now_ns(CLOCK_PROCESS_CPUTIME_ID); }
int64_t wall_ns() { return glint::now_ns(CLOCK_MONOTONIC); }

// Reads one byte per 4 KiB page: what first use of the whole payload costs
// in page faults, without the cost of a particular computation on it.
uint64_t touch_pages(const void* data, uint64_t bytes) {
  const volatile unsigned char* p = static_cast<const unsigned char*>(data);
  uint64_t sum = 0;
  for (uint64_t i = 0; i < bytes; i += 4096) sum += p[i];
  return sum;
}

// The stand-in for a trainer's private preload: every byte of the file in
// this process's own memory.
std::unique_ptr<unsigned char[]> read_private(const std::string& path, uint64_t& bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  off_t size = ::lseek(fd, 0, SEEK_END);
  std::unique_ptr<unsigned char[]> buf(new unsigned char[static_cast<size_t>(size)]);
  uint64_t done = 0;
  while (done < static_cast<uint64_t>(size)) {
    ssize_t n = ::pread(fd, buf.get() + done, static_cast<size_t>(size) - done, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  bytes = done;
  return buf;
}

int run_probe(const ProbeOptions& o) {
  if (o.noop) {
    std::printf("{\"usable_ns\": %lld, \"open_ns\": 0, \"touch_ns\": 0, \"cpu_ns\": %lld, \"open_cpu_ns\": 0, "
                "\"bytes\": 0}\n",
                static_cast<long long>(wall_ns()), static_cast<long long>(cpu_ns()));
    return 0;
  }
  int64_t t0 = wall_ns();
  if (o.md5) {
    auto md5 = glint::md5_file(o.h5);
    if (!md5.ok()) {
      std::fprintf(stderr, "attach_probe: %s\n", md5.status().message().c_str());
      return 1;
    }
    int64_t t1 = wall_ns();
    std::printf("{\"usable_ns\": %lld, \"open_ns\": %lld, \"touch_ns\": 0, \"bytes\": 0, \"md5\": \"%s\"}\n",
                static_cast<long long>(t1), static_cast<long long>(t1 - t0), md5->c_str());
    return 0;
  }
  int64_t c0 = cpu_ns();
  uint64_t bytes = 0;
  uint64_t sink = 0;
  std::vector<glint::SharedDataset> shared;
  std::unique_ptr<unsigned char[]> own;
  if (o.is_private) {
    own = read_private(o.h5, bytes);
    if (!own) {
      std::fprintf(stderr, "attach_probe: cannot read %s\n", o.h5.c_str());
      return 1;
    }
  } else {
    glint::CacheOptions cache;
    cache.shm_dir = o.shm_dir;
    cache.populate = o.populate;
    auto r = glint::open_shared(o.h5, o.datasets, cache);
    if (!r.ok()) {
      std::fprintf(stderr, "attach_probe: %s\n", r.status().message().c_str());
      return 1;
    }
    shared = std::move(r.value());
  }
  int64_t t1 = wall_ns();
  int64_t c1 = cpu_ns();
  if (o.touch) {
    for (const auto& d : shared) {
      sink += touch_pages(d.data(), d.bytes());
      bytes += d.bytes();
    }
  } else {
    for (const auto& d : shared) bytes += d.bytes();
  }
  int64_t t2 = wall_ns();
  std::printf("{\"usable_ns\": %lld, \"open_ns\": %lld, \"touch_ns\": %lld, \"cpu_ns\": %lld, \"open_cpu_ns\": %lld, "
              "\"bytes\": %llu, \"sink\": %llu}\n",
              static_cast<long long>(t2), static_cast<long long>(t1 - t0), static_cast<long long>(t2 - t1),
              static_cast<long long>(cpu_ns()), static_cast<long long>(c1 - c0),
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(sink & 1));
  std::fflush(stdout);
  if (o.hold) {
    char c;
    while (::read(0, &c, 1) > 0) {
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ProbeOptions o;
  CLI::App app{"Opens an HDF5 file's datasets through the glint cache and reports when they are usable."};
  app.add_option("--h5", o.h5, "HDF5 file")->required();
  app.add_option("--shm-dir", o.shm_dir, "Directory holding the segments [default: /dev/shm]");
  app.add_flag("--populate", o.populate, "Attach with CacheOptions::populate (MAP_POPULATE)");
  app.add_flag("--touch", o.touch, "Read one byte of every page of the payload before reporting");
  app.add_flag("--private", o.is_private, "Read the whole file into private memory instead (preload stand-in)");
  app.add_flag("--noop", o.noop, "Report at once: the start-up cost of this binary");
  app.add_flag("--md5", o.md5, "Only hash the file with glint::md5_file and report the time");
  app.add_option("--datasets", o.datasets, "Datasets to attach (default: every numeric one)")->delimiter(',');
  app.add_flag("--hold", o.hold, "After reporting, stay alive until stdin is closed");
  CLI11_PARSE(app, argc, argv);
  return run_probe(o);
}
