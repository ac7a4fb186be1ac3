#include "runtime/runtime_info.h"

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

template <typename Fn>
Fn symbol(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, name));
}

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

// oneDNN 2.x's dnnl_cpu_isa_t values.
const char* isa_name(int isa) {
  switch (isa) {
    case 0x1: return "sse41";
    case 0x3: return "avx";
    case 0x7: return "avx2";
    case 0x407: return "avx2_vnni";
    case 0xf: return "avx512_mic";
    case 0x1f: return "avx512_mic_4ops";
    case 0x27: return "avx512_core";
    case 0x67: return "avx512_core_vnni";
    case 0xe7: return "avx512_core_bf16";
    case 0x3e7: return "avx512_core_amx";
    default: return nullptr;
  }
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
  ConfigFn config = nullptr;
  ParallelFn parallel = nullptr;
  if (void* handle = ::dlopen(info.library.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
    config = reinterpret_cast<ConfigFn>(::dlsym(handle, "openblas_get_config"));
    parallel = reinterpret_cast<ParallelFn>(::dlsym(handle, "openblas_get_parallel"));
    ::dlclose(handle);  // drops the reference RTLD_NOLOAD took; the library stays loaded
  }
  if (config != nullptr) {
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
    info.reference = true;
  }
  return info;
}

std::string onednn_isa() {
  using IsaFn = int (*)();
  auto effective = symbol<IsaFn>("dnnl_get_effective_cpu_isa");
  if (effective == nullptr) return "unknown";
  const char* name = isa_name(effective());
  return name != nullptr ? name : "unknown";
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

std::string describe_torch() {
  std::string text = "LibTorch " TORCH_VERSION;
  long cudart = 0;
  try {
    cudart = at::detail::getCUDAHooks().versionCUDART();
  } catch (const std::exception&) {
    return text + " (CPU only)";
  }
  text += " (CUDA " + std::to_string(cudart / 1000) + "." + std::to_string(cudart % 1000 / 10) + " compiled in, ";
  const int gpus = torch::cuda::device_count();
  return text + (gpus == 0 ? "no GPU usable)" : std::to_string(gpus) + (gpus == 1 ? " GPU)" : " GPUs)"));
}

std::string describe_runtime() {
  const BlasInfo blas = loaded_blas();
  std::string text = "compute: " + describe_torch() + ", BLAS " + blas.name;
  if (!blas.library.empty()) text += " (" + blas.library + ")";
  const char* aten = std::getenv("ATEN_CPU_CAPABILITY");
  return text + ", oneDNN ISA " + onednn_isa() + ", ATen kernels " +
         (aten != nullptr && *aten != '\0' ? aten : "default");
}

std::string reference_blas_warning() {
  if (!loaded_blas().reference) return {};
  return "warning: libblas.so.3 is the reference BLAS, which makes training several times "
         "slower; install OpenBLAS: apt-get install " + std::string(kOpenBlasPackage);
}

}  // namespace glint::train
