// The project's version, "0.1.0": project(glint VERSION ...) in the top
// CMakeLists.txt, the one place it is written. Every program's --version,
// the Python package's __version__ and make_glint_dataset's "generator"
// attribute say it.
#pragma once

namespace glint {

const char* project_version();

}  // namespace glint
