# GLINT_PYTHON: the interpreter of the project's Python environment (made by
# scripts/install_deps.sh at <repo>/.venv), with torch, tensorboard, numpy,
# h5py, pytest and pybind11. LibTorch comes from its torch
# (cmake/GlintTorch.cmake), the Python package is built for it, and tests
# that need one of those run with it and fail (they never skip) when it is
# missing or lacks the package.
set(GLINT_PYTHON "${PROJECT_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH
    "Python of the project environment: torch, numpy, h5py, pytest, pybind11, tensorboard")
if(NOT EXISTS "${GLINT_PYTHON}")
  message(STATUS "GLINT_PYTHON ${GLINT_PYTHON} does not exist: the tests that need it will fail "
                 "(run scripts/install_deps.sh, or pass -DGLINT_PYTHON=...)")
endif()
# Every find_package(Python) of the build takes this interpreter, LibTorch's
# CMake config (which looks for one first) included.
if(NOT Python_EXECUTABLE AND EXISTS "${GLINT_PYTHON}")
  set(Python_EXECUTABLE "${GLINT_PYTHON}" CACHE FILEPATH "Python interpreter of the build")
endif()
