#include "util/version.h"

namespace glint {

const char* project_version() { return GLINT_VERSION; }

}  // namespace glint
