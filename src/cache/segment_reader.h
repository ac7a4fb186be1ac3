// Opening an existing segment read-only, after checking that it can be trusted.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "glint/segment_format.h"
#include "glint/status.h"
#include "mapping.h"

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
  SegmentLayout layout;
  SegmentTrailer trailer;
  Status status;
};

// Opens `path` without following links, checks owner, mode, type and size,
// validates the header before mapping, maps read-only, and closes the
// descriptor. `populate` prefaults the mapping.
AttachResult try_attach(const std::string& path, const TrustPolicy& trust, bool populate);

}  // namespace glint
