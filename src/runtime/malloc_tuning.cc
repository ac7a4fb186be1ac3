#include "runtime/malloc_tuning.h"

#include <dlfcn.h>
#include <malloc.h>

#include <sys/types.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace glint::train {
namespace {

struct Setting {
  const char* name;     // for the log
  int param;            // mallopt parameter
  long value;
  const char* env;      // legacy environment variable
  const char* tunable;  // GLIBC_TUNABLES entry
};

// The environment variable through which the user already chose this
// setting, or nullptr.
const char* user_choice(const Setting& s) {
  if (std::getenv(s.env) != nullptr) return s.env;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, s.tunable) != nullptr) return "GLIBC_TUNABLES";
  return nullptr;
}

std::string apply(const Setting& s) {
  if (const char* env = user_choice(s)) return std::string(s.name) + "=left to " + env;
  // mallopt() refuses values glibc considers too large (older releases cap
  // the mmap threshold at 32 MiB): fall back to halving until accepted.
  for (long value = s.value; value >= (1L << 20); value /= 2) {
    if (::mallopt(s.param, static_cast<int>(value)) == 1) {
      return std::string(s.name) + "=" + std::to_string(value);
    }
  }
  return std::string(s.name) + "=unchanged (mallopt refused)";
}

// The file name (no directory) of the library that defines `symbol`.
std::string file_of(void* symbol) {
  Dl_info where{};
  if (symbol == nullptr || ::dladdr(symbol, &where) == 0 || where.dli_fname == nullptr) return {};
  const std::string file = where.dli_fname;
  return file.substr(file.rfind('/') + 1);
}

// The file name of the library whose malloc() this process calls: another
// allocator when one was linked in or preloaded (LD_PRELOAD), else "" for
// glibc's.
std::string other_allocator() {
  const std::string name = file_of(reinterpret_cast<void*>(&::malloc));
  return name.rfind("libc.so", 0) == 0 ? std::string() : name;
}

// How `file` came in: LD_PRELOAD names it, or the program was linked with it.
const char* how_loaded(const std::string& file) {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, file.c_str()) != nullptr ? "preloaded" : "linked";
}

struct JemallocSettings {
  std::string version;  // "jemalloc 5.3.0"; empty: malloc() is not jemalloc's
  std::string decay;    // "dirty_decay_ms -1, muzzy_decay_ms -1: freed memory kept for reuse"
};

// jemalloc's version and decay options, read through its mallctl() (looked
// up at run time: this library does not link jemalloc). Empty when
// `malloc_file` (the library malloc() comes from) is not jemalloc, e.g.
// mimalloc preloaded into the trainer that links jemalloc.
using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);

// jemalloc's mallctl() when malloc() (from `malloc_file`) is jemalloc's, else
// null (looked up at run time: this library does not link jemalloc).
Mallctl jemalloc_mallctl(const std::string& malloc_file) {
  void* symbol = ::dlsym(RTLD_DEFAULT, "mallctl");
  if (symbol == nullptr || malloc_file.empty() || file_of(symbol) != malloc_file) return nullptr;
  return reinterpret_cast<Mallctl>(symbol);
}

JemallocSettings jemalloc_settings(const std::string& malloc_file) {
  const Mallctl mallctl = jemalloc_mallctl(malloc_file);
  if (mallctl == nullptr) return {};
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) return {};
  JemallocSettings s;
  const std::string full = version;
  s.version = "jemalloc " + full.substr(0, full.find('-'));
  ssize_t dirty = 0, muzzy = 0;
  size = sizeof(ssize_t);
  if (mallctl("opt.dirty_decay_ms", &dirty, &size, nullptr, 0) == 0 &&
      mallctl("opt.muzzy_decay_ms", &muzzy, &size, nullptr, 0) == 0) {
    s.decay = "dirty_decay_ms " + std::to_string(dirty) + ", muzzy_decay_ms " + std::to_string(muzzy);
    if (dirty < 0 && muzzy < 0) s.decay += ": freed memory kept for reuse";
  }
  return s;
}

}  // namespace

bool release_freed_memory() {
  static const Mallctl mallctl = jemalloc_mallctl(other_allocator());
  if (mallctl == nullptr) return false;
  // 4096 is MALLCTL_ARENAS_ALL of jemalloc 5 (jemalloc.h): every arena.
  return mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
}

std::string apply_malloc_tuning() {
  if (const std::string other = other_allocator(); !other.empty()) {
    const JemallocSettings jemalloc = jemalloc_settings(other);
    std::string line = "malloc: " + (jemalloc.version.empty() ? other : jemalloc.version) + " (" +
                       how_loaded(other) + ")";
    if (!jemalloc.decay.empty()) line += ", " + jemalloc.decay;
    return line;
  }
  if (const char* off = std::getenv(kTuningSwitch);
      off != nullptr && (std::strcmp(off, "off") == 0 || std::strcmp(off, "0") == 0)) {
    return "malloc: glibc defaults (tuning turned off by GLINT_MALLOC_TUNING)";
  }
  static constexpr Setting kSettings[] = {
      {"mmap_threshold", M_MMAP_THRESHOLD, kMmapThresholdBytes, "MALLOC_MMAP_THRESHOLD_",
       "glibc.malloc.mmap_threshold"},
      {"trim_threshold", M_TRIM_THRESHOLD, kTrimThresholdBytes, "MALLOC_TRIM_THRESHOLD_",
       "glibc.malloc.trim_threshold"},
      {"top_pad", M_TOP_PAD, kTopPadBytes, "MALLOC_TOP_PAD_", "glibc.malloc.top_pad"},
  };
  std::string line = "malloc:";
  for (const auto& setting : kSettings) line += " " + apply(setting);
  return line;
}

}  // namespace glint::train
