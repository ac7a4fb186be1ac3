// The one default of the segment directory.
#pragma once

namespace glint {

// Where segments live unless an options struct or a --shm_dir says otherwise:
// Linux's POSIX shared-memory file system. Every default of a shm_dir field
// and flag in glint is this constant.
inline constexpr char kDefaultShmDir[] = "/dev/shm";

}  // namespace glint
