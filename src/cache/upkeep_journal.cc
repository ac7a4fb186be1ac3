// The upkeep journal: a small per-user text file in the shared-memory
// directory, so that a later `shm_manager --list` can say what the cache
// removed by itself. Hidden (a dot name, never a segment name), owner-only,
// and kept under kMaxBytes by dropping its older half.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "glint/inventory.h"
#include "read_at.h"
#include "upkeep.h"
#include "util/byte_size.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

constexpr off_t kMaxBytes = 64 * 1024;

std::string timestamp() {
  time_t now = ::time(nullptr);
  tm local;
  ::localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string read_all(int fd) {
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) return out;
  out.resize(static_cast<size_t>(st.st_size));
  auto n = read_at(fd, 0, out.data(), out.size(), "upkeep journal");
  out.resize(n.ok() ? *n : 0);
  return out;
}

// Keeps the newer half (whole lines) once the file outgrows kMaxBytes.
void trim(int fd) {
  std::string text = read_all(fd);
  if (text.size() <= static_cast<size_t>(kMaxBytes)) return;
  size_t cut = text.find('\n', text.size() - static_cast<size_t>(kMaxBytes / 2));
  if (cut == std::string::npos) return;
  std::string keep = text.substr(cut + 1);
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, keep.data(), keep.size(), 0);
}

}  // namespace

std::string journal_path(const std::string& shm_dir, uid_t uid) {
  return shm_dir + "/.glint_upkeep_" + std::to_string(uid) + ".log";
}

void journal_removals(const std::string& shm_dir, uid_t uid, std::string_view why,
                      const std::vector<SegmentInfo>& removed) {
  if (removed.empty()) return;
  UniqueFd fd(::open(journal_path(shm_dir, uid).c_str(), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return;  // the journal is a courtesy; the removals stand
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != uid) return;
  if (::flock(fd.get(), LOCK_EX) != 0) return;
  std::string lines;
  const std::string when = timestamp();
  for (const SegmentInfo& s : removed) {
    lines += when + " " + std::string(why) + " " + s.file_name + " (" + format_bytes(s.file_bytes) + ")";
    if (s.trailer) lines += ": " + s.trailer->source_path;
    lines += "\n";
  }
  (void)!::write(fd.get(), lines.data(), lines.size());
  trim(fd.get());
}

std::vector<std::string> read_upkeep_journal(const std::string& shm_dir, size_t max_lines) {
  std::vector<std::string> lines;
  UniqueFd fd(::open(journal_path(shm_dir, ::geteuid()).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return lines;
  std::string text = read_all(fd.get());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() > max_lines) lines.erase(lines.begin(), lines.end() - static_cast<long>(max_lines));
  return lines;
}

}  // namespace glint
