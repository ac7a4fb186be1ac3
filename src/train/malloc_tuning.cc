#include "train/malloc_tuning.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

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

// The file name of the library whose malloc() this process calls: another
// allocator when one was preloaded (LD_PRELOAD), else "" for glibc's.
std::string preloaded_allocator() {
  Dl_info where{};
  void* address = reinterpret_cast<void*>(&::malloc);
  if (::dladdr(address, &where) == 0 || where.dli_fname == nullptr) return {};
  const std::string file = where.dli_fname;
  const std::string name = file.substr(file.rfind('/') + 1);
  return name.rfind("libc.so", 0) == 0 ? std::string() : name;
}

}  // namespace

std::string apply_malloc_tuning() {
  if (const std::string other = preloaded_allocator(); !other.empty()) {
    return "malloc: " + other + " (preloaded), glibc tuning not applied";
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
