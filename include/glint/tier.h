// The two tiers that hold segments, and where the disk tier lives by default.
#pragma once

#include <string>
#include <string_view>

namespace glint {

// Where a segment lives.
enum class Tier {
  kSharedMemory,  // CacheOptions::shm_dir (/dev/shm): tmpfs, memory only
  kDisk,          // CacheOptions::cache_dir: a local file system, durable
};
std::string_view tier_name(Tier tier);  // "shared memory", "disk"

// The shared-memory tier's default directory, in every program and struct.
inline constexpr const char* kDefaultShmDir = "/dev/shm";

// The environment variables read for defaults (the programs also take
// --cache_dir and --max_cache).
inline constexpr const char* kCacheDirEnv = "GLINT_CACHE_DIR";
inline constexpr const char* kMaxCacheEnv = "GLINT_MAX_CACHE";

// The default disk-tier directory: $GLINT_CACHE_DIR if set (set but empty:
// "", no disk tier), else $XDG_CACHE_HOME/glint, else $HOME/.cache/glint;
// "" when none of them is set. Created (mode 0700) when the first segment goes there.
std::string default_cache_dir();

}  // namespace glint
