// Segment names: glint_{md5}_{dataset path, percent-encoded}.
#include <climits>
#include <string>

#include "glint/segment_format.h"

namespace glint {
namespace {

bool is_plain(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// "'text'". Built by appending: GCC 12 reports a false -Wrestrict inside
// libstdc++ for "'" + std::string(text) (operator+ on a temporary) at -O3.
std::string quoted(std::string_view text) {
  std::string out = "'";
  out += text;
  out += '\'';
  return out;
}

bool is_md5(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status bad_dataset(std::string_view dataset, const std::string& why) {
  return Status(Code::kInvalidArgument,
                "dataset name '" + std::string(dataset) + "' is not allowed: " + why);
}

Status check_components(std::string_view path, std::string_view original) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty()) return bad_dataset(original, "it has an empty path component");
    if (part == "." || part == "..") return bad_dataset(original, "it has a '.' or '..' component");
    start = end + 1;
  }
  return Status::Ok();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // only upper-case hex is produced, so only it is accepted
}

}  // namespace

Result<std::string> segment_name(std::string_view md5, std::string_view dataset) {
  if (!is_md5(md5)) {
    return Status(Code::kInvalidArgument, quoted(md5) + " is not a 32-digit lower-case MD5");
  }
  std::string_view path = dataset;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return bad_dataset(dataset, "it is empty");
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return bad_dataset(dataset, "it contains a control character");
  }
  GLINT_RETURN_IF_ERROR(check_components(path, dataset));
  std::string name = std::string(kSegmentPrefix) + std::string(md5) + "_";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (is_plain(c)) {
      name.push_back(static_cast<char>(c));
    } else {
      name.push_back('%');
      name.push_back(kHex[c >> 4]);
      name.push_back(kHex[c & 15]);
    }
  }
  // '.' is always encoded, so "<name>.lock" (a loader's lock file) can never
  // be the name of another dataset's segment.
  if (name.size() + 5 > NAME_MAX) {
    return bad_dataset(dataset, "its encoded segment name exceeds " + std::to_string(NAME_MAX - 5) +
                                    " characters");
  }
  return name;
}

Result<ParsedSegmentName> parse_segment_name(std::string_view file_name) {
  auto bad = [&] {
    return Status(Code::kInvalidArgument, quoted(file_name) + " is not a segment name");
  };
  if (file_name.substr(0, kSegmentPrefix.size()) != kSegmentPrefix) return bad();
  std::string_view rest = file_name.substr(kSegmentPrefix.size());
  if (rest.size() < 34 || rest[32] != '_' || !is_md5(rest.substr(0, 32))) return bad();
  ParsedSegmentName out{std::string(rest.substr(0, 32)), "/"};
  std::string_view enc = rest.substr(33);
  for (size_t i = 0; i < enc.size(); ++i) {
    char c = enc[i];
    if (c == '%') {
      if (i + 2 >= enc.size()) return bad();
      int hi = hex_value(enc[i + 1]), lo = hex_value(enc[i + 2]);
      if (hi < 0 || lo < 0) return bad();
      out.dataset.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (is_plain(static_cast<unsigned char>(c))) {
      out.dataset.push_back(c);
    } else {
      return bad();
    }
  }
  // Only canonical encodings are segment names, so the mapping stays 1:1.
  auto again = segment_name(out.md5, out.dataset);
  if (!again.ok() || *again != file_name) return bad();
  return out;
}

}  // namespace glint
