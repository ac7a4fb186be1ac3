// Creating a segment: anonymous file, space reserved, filled, then published.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "glint/segment_format.h"
#include "glint/status.h"
#include "mapping.h"
#include "util/unique_fd.h"

namespace glint {

// A segment under construction. It has no name until publish(): if the
// process dies or the object is destroyed first, the kernel frees it and
// nothing is left in the shared-memory directory.
class SegmentWriter {
 public:
  // Creates an O_TMPFILE in `dir` and reserves header + payload + trailer
  // with fallocate(). kNoSpace names the needed and free sizes, and
  // `space` the kind of room that is missing ("shared memory", "disk space").
  // `durable`: publish() records a checksum and makes the segment survive a
  // power loss (the disk tier).
  static Result<SegmentWriter> create(const std::string& dir, const RawSegmentHeader& header,
                                      const std::string& trailer, std::string_view what,
                                      std::string_view space = "shared memory", bool durable = false);

  int fd() const { return fd_.get(); }
  uint64_t payload_bytes() const { return header_.payload_bytes; }
  // A writable, prefaulted mapping of the payload, for fillers that cannot
  // write through the descriptor (HDF5 decompression).
  Result<uint8_t*> map_payload();

  enum class Published {
    kHere,       // this segment now has the name `final_path`
    kLostRace,   // another process published that name first; this one is
                 // dropped when the writer dies, and the caller attaches theirs
  };
  // Sets the final mode (and group), then links the file under `final_path`
  // atomically (never replacing a file that has the name). A durable writer
  // first records the CRC-32 of everything after the header in the header
  // (format version 2), fsyncs the file before the link and the directory
  // after it: a name that survives a crash names complete, checksummed bytes.
  // An error only for a failure of the system (chown to the group, chmod,
  // read back, fsync, link).
  Result<Published> publish(const std::string& final_path, unsigned mode, std::optional<gid_t> group);

  SegmentWriter(SegmentWriter&&) noexcept = default;
  SegmentWriter& operator=(SegmentWriter&&) = delete;
  ~SegmentWriter() = default;

 private:
  SegmentWriter(UniqueFd fd, RawSegmentHeader header, std::string what, bool durable)
      : fd_(std::move(fd)), header_(header), what_(std::move(what)), durable_(durable) {}
  // Computes the checksum and writes it into the header.
  Status make_durable(const std::string& final_path);
  UniqueFd fd_;
  RawSegmentHeader header_;
  std::string what_;
  bool durable_ = false;
  Mapping payload_map_;
};

}  // namespace glint
