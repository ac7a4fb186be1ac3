#include "runtime/runtime_info.h"

#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <cstdlib>

#include <string_view>

namespace glint::train {
namespace {

std::string real_path(const char* path) {
  char buf[PATH_MAX];
  return ::realpath(path, buf) != nullptr ? std::string(buf) : std::string(path);
}

// The resolved path of the library that defines `address` ("" if none).
std::string library_of(void* address) {
  Dl_info where{};
  if (address == nullptr || ::dladdr(address, &where) == 0 || where.dli_fname == nullptr) return {};
  return real_path(where.dli_fname);
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

BlasInfo loaded_blas() {
  BlasInfo info;
  info.library = library_of(::dlsym(RTLD_DEFAULT, "sgemm_"));
  if (info.library.empty()) {
    info.name = "none found";
    return info;
  }
  using ConfigFn = char* (*)();
  using ParallelFn = int (*)();
  // Debian's libblas.so.3 of each BLAS is a thin library over the real one
  // (openblas-openmp/libblas.so.3 needs libopenblas.so.0 of the same
  // directory): look for OpenBLAS among the dependencies of the library that
  // defines sgemm_, not in the whole process, where another OpenBLAS may be
  // loaded for LAPACK alone.
  // PyPI's LibTorch links MKL into libtorch_cpu.so, which then defines sgemm_
  // and MKL's version call.
  using MklVersionFn = void (*)(char*, int);
  ConfigFn config = nullptr;
  ParallelFn parallel = nullptr;
  MklVersionFn mkl_version = nullptr;
  if (void* handle = ::dlopen(info.library.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
    config = reinterpret_cast<ConfigFn>(::dlsym(handle, "openblas_get_config"));
    parallel = reinterpret_cast<ParallelFn>(::dlsym(handle, "openblas_get_parallel"));
    mkl_version = reinterpret_cast<MklVersionFn>(::dlsym(handle, "MKL_Get_Version_String"));
    ::dlclose(handle);  // drops the reference RTLD_NOLOAD took; the library stays loaded
  }
  if (mkl_version != nullptr) {
    char text[198] = {};
    mkl_version(text, sizeof text - 1);
    std::string version(text);
    // "Intel(R) oneAPI Math Kernel Library Version 2024.2-Product Build ..." -> "Intel MKL 2024.2"
    const size_t at = version.find("Version ");
    info.name = "Intel MKL" + (at == std::string::npos ? std::string()
                                                       : " " + version.substr(at + 8, version.find('-', at) - at - 8));
  } else if (config != nullptr) {
    info.name = std::string("OpenBLAS ") + config();
    if (parallel != nullptr) {
      const int mode = parallel();
      info.name += mode == 2 ? " (OpenMP)" : mode == 1 ? " (pthread)" : " (sequential)";
    }
  } else if (contains(info.library, "mkl")) {
    info.name = "Intel MKL";
  } else if (contains(info.library, "blis")) {
    info.name = "BLIS";
  } else if (contains(info.library, "atlas")) {
    info.name = "ATLAS";
  } else {
    // Debian's netlib BLAS lives in .../blas/libblas.so.3.
    info.name = "reference BLAS (netlib)";
  }
  return info;
}

std::string prefer_avx512_kernels() {
  constexpr const char* kVariable = "ATEN_CPU_CAPABILITY";
  if (const char* chosen = std::getenv(kVariable); chosen != nullptr && *chosen != '\0') return chosen;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  if (!avx512) return "avx2";
  ::setenv(kVariable, "avx512", /*overwrite=*/0);
  return "avx512";
}

namespace {

// "13.0", or "" when this LibTorch has no CUDA.
std::string compiled_cuda() {
  try {
    const long v = at::detail::getCUDAHooks().versionCUDART();
    return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

std::string describe_torch() {
  const std::string text = "LibTorch " TORCH_VERSION;
  const std::string cuda = compiled_cuda();
  if (cuda.empty()) return text + " (CPU only)";
  const int gpus = static_cast<int>(torch::cuda::device_count());
  return text + " (CUDA " + cuda + " compiled in, " +
         (gpus == 0 ? "no GPU usable)" : std::to_string(gpus) + (gpus == 1 ? " GPU)" : " GPUs)"));
}

std::string no_gpu_reason() {
  const std::string cuda = compiled_cuda();
  if (cuda.empty()) return "this LibTorch (" TORCH_VERSION ") was built without CUDA";
  if (torch::cuda::device_count() == 0) {
    return "LibTorch " TORCH_VERSION " has CUDA " + cuda + ", but this machine has no GPU its driver can use";
  }
  return "";
}

std::string describe_runtime() {
  const BlasInfo blas = loaded_blas();
  std::string text = "compute: " + describe_torch() + ", BLAS " + blas.name;
  if (!blas.library.empty()) text += " (" + blas.library + ")";
  return text + ", ATen kernels " + at::get_cpu_capability();
}

}  // namespace glint::train
