#include "dist/dist_agree.h"

#include <map>
#include <sstream>

namespace glint::train {

std::string serialize_identity(const Identity& identity) {
  std::string out;
  for (const auto& [name, value] : identity) out += name + "=" + value + "\n";
  return out;
}

Identity parse_identity(const std::string& text) {
  Identity out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

std::string describe_difference(const Identity& mine, int rank, const Identity& rank0) {
  const std::string on = " on rank " + std::to_string(rank);
  const std::map<std::string, std::string> theirs(rank0.begin(), rank0.end());
  std::string out;
  const auto add = [&out](const std::string& text) { out += (out.empty() ? "" : "; ") + text; };
  for (const auto& [name, value] : mine) {
    const auto it = theirs.find(name);
    if (it == theirs.end()) {
      add(name + " is " + value + on + ", unknown to rank 0");
    } else if (it->second != value) {
      add(name + " is " + value + on + ", " + it->second + " on rank 0");
    }
  }
  const std::map<std::string, std::string> here(mine.begin(), mine.end());
  for (const auto& [name, value] : rank0) {
    if (here.count(name) == 0) add(name + " is " + value + " on rank 0, unknown" + on);
  }
  return out;
}

}  // namespace glint::train
