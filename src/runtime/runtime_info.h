// What the process computes with: the BLAS behind libblas.so.3 and the
// instruction set oneDNN dispatches to. LibTorch from Debian links
// libblas.so.3, which the alternatives system points at whichever BLAS is
// installed; on a fresh system that is the reference (netlib) BLAS, and the
// convolutions that run on BLAS are then several times slower.
#pragma once

#include <string>

namespace glint::train {

// The Debian package of the OpenBLAS variant measured best next to
// LibTorch's OpenMP threads (docs/benchmarks/training.md).
inline constexpr const char* kOpenBlasPackage = "libopenblas0-openmp";

struct BlasInfo {
  std::string library;  // resolved path of the library that defines sgemm_ ("" = none found)
  std::string name;     // "OpenBLAS 0.3.21 ... (pthread)", "reference BLAS (netlib)", ...
  bool reference = false;  // the unoptimised netlib BLAS
};

// Inspects the loaded libraries (dladdr on sgemm_, OpenBLAS's
// openblas_get_config and openblas_get_parallel when present).
BlasInfo loaded_blas();

// oneDNN's effective ISA, e.g. "avx512_core_amx" ("unknown" when libdnnl is
// not loaded or too old to say).
std::string onednn_isa();

// LibTorch 1.13 runs its own kernels (BatchNorm, ReLU, pooling, the loss,
// Adam; oneDNN does the convolutions) with AVX2 code even on AVX-512 CPUs
// unless ATEN_CPU_CAPABILITY=avx512. On a CPU with AVX-512 (F, BW, DQ, VL)
// this sets it, unless the user chose a value; call it before the first
// tensor operation. Returns the capability now in force: "avx512", "avx2",
// or the user's value.
std::string prefer_avx512_kernels();

// "LibTorch 2.11.0 (CUDA 13.0 compiled in, no GPU usable)", or "(CPU only)"
// for a LibTorch without CUDA.
std::string describe_torch();

// The start-up line: "compute: <describe_torch()>, BLAS <name> (<library>),
// oneDNN ISA <isa>, ATen kernels <capability>".
std::string describe_runtime();

// With the reference BLAS, the one-line warning that names the package to
// install ("warning: libblas.so.3 is the reference BLAS ... apt-get install
// libopenblas0-openmp"); "" otherwise.
std::string reference_blas_warning();

}  // namespace glint::train
