// Opening an existing segment read-only, after checking that it can be trusted.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "glint/segment_format.h"
#include "glint/status.h"
#include "mapping.h"
#include "util/unique_fd.h"

namespace glint {

// Whose segments this process maps.
struct TrustPolicy {
  uid_t uid = 0;                   // the caller (geteuid())
  std::optional<gid_t> group;      // segments of this group are trusted too
  std::string group_name;          // for messages
};

struct AttachResult {
  enum class Outcome {
    kAttached,  // mapping and layout are valid
    kMissing,   // no file under that name
    kRebuild,   // the caller's own segment is unusable; `status` says why
    kError,     // must not be used or replaced (foreign, unreadable); `status`
  };
  Outcome outcome = Outcome::kMissing;
  Mapping mapping;        // whole segment, read-only
  UniqueFd fd;            // read-only descriptor, with AttachOptions::keep_fd
  bool verified_now = false;  // the checksum was read and checked by this attach
  SegmentLayout layout;
  SegmentTrailer trailer;
  Status status;
};

struct AttachOptions {
  bool populate = false;         // prefault the mapping (MAP_POPULATE)
  // The disk tier: the segment must carry a checksum, which is verified
  // unless this boot verified it already (segment_checksum.h). A segment
  // without one, or whose bytes do not match it, is to be rebuilt.
  bool verify_checksum = false;
  bool keep_fd = false;          // keep the descriptor (for pread) in the result
};

// Opens `path` without following links, checks owner, mode, type and size,
// validates the header before mapping, maps read-only, and closes the
// descriptor unless asked to keep it.
AttachResult try_attach(const std::string& path, const TrustPolicy& trust, const AttachOptions& options);

}  // namespace glint
