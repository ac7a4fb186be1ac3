# GLINT_PYTHON: the interpreter of the project's Python environment (made by
# scripts/install_deps.sh at <repo>/.venv), with tensorboard, numpy, h5py,
# pytest and torch. Tests that need one of those run with it, and fail (they
# never skip) when it is missing or lacks the package.
set(GLINT_PYTHON "${PROJECT_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH
    "Python of the project environment (tensorboard, pytest) used by tests")
if(NOT EXISTS "${GLINT_PYTHON}")
  message(STATUS "GLINT_PYTHON ${GLINT_PYTHON} does not exist: the tests that need it will fail "
                 "(run scripts/install_deps.sh, or pass -DGLINT_PYTHON=...)")
endif()
