// The disk tier's default directory: one home for it (the programs, the
// Python package and CacheOptions all take it from here).
#include <cstdlib>
#include <string>

#include "glint/cache.h"

namespace glint {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::string default_cache_dir() {
  // Set but empty: no disk tier.
  if (const char* d = std::getenv(kCacheDirEnv)) return d;
  if (std::string x = env("XDG_CACHE_HOME"); !x.empty()) return x + "/glint";
  if (std::string h = env("HOME"); !h.empty()) return h + "/.cache/glint";
  return "";
}

std::string_view tier_name(Tier tier) { return tier == Tier::kDisk ? "disk" : "shared memory"; }

}  // namespace glint
