// The password database, thread-safe (getpwuid_r, never getpwuid).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace glint {

// The login name of `uid`, or nullopt when the system does not know it.
// Cached per uid for the life of the process; safe from any thread.
std::optional<std::string> user_name(uid_t uid);

// The home directory of `uid`, or nullopt.
std::optional<std::string> home_directory(uid_t uid);

}  // namespace glint
