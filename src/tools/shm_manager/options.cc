#include "options.h"

#include <charconv>

namespace glint::shm_manager {
namespace {

CLI::Validator duration_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (parse_duration(text)) return "";
        return "'" + text + "' is not a duration; use a whole number and a unit: 30s, 10m, 2h or 7d";
      },
      /*validator_desc=*/"");
}

CLI::Validator budget_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto b = parse_shm_budget(text);
        return b.ok() ? "" : b.status().message();
      },
      /*validator_desc=*/"");
}

}  // namespace

std::optional<int64_t> parse_duration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  int64_t count = 0;
  const char* end = text.data() + text.size() - 1;
  auto [ptr, ec] = std::from_chars(text.data(), end, count);
  if (ec != std::errc() || ptr != end || count < 0) return std::nullopt;
  int64_t seconds = 0;
  if (__builtin_mul_overflow(count, unit, &seconds)) return std::nullopt;
  return seconds;
}

void setup_shm_manager(CLI::App& app, ManagerOptions& o) {
  app.description(
      "List, clean up and pre-load glint dataset segments (glint_{md5}_{dataset}) "
      "in both tiers: the shared-memory directory and the disk tier's cache directory.");
  // Exactly one command; the other flags say which commands they go with, and
  // CLI11 refuses the rest naming both flags ("--dry-run excludes --list").
  CLI::Option_group* commands = app.add_option_group("Commands");
  CLI::Option* list = commands->add_flag("--list", o.list, "List segments: all of them, or those of --h5 FILE");
  CLI::Option* cleanup =
      commands->add_flag("--cleanup", o.cleanup, "Remove the segments of --h5 FILE (and of its older versions)");
  CLI::Option* cleanup_all = commands->add_flag("--cleanup-all", o.cleanup_all, "Remove every segment you own");
  CLI::Option* load = commands->add_flag("--load", o.load, "Load the datasets of --h5 FILE into shared memory now");
  commands->require_option(1);

  // Checked by the commands: --cleanup also takes the path of a file that is gone.
  CLI::Option* h5 = app.add_option("--h5", o.h5, "HDF5 file the command is about (for --cleanup, also one that was deleted or damaged)")
      ->type_name("FILE");
  cleanup->needs(h5);
  load->needs(h5);
  cleanup_all->excludes(h5);
  app.add_flag("--json", o.json, "Print machine-readable JSON instead of text");
  app.add_option("--shm-dir", o.shm_dir, "Directory holding the segments")
      ->type_name("DIR")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory.description(""));
  app.add_option("--cache-dir", o.cache_dir,
                 "The disk tier's directory; \"\" for none. Default: $GLINT_CACHE_DIR, else "
                 "$XDG_CACHE_HOME/glint, else ~/.cache/glint")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_flag("--rehash", o.rehash, "Hash --h5 FILE again even if its MD5 is remembered")->needs(h5);
  app.add_option_function<std::string>(
         "--max-shm", [&o](const std::string& text) { o.max_shm = parse_shm_budget(text).value(); },
         "Cap on what your segments may occupy (2G, 40%): --load evicts unused ones, least recently used "
         "first, to stay within it; --list shows the usage. Default: $GLINT_MAX_SHM, else none")
      ->type_name("SIZE|PERCENT")
      ->envname(kMaxShmEnv)
      ->check(budget_validator());
  app.add_option_function<std::string>(
         "--max-cache", [&o](const std::string& text) { o.max_cache = parse_shm_budget(text).value(); },
         "The same cap for your segments in the disk tier's directory (a size, or a share of its file "
         "system). Default: $GLINT_MAX_CACHE, else none")
      ->type_name("SIZE|PERCENT")
      ->envname(kMaxCacheEnv)
      ->check(budget_validator());

  CLI::Option_group* cleaning = app.add_option_group("With --cleanup or --cleanup-all");
  for (CLI::Option* flag : {
           cleaning->add_flag("--dry-run", o.dry_run, "Say what would be removed, remove nothing"),
           cleaning
               ->add_option_function<std::string>(
                   "--older-than", [&o](const std::string& text) { o.older_than_seconds = parse_duration(text); },
                   "Only segments at least this old (30s, 10m, 2h, 7d)")
               ->type_name("DURATION")
               ->check(duration_validator()),
           cleaning->add_flag("--stale", o.stale, "Only segments whose source file is gone or changed"),
       }) {
    flag->excludes(list)->excludes(load);
  }

  CLI::Option_group* loading = app.add_option_group("With --load");
  for (CLI::Option* flag : {
           loading->add_option("--datasets", o.datasets, "Datasets to load (default: every numeric one)")
               ->delimiter(',')
               ->type_name("A,B"),
           loading->add_option("--share-group", o.share_group, "Make new segments readable by this group")
               ->type_name("GROUP"),
           loading->add_flag("--no-reclaim", o.no_reclaim, "Keep the unused segments of older versions of --h5 FILE"),
           loading->add_flag("--no-make-room", o.no_make_room,
                             "Fail for lack of room rather than evict unused segments of other files"),
       }) {
    flag->needs(load);
  }
  app.footer(
      "\nExamples:\n"
      "  shm_manager --list\n"
      "  shm_manager --list --h5 train_256.h5\n"
      "  shm_manager --load --h5 train_256.h5 --datasets images,heatmaps\n"
      "  shm_manager --cleanup --h5 train_256.h5\n"
      "  shm_manager --cleanup-all --older-than 7d --dry-run\n"
      "  shm_manager --load --h5 train_256.h5 --max-shm 50%\n"
      "Segments you remove stay usable by processes that map them; their memory\n"
      "is freed when the last such process exits. Docs: docs/SHM_MANAGER.md");
}

}  // namespace glint::shm_manager
