// shm_manager: list, clean up and pre-load glint shared-memory segments.
#include <cstdio>

#include "commands.h"
#include "options.h"

namespace {

constexpr int kUsageError = 2;

int run(const glint::shm_manager::ManagerOptions& o) {
  using namespace glint::shm_manager;
  if (o.list) return run_list(o);
  if (o.load) return run_load(o);
  return run_cleanup(o);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "shm_manager"};
  glint::shm_manager::ManagerOptions options;
  glint::shm_manager::setup_shm_manager(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own message is two lines; ours is one.
    std::fprintf(stderr, "shm_manager: %s (see --help)\n", e.what());
    return kUsageError;
  }
  if (std::string error = glint::shm_manager::check_combination(options); !error.empty()) {
    glint::shm_manager::fail(error);
    return kUsageError;
  }
  return run(options);
}
