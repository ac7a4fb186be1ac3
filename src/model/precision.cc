#include "model/precision.h"

#include <ATen/autocast_mode.h>
#include <cpuid.h>

#include <cstdlib>
#include <stdexcept>

namespace glint::train {
namespace {

// XCR0 bits the OS must enable for AVX-512: SSE, AVX, opmask, ZMM0-15 upper
// halves, ZMM16-31.
constexpr unsigned kAvx512StateMask = 0xE6;

unsigned xcr0() {
  unsigned eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

}  // namespace

const std::vector<std::string>& precision_flag_values() {
  static const std::vector<std::string> values = {"auto", "fp32", "bf16"};
  return values;
}

std::string precision_name(Precision p) { return p == Precision::kBf16 ? "bf16" : "fp32"; }

bool cpu_has_avx512_bf16() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(1, 0, &eax, &ebx, &ecx, &edx) == 0 || (ecx & bit_OSXSAVE) == 0) return false;
  if ((xcr0() & kAvx512StateMask) != kAvx512StateMask) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0 || (ebx & bit_AVX512F) == 0) return false;
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (eax & (1u << 5)) != 0;  // CPUID.(EAX=7,ECX=1):EAX[5] = AVX512_BF16
}

Precision resolve_precision(const std::string& flag, const torch::Device& device) {
  if (flag == "fp32") return Precision::kFp32;
  const bool bf16_fast = device.is_cuda() || cpu_has_avx512_bf16();
  if (flag == "auto") return bf16_fast ? Precision::kBf16 : Precision::kFp32;
  if (flag == "bf16") {
    if (!bf16_fast) {
      throw std::invalid_argument("--precision bf16: this CPU has no AVX512_BF16 instructions, so "
                                  "bfloat16 would run slower than float32; use --precision fp32 "
                                  "(or auto)");
    }
    return Precision::kBf16;
  }
  throw std::invalid_argument("--precision " + flag + ": unknown; use auto, fp32 or bf16");
}

RunMode run_mode(const std::string& flag, const torch::Device& device) {
  RunMode mode;
  mode.device = device;
  mode.precision = resolve_precision(flag, device);
  mode.channels_last = device.is_cpu();
  // For side-by-side measurements (scripts/run_benchmarks.sh --only training).
  if (const char* layout = std::getenv(kLayoutSwitch); layout != nullptr && std::string(layout) == "0") {
    mode.channels_last = false;
  }
  return mode;
}

std::string describe(const RunMode& mode) {
  std::string text = mode.precision == Precision::kBf16 ? "bf16 autocast" : "fp32";
  if (mode.channels_last) text += ", channels-last";
  return text;
}

void apply_layout(torch::nn::Module& model, const RunMode& mode) {
  if (!mode.channels_last) return;
  torch::NoGradGuard no_grad;
  // to(), not contiguous(): a weight with one input or output channel (the
  // first convolution's [16, 1, 3, 3], the head's [1, 16, 1, 1]) counts as
  // contiguous in both layouts, so contiguous() would keep its NCHW strides,
  // from which the convolution infers NCHW. The first layer's output would
  // then be NCHW and converted back at the next convolution, and its
  // backward would mix layouts (5% of a seed-size step). to() gives the
  // strides channels-last is recognised by, as Python's
  // module.to(memory_format=torch.channels_last) does.
  const auto convert = [](torch::Tensor& t) {
    if (t.defined() && t.dim() == 4) {
      t.set_data(t.to(t.options(), /*non_blocking=*/false, /*copy=*/false, at::MemoryFormat::ChannelsLast));
    }
  };
  for (auto& p : model.parameters()) convert(p);
  for (auto& b : model.buffers()) convert(b);
}

torch::Tensor to_input(const torch::Tensor& images, const RunMode& mode) {
  torch::Tensor x = images.to(mode.device, /*non_blocking=*/true);
  if (mode.channels_last && x.dim() == 4) x = x.contiguous(at::MemoryFormat::ChannelsLast);
  return x;
}

AutocastScope::AutocastScope(const RunMode& mode) {
  if (mode.precision != Precision::kBf16) return;
  active_ = true;
  device_type_ = mode.device.type();
  was_enabled_ = at::autocast::is_autocast_enabled(device_type_);
  was_dtype_ = at::autocast::get_autocast_dtype(device_type_);
  at::autocast::set_autocast_dtype(device_type_, at::kBFloat16);
  at::autocast::set_autocast_enabled(device_type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(device_type_, was_enabled_);
  at::autocast::set_autocast_dtype(device_type_, was_dtype_);
}

torch::Tensor float_logits(const torch::Tensor& logits) {
  return logits.to(torch::kFloat).contiguous();
}

}  // namespace glint::train
