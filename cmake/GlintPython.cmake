# Sets GLINT_PYTHON_FOUND when the Python package can be built: GLINT_BUILD_PYTHON
# is on, an interpreter with its headers and pybind11 is there, and the build
# is not sanitized (an instrumented module cannot be loaded into the
# uninstrumented interpreter). The interpreter is the project's environment
# (GLINT_PYTHON), or the one scikit-build-core names under `pip install .`.
set(GLINT_PYTHON_FOUND OFF)
if(NOT GLINT_BUILD_PYTHON)
  return()
endif()
if(GLINT_SANITIZE)
  message(STATUS "glint Python package: off in sanitizer builds")
  return()
endif()
if(NOT Python_EXECUTABLE AND EXISTS "${GLINT_PYTHON}")
  set(Python_EXECUTABLE "${GLINT_PYTHON}" CACHE FILEPATH "Python interpreter the glint module is built for")
endif()
find_package(Python 3 COMPONENTS Interpreter Development.Module)
if(Python_FOUND AND NOT pybind11_DIR)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m pybind11 --cmakedir
                  OUTPUT_VARIABLE _pybind11_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _pybind11_rc ERROR_QUIET)
  if(_pybind11_rc EQUAL 0)
    set(pybind11_DIR "${_pybind11_dir}" CACHE PATH "pybind11's CMake config")
  endif()
endif()
if(Python_FOUND)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.12 CONFIG QUIET)
endif()
if(NOT Python_FOUND OR NOT pybind11_FOUND)
  message(STATUS "glint Python package: off (run scripts/install_deps.sh: python3-dev and pybind11 in GLINT_PYTHON)")
  return()
endif()
message(STATUS "glint Python package: for ${Python_EXECUTABLE} (${Python_VERSION}), pybind11 ${pybind11_VERSION}")
set(GLINT_PYTHON_FOUND ON)
