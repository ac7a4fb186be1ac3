# Sets GLINT_PYTHON_FOUND when the Python package can be built: GLINT_BUILD_PYTHON
# is on, Debian's python3 with its headers (python3-dev) and pybind11-dev are
# there, and the build is not sanitized (an instrumented module cannot be
# loaded into the uninstrumented interpreter).
set(GLINT_PYTHON_FOUND OFF)
if(NOT GLINT_BUILD_PYTHON)
  return()
endif()
if(GLINT_SANITIZE)
  message(STATUS "glint Python package: off in sanitizer builds")
  return()
endif()
# The interpreter that has torch, numpy and h5py (not whatever is first on PATH).
if(NOT Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Python interpreter the glint module is built for")
endif()
find_package(Python 3 COMPONENTS Interpreter Development.Module)
if(Python_FOUND)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG QUIET)
endif()
if(NOT Python_FOUND OR NOT pybind11_FOUND)
  message(STATUS "glint Python package: off (install python3-dev and pybind11-dev)")
  return()
endif()
message(STATUS "glint Python package: for ${Python_EXECUTABLE} (${Python_VERSION}), pybind11 ${pybind11_VERSION}")
set(GLINT_PYTHON_FOUND ON)
