#include "proc_maps.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <memory>
#include <tuple>

#include "util/unique_fd.h"

namespace glint {
namespace {

constexpr std::string_view kDeletedSuffix = " (deleted)";

// Splits off the next whitespace-separated field of `line`.
std::string_view next_field(std::string_view& line) {
  size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  size_t end = line.find(' ', start);
  if (end == std::string_view::npos) end = line.size();
  std::string_view field = line.substr(start, end - start);
  line.remove_prefix(end);
  return field;
}

bool parse_hex(std::string_view text, uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_dec(std::string_view text, uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 10);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "7f00-7f10 r--s 00000000 00:1a 1234   /dev/shm/x" -> a MappedFile of one range.
bool parse_line(std::string_view line, MappedFile& out) {
  std::string_view range = next_field(line);
  next_field(line);  // permissions
  next_field(line);  // offset
  std::string_view dev = next_field(line);
  std::string_view inode = next_field(line);
  size_t dash = range.find('-');
  size_t colon = dev.find(':');
  uint64_t start = 0, end = 0, major = 0, minor = 0;
  if (dash == std::string_view::npos || colon == std::string_view::npos) return false;
  if (!parse_hex(range.substr(0, dash), start) || !parse_hex(range.substr(dash + 1), end) ||
      !parse_hex(dev.substr(0, colon), major) || !parse_hex(dev.substr(colon + 1), minor) ||
      !parse_dec(inode, out.inode) || end < start || out.inode == 0) {
    return false;
  }
  // The path is the rest after the padding; it may itself contain spaces.
  size_t path_start = line.find_first_not_of(' ');
  if (path_start == std::string_view::npos) return false;
  std::string_view path = line.substr(path_start);
  out.deleted = path.ends_with(kDeletedSuffix);
  if (out.deleted) path.remove_suffix(kDeletedSuffix.size());
  out.path = std::string(path);
  out.dev = makedev(static_cast<unsigned>(major), static_cast<unsigned>(minor));
  out.mapped_bytes = end - start;
  return true;
}

// The whole of a /proc file (its st_size is 0, so read until EOF).
bool read_proc_file(const std::string& path, std::string& out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::vector<pid_t> list_pids(const std::string& proc_root) {
  std::vector<pid_t> pids;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc_root.c_str()), ::closedir);
  if (!dir) return pids;
  while (dirent* entry = ::readdir(dir.get())) {
    uint64_t pid = 0;
    std::string_view name = entry->d_name;
    if (parse_dec(name, pid) && pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace

std::vector<MappedFile> parse_proc_maps(pid_t pid, std::string_view maps_text,
                                        std::string_view path_prefix) {
  // Several ranges of one file (e.g. split by mprotect) count as one mapping.
  std::map<std::tuple<dev_t, uint64_t, bool, std::string>, MappedFile> merged;
  while (!maps_text.empty()) {
    size_t eol = maps_text.find('\n');
    std::string_view line = maps_text.substr(0, eol);
    maps_text.remove_prefix(eol == std::string_view::npos ? maps_text.size() : eol + 1);
    MappedFile file;
    if (!parse_line(line, file) || !file.path.starts_with(path_prefix)) continue;
    file.pid = pid;
    auto key = std::make_tuple(file.dev, file.inode, file.deleted, file.path);
    auto [it, inserted] = merged.try_emplace(key, file);
    if (!inserted) it->second.mapped_bytes += file.mapped_bytes;
  }
  std::vector<MappedFile> out;
  for (auto& [key, file] : merged) out.push_back(std::move(file));
  return out;
}

std::vector<MappedFile> scan_proc_maps(std::string_view path_prefix, const std::string& proc_root) {
  std::vector<MappedFile> out;
  for (pid_t pid : list_pids(proc_root)) {
    std::string text;
    // EACCES (another user's process) and ENOENT (it exited) are expected.
    if (!read_proc_file(proc_root + "/" + std::to_string(pid) + "/maps", text)) continue;
    for (auto& file : parse_proc_maps(pid, text, path_prefix)) out.push_back(std::move(file));
  }
  return out;
}

}  // namespace glint
