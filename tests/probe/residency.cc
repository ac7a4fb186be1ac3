#include "probe/residency.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace glint::testing {

MappingCost mapping_cost(pid_t pid, const std::string& path) {
  MappingCost cost;
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    // A mapping's header line has an address range first, and the path last.
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') < line.find(' ')) {
      inside = line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
      cost.found |= inside;
      continue;
    }
    if (!inside) continue;
    std::istringstream fields(line);
    std::string key;
    uint64_t kb = 0;
    fields >> key >> kb;
    if (key == "Rss:") cost.rss += kb * 1024;
    if (key == "Pss:") cost.pss += kb * 1024;
  }
  return cost;
}

uint64_t resident_bytes(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size == 0) {
    ::close(fd);
    return 0;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (addr == MAP_FAILED) return 0;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> vec((size + page - 1) / page);
  uint64_t resident = 0;
  if (::mincore(addr, size, vec.data()) == 0) {
    for (unsigned char v : vec) resident += (v & 1) ? page : 0;
  }
  ::munmap(addr, size);
  return std::min<uint64_t>(resident, size);
}

}  // namespace glint::testing
