// The disk tier's defence against damage after a power loss: a CRC-32 of
// each segment, and a per-boot record that it was verified.
//
// Verifying a segment reads all of it, which would turn a millisecond attach
// into seconds, so it is done once per boot and per version of the file: the
// first attach after a reboot (boot_id changed), or after anything wrote to
// the segment (its mtime or inode changed), reads it whole and compares the
// CRC with the header's; success is recorded in a marker file next to the
// segment, "<segment>.verified", holding the boot id, inode, size and mtime.
// Later attaches of this boot read only the 64-byte header and the marker.
// Within one boot the page cache holds what was written, so a segment that
// verified (or that this boot loaded and fsynced) cannot silently change
// without its mtime changing; across a power loss the boot id changes.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "glint/status.h"

namespace glint {

inline constexpr std::string_view kVerifiedSuffix = ".verified";

// CRC-32 (zlib's) of bytes [begin, end) of `fd`, read with pread. `what`
// names the file in errors.
Result<uint32_t> crc32_of_range(int fd, uint64_t begin, uint64_t end, std::string_view what);

// This boot's id (/proc/sys/kernel/random/boot_id), "" if unreadable (then
// nothing counts as verified and every attach verifies).
const std::string& boot_id();

// True if the marker of `segment_path` says that the file described by
// `st` was verified during this boot. The marker is trusted only if it is a
// regular file owned by `trusted_uid` or by the segment's owner and writable
// by nobody else.
bool verified_this_boot(const std::string& segment_path, const struct stat& st, uid_t trusted_uid);

// Records that the file `st` at `segment_path` verified in this boot. Best
// effort: without the marker the next attach verifies again.
void record_verified(const std::string& segment_path, const struct stat& st);

// Removes the marker of a segment that is gone (best effort).
void remove_verified_marker(const std::string& segment_path);

}  // namespace glint
