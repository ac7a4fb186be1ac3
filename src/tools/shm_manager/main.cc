// shm_manager: list, clean up and pre-load glint shared-memory segments.
#include <string>

#include "commands.h"
#include "options.h"
#include "util/cli.h"

namespace {

int run(const glint::shm_manager::ManagerOptions& o) {
  using namespace glint::shm_manager;
  // --list and --load need the file; --cleanup also finds the segments of one that is gone.
  if (!o.h5.empty()) {
    std::string problem = h5_problem(o.h5, /*gone_is_fine=*/o.cleanup);
    if (!problem.empty()) return bad_command_line("--h5 " + problem + " (see --help)");
  }
  if (o.list) return run_list(o);
  if (o.load) return run_load(o);
  return run_cleanup(o);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "shm_manager"};
  glint::shm_manager::ManagerOptions options;
  glint::shm_manager::setup_shm_manager(app, options);
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  return run(options);
}
