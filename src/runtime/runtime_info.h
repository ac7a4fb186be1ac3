// What the process computes with: the LibTorch (its version, whether CUDA is
// compiled in and a GPU usable), the BLAS it calls and ATen's CPU kernels.
// PyPI's LibTorch links Intel MKL into libtorch_cpu.so; a LibTorch of the
// user's may call libblas.so.3 instead, which is then named.
#pragma once

#include <string>

namespace glint::train {

struct BlasInfo {
  std::string library;  // resolved path of the library that defines sgemm_ ("" = none found)
  std::string name;     // "Intel MKL 2024.2", "OpenBLAS 0.3.21 ... (OpenMP)", "reference BLAS (netlib)", ...
};

// Inspects the loaded libraries (dladdr on sgemm_; MKL's
// MKL_Get_Version_String, OpenBLAS's openblas_get_config and
// openblas_get_parallel when that library has them).
BlasInfo loaded_blas();

// ATen runs its own kernels (BatchNorm, ReLU, pooling, the loss, Adam;
// oneDNN does the convolutions) with AVX2 code on CPUs that are not Intel's
// unless ATEN_CPU_CAPABILITY=avx512. On a CPU with AVX-512 (F, BW, DQ, VL)
// this sets it, unless the user chose a value; call it before the first
// tensor operation. Returns the capability now asked for: "avx512", "avx2",
// or the user's value.
std::string prefer_avx512_kernels();

// "LibTorch 2.11.0 (CUDA 13.0 compiled in, no GPU usable)", or "(CPU only)"
// for a LibTorch without CUDA.
std::string describe_torch();

// Why --device cuda cannot run here, in a phrase ("this LibTorch (2.11.0) was
// built without CUDA", "LibTorch 2.11.0 has CUDA 13.0, but this machine has
// no GPU its driver can use"); "" when a GPU is usable.
std::string no_gpu_reason();

// The start-up line: "compute: <describe_torch()>, BLAS <name> (<library>),
// ATen kernels <capability in force, e.g. AVX512>".
std::string describe_runtime();

}  // namespace glint::train
