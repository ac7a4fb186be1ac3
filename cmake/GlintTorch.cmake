# LibTorch from the project's Python environment: PyPI's torch wheel carries
# LibTorch for C++ (headers, libtorch*.so, c10d with Gloo and NCCL) and its
# CMake config. GLINT_PYTHON is that environment's interpreter
# (scripts/install_deps.sh creates <repo>/.venv); a LibTorch of your own is
# used instead when Torch_DIR or CMAKE_PREFIX_PATH points at it.
#
# A CUDA build of LibTorch asks for the CUDA toolkit at configure time
# (nvcc, cudart): /usr/local/cuda is used when nvcc is not on PATH.
# Sets GLINT_TORCH_LIBDIR (where libtorch.so is) and GLINT_TORCH_HAS_CUDA.
if(NOT Torch_DIR)
  if(NOT EXISTS "${GLINT_PYTHON}")
    message(FATAL_ERROR "GLINT_PYTHON=${GLINT_PYTHON} does not exist: run scripts/install_deps.sh, "
                        "or pass -DGLINT_PYTHON=<python with torch> or -DTorch_DIR=<libtorch>/share/cmake/Torch")
  endif()
  execute_process(COMMAND "${GLINT_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
                  OUTPUT_VARIABLE _torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _torch_rc ERROR_VARIABLE _torch_err)
  if(NOT _torch_rc EQUAL 0)
    message(FATAL_ERROR "${GLINT_PYTHON} cannot import torch (${_torch_err}): run scripts/install_deps.sh")
  endif()
  set(Torch_DIR "${_torch_prefix}/Torch" CACHE PATH "LibTorch's CMake config")
endif()

if(NOT CUDAToolkit_ROOT AND NOT DEFINED ENV{CUDAToolkit_ROOT} AND EXISTS /usr/local/cuda/bin/nvcc)
  find_program(_glint_nvcc nvcc)
  if(NOT _glint_nvcc)
    set(CUDAToolkit_ROOT /usr/local/cuda)
  endif()
endif()
# No GPU at configure time: name the architectures instead of detecting them
# (Hopper: H100/H200, the machines the GPU path is checked on).
if(NOT TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(TORCH_CUDA_ARCH_LIST "9.0")
endif()

find_package(Torch REQUIRED)
get_filename_component(GLINT_TORCH_LIBDIR "${TORCH_LIBRARY}" DIRECTORY)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(GLINT_TORCH_HAS_CUDA ON)
else()
  set(GLINT_TORCH_HAS_CUDA OFF)
endif()
message(STATUS "LibTorch ${Torch_VERSION} in ${GLINT_TORCH_LIBDIR} (CUDA: ${GLINT_TORCH_HAS_CUDA})")
# glint_torch: what a LibTorch user links. PyPI's libtorch.so and
# libtorch_cpu.so export some std::filesystem functions of the newer
# libstdc++ they were built with; listed first, libtorch would provide them
# to our code too (std::filesystem::remove_all then jumps to address 0).
# libstdc++ goes first in DT_NEEDED, so the system's definitions win.
add_library(glint_torch INTERFACE)
target_link_libraries(glint_torch INTERFACE ${TORCH_LIBRARIES})
target_link_options(glint_torch INTERFACE "LINKER:--push-state,--no-as-needed,-lstdc++,--pop-state")

# Installed programs find libtorch where it is (the build tree's RUNPATH names
# it already); libtorch finds the wheel's nvidia-* libraries by its own RPATH.
list(APPEND CMAKE_INSTALL_RPATH "${GLINT_TORCH_LIBDIR}")
