// The programs' one way to parse a command line and fail (CLI11): --help
// and --version ("<program> 0.1.0", util/version.h) print to stdout and exit
// 0; a bad command line prints ONE line to stderr,
// "<program>: <what was wrong, naming the flag> (see --help)", and exits 2
// (util/cli_messages.h words it). Every multi-word flag is taken in both
// spellings, "--shm-dir" and "--shm_dir".
// Header-only so that the cache library does not link CLI11; a program that
// includes it links CLI11::CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "util/cli_messages.h"
#include "util/version.h"

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

// The flag as `app` spells it: "--shm-dir" and "--shm_dir" are one flag in
// every program, whichever spelling its --help shows. Anything else
// (values, positionals, unknown flags) is returned unchanged.
inline std::string app_spelling(const CLI::App& app, const std::string& arg) {
  if (arg.size() < 4 || arg.compare(0, 2, "--") != 0) return arg;
  const size_t eq = arg.find('=');
  const std::string name = arg.substr(0, eq);
  if (app.get_option_no_throw(name) != nullptr) return arg;
  std::string other = name;
  const bool dashes = other.find('-', 2) != std::string::npos;
  for (size_t i = 2; i < other.size(); ++i) {
    if (other[i] == (dashes ? '-' : '_')) other[i] = dashes ? '_' : '-';
  }
  if (other == name || app.get_option_no_throw(other) == nullptr) return arg;
  return other + (eq == std::string::npos ? "" : arg.substr(eq));
}

// Parses argv into the options `app` was set up with. nullopt: go on and run;
// otherwise the program's exit code (0 after --help/--version, kUsageError
// after the one-line report of a bad command line).
inline std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv) {
  if (app.get_version_ptr() == nullptr) {
    app.set_version_flag("--version", app.get_name() + " " + project_version(), "print the version and exit");
  }
  std::vector<std::string> args;
  bool flags_end = false;  // after "--" every argument is a positional
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    args.push_back(i == 0 || flags_end ? arg : app_spelling(app, arg));
    flags_end = flags_end || (i > 0 && arg == "--");
  }
  std::vector<const char*> spelled;
  for (const std::string& a : args) spelled.push_back(a.c_str());
  try {
    app.parse(argc, spelled.data());
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own report spans two lines and reads like its code; users get
    // one line with the flag, the value and what is expected.
    return usage_error(app, cli_messages::rewrite(app, e, argc, spelled.data()));
  }
  return std::nullopt;
}

}  // namespace glint
