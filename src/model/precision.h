// Numeric precision of a training or inference run, and the memory layout
// that goes with it.
//
// bf16 means CPU autocast: convolutions run in bfloat16 (oneDNN's AVX512_BF16
// and AMX kernels) while weights, optimiser state, loss, metrics and
// checkpoints stay float32. On CUDA, bf16 is CUDA autocast to bfloat16.
// Channels-last (NHWC) activations and weights are what oneDNN's bf16
// kernels want; in float32 they pay too (docs/benchmarks/training.md).
#pragma once

#include <torch/torch.h>

#include <string>

namespace glint::train {

enum class Precision { kFp32, kBf16 };

// The values of --precision: "auto", "fp32", "bf16".
const std::vector<std::string>& precision_flag_values();

// "fp32" or "bf16".
std::string precision_name(Precision p);

// True when this CPU executes AVX512_BF16 instructions and the OS enabled
// the AVX-512 register state (cpuid and xgetbv).
bool cpu_has_avx512_bf16();

// Resolves a --precision value for `device`: "fp32" and "bf16" as given,
// "auto" to bf16 on a CPU with AVX512_BF16 (or any CUDA device, unchecked)
// and fp32 elsewhere. Throws std::invalid_argument (one line) for
// an unknown value, and for "bf16" on a CPU without AVX512_BF16 (it would run,
// but several times slower than fp32).
Precision resolve_precision(const std::string& flag, const torch::Device& device);

// How a model runs: its precision and its memory layout.
struct RunMode {
  Precision precision = Precision::kFp32;
  torch::Device device = torch::kCPU;
  bool channels_last = true;  // NHWC weights and inputs (CPU only)
};

// The mode for --precision `flag` on `device`: channels-last on the CPU,
// unless the environment variable GLINT_CHANNELS_LAST is "0" (a switch for
// measurements).
RunMode run_mode(const std::string& flag, const torch::Device& device);
inline constexpr const char* kLayoutSwitch = "GLINT_CHANNELS_LAST";

// "bf16 autocast, channels-last" / "fp32, channels-last" / "fp32", for logs.
std::string describe(const RunMode& mode);

// Converts the model's 4-D parameters and buffers to the mode's layout, in
// place (the same Parameter objects, so an optimiser built before or after
// sees them). nn::Module::to() takes no memory format, hence this. Call it
// after moving the model to its device and before the first step.
void apply_layout(torch::nn::Module& model, const RunMode& mode);

// A batch of images [B, C, H, W] in the mode's device and layout.
torch::Tensor to_input(const torch::Tensor& images, const RunMode& mode);

// RAII: enables autocast for the mode's device in this thread while alive
// (nothing for fp32), then restores the previous autocast state and clears
// autocast's cast cache. Construct around the forward pass only: the loss is
// computed from float32 logits (see float_logits()).
class AutocastScope {
 public:
  explicit AutocastScope(const RunMode& mode);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType device_type_ = c10::DeviceType::CPU;
  bool was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

// Logits as contiguous float32: the loss, the metrics and the sigmoid
// heatmaps always see float32 in NCHW, whatever the mode.
torch::Tensor float_logits(const torch::Tensor& logits);

}  // namespace glint::train
