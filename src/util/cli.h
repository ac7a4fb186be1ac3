// The programs' one way to parse a command line and fail (CLI11): --help
// prints to stdout and exits 0; a bad command line prints ONE line to stderr,
// "<program>: <what was wrong, naming the flag> (see --help)", and exits 2.
// Every multi-word flag is accepted in both spellings, "--shm_dir" and
// "--shm-dir", whichever one the program declares (and its --help and docs
// show).
// Header-only so that the cache library does not link CLI11; a program that
// includes it links CLI11::CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace glint {

// The exit code of a bad command line, in every program.
inline constexpr int kUsageError = 2;

// Prints "<program>: <message> (see --help)" on stderr and returns kUsageError,
// for checks that CLI11 cannot express (a flag required by the program's own
// rules, with a hint of what to give).
inline int usage_error(const CLI::App& app, const std::string& message) {
  std::fprintf(stderr, "%s: %s (see --help)\n", app.get_name().c_str(), message.c_str());
  return kUsageError;
}

// True when `name` ("--shm_dir") is a flag of `app` or of one of its
// subcommands or option groups.
inline bool declares_flag(const CLI::App& app, const std::string& name) {
  if (app.get_option_no_throw(name) != nullptr) return true;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (declares_flag(*sub, name)) return true;
  }
  return false;
}

// argv[1..] with each long flag that `app` does not declare, but declares in
// the other spelling ('-' and '_' between the words swapped), rewritten to the
// declared one: "--shm-dir=/x" -> "--shm_dir=/x" for a program that declares
// --shm_dir. Tokens after "--" and everything else are left as they are.
inline std::vector<std::string> declared_spellings(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> args;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") flags_done = true;
    if (!flags_done && arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      const size_t end = std::min(arg.find('='), arg.size());
      const std::string name = arg.substr(0, end);
      if (!declares_flag(app, name)) {
        std::string other = name;
        for (size_t k = 2; k < other.size(); ++k) {
          if (other[k] == '-') {
            other[k] = '_';
          } else if (other[k] == '_') {
            other[k] = '-';
          }
        }
        if (declares_flag(app, other)) arg = other + arg.substr(end);
      }
    }
    args.push_back(std::move(arg));
  }
  return args;
}

// Parses argv into the options `app` was set up with. nullopt: go on and run;
// otherwise the program's exit code (0 after --help/--version, kUsageError
// after the one-line report of a bad command line).
inline std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
  const std::vector<std::string> args = declared_spellings(app, argc, argv);
  std::vector<const char*> spelled = {argc > 0 ? argv[0] : ""};
  for (const std::string& arg : args) spelled.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(spelled.size()), spelled.data());
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own report spans two lines; users get one.
    return usage_error(app, e.what());
  }
  return std::nullopt;
}

}  // namespace glint
