// CLI11's parse errors rewritten into the one line a user can act on: the
// flag, the value given and what is expected, in plain words and numbers.
//
//   --batch abc: expected an integer from 1 to 1048576
//   --lr -1: expected a positive number
//   --loss l1: expected one of focal, hybrid, mse, bce
//   --preload maybe: expected true or false
//   --h5 was given 2 times (a.h5, b.h5); give it once
//   unknown argument --foo
//   --h5 a.h5: no such file
//
// A message of the program's own validators (which already name what to
// give) is kept as it is. Header-only, like util/cli.h.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace glint::cli_messages {

// The values given to `flag` on the command line, in order ("--f v" and "--f=v").
inline std::vector<std::string> values_of(const std::string& flag, int argc, const char* const* argv) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == flag && i + 1 < argc) {
      out.push_back(argv[i + 1]);
    } else if (arg.rfind(flag + "=", 0) == 0) {
      out.push_back(arg.substr(flag.size() + 1));
    }
  }
  return out;
}

// Whether `flag` itself is on the command line ("--f", "--f v" or "--f=v"),
// not only set from the environment.
inline bool on_command_line(const std::string& flag, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == flag || arg.rfind(flag + "=", 0) == 0) return true;
  }
  return false;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// What an option takes, from CLI11's type name: "INT:INT in [1 - 1048576]" ->
// "an integer from 1 to 1048576", "TEXT:{auto,on,off}" -> "one of auto, on, off".
inline std::string expected_of(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  const std::string base = type.substr(0, type.find(':'));
  std::string rest = type.find(':') == std::string::npos ? "" : type.substr(type.find(':') + 1);
  if (!rest.empty() && rest.front() == '{') {
    return "one of " + replace_all(rest.substr(1, rest.find('}') - 1), ",", ", ");
  }
  if (rest == "POSITIVE") return "a positive number";
  if (rest == "NONNEGATIVE") return "a number of 0 or more";
  const bool range = rest.find(" in [") != std::string::npos;
  std::string what = base == "INT"       ? "an integer"
                     : base == "UINT"    ? (range ? "a whole number" : "a whole number of 0 or more")
                     : base == "FLOAT"   ? "a number"
                     : base == "BOOLEAN" ? "true or false"
                                         : "a value";
  if (option.get_expected_min() == 0 && base != "BOOLEAN") what = "true or false";  // a flag taking an optional value
  const size_t in = rest.find(" in [");
  if (in != std::string::npos && rest.find(" - ", in) != std::string::npos) {
    const size_t lo = in + 5, dash = rest.find(" - ", in), hi = dash + 3;
    what += " from " + rest.substr(lo, dash - lo) + " to " + rest.substr(hi, rest.find(']', hi) - hi);
  } else if (!rest.empty() && rest != base) {
    what += " " + rest;
  }
  return what;
}

inline std::string given_text(const std::string& flag, int argc, const char* const* argv) {
  const std::vector<std::string> v = values_of(flag, argc, argv);
  return v.empty() ? flag : flag + " " + v.back();
}

// The option a message of CLI11 names first ("--batch: Value ..." or
// "Could not convert: --preload = maybe"), or null.
inline const CLI::Option* named_option(const CLI::App& app, const std::string& message) {
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      const std::string flag = "--" + name;
      if (message.rfind(flag + ":", 0) == 0 || message.find(": " + flag + " = ") != std::string::npos) return option;
    }
  }
  return nullptr;
}

inline std::string rewrite(const CLI::App& app, const CLI::ParseError& e, int argc, const char* const* argv) {
  const std::string message = e.what();
  const CLI::Option* option = named_option(app, message);
  const std::string flag = option != nullptr && !option->get_lnames().empty() ? "--" + option->get_lnames().front() : "";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const size_t colon = message.find(": ");
    return "unknown argument " + (colon == std::string::npos ? message : message.substr(colon + 2));
  }
  for (const char* what : {"File does not exist: ", "Directory does not exist: "}) {
    if (const size_t at = message.find(what); at != std::string::npos) {
      const std::string path = message.substr(at + std::string(what).size());
      return (flag.empty() ? "" : flag + " ") + path + (what[0] == 'F' ? ": no such file" : ": no such directory");
    }
  }
  if (flag.empty()) return message;
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    const std::vector<std::string> v = values_of(flag, argc, argv);
    if (v.size() > 1) {
      std::string list;
      for (const std::string& s : v) list += (list.empty() ? "" : ", ") + s;
      return flag + " was given " + std::to_string(v.size()) + " times (" + list + "); give it once";
    }
    return flag + ": expected " + expected_of(*option);
  }
  const bool builtin = message.find("not in range") != std::string::npos ||
                       message.find("Could not convert") != std::string::npos ||
                       message.find(" not in {") != std::string::npos ||
                       message.find("Value ") != std::string::npos;
  if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr ||
      (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr && builtin)) {
    return given_text(flag, argc, argv) + ": expected " + expected_of(*option);
  }
  return message;
}

}  // namespace glint::cli_messages
