// The HParams plugin's messages (tensorboard/plugins/hparams/api.proto and
// plugin_data.proto), encoded as the `content` of plugin data named
// "hparams". A run that writes an experiment and a session start, then a
// session end, is one row of TensorBoard's HParams table; its metric
// columns are the last values of the scalar tags named in the experiment.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace glint::tblog {

inline constexpr std::string_view kHParamsPlugin = "hparams";
inline constexpr std::string_view kExperimentTag = "_hparams_/experiment";
inline constexpr std::string_view kSessionStartTag = "_hparams_/session_start_info";
inline constexpr std::string_view kSessionEndTag = "_hparams_/session_end_info";

// A hyper-parameter's value: a string, a number or a bool (the three types
// the table knows). Integers become numbers. A string literal is a string,
// never a bool.
class HParamValue {
 public:
  enum class Type { kString = 1, kBool = 2, kNumber = 3 };  // values of api.proto's DataType
  HParamValue(std::string value) : type_(Type::kString), text_(std::move(value)) {}  // NOLINT: implicit
  HParamValue(const char* value) : HParamValue(std::string(value)) {}                 // NOLINT: implicit
  HParamValue(double value) : type_(Type::kNumber), number_(value) {}                 // NOLINT: implicit
  HParamValue(int value) : HParamValue(static_cast<double>(value)) {}                 // NOLINT: implicit
  HParamValue(long value) : HParamValue(static_cast<double>(value)) {}                // NOLINT: implicit
  HParamValue(bool value) : type_(Type::kBool), flag_(value) {}                       // NOLINT: implicit

  Type type() const { return type_; }
  const std::string& text() const { return text_; }
  double number() const { return number_; }
  bool flag() const { return flag_; }

 private:
  Type type_;
  std::string text_;
  double number_ = 0;
  bool flag_ = false;
};

struct HParam {
  std::string name;  // e.g. "loss", "lr"
  HParamValue value;
};

// api.proto's Status of a finished session.
enum class SessionStatus { kSuccess = 1, kFailure = 2, kRunning = 3 };

// HParamsPluginData{experiment{hparam_infos{name, type}, metric_infos{name{tag}}}}.
std::string experiment_content(const std::vector<HParam>& hparams, const std::vector<std::string>& metric_tags);
// HParamsPluginData{session_start_info{hparams map, start_time_secs}}.
std::string session_start_content(const std::vector<HParam>& hparams, double start_time_secs);
// HParamsPluginData{session_end_info{status, end_time_secs}}.
std::string session_end_content(SessionStatus status, double end_time_secs);

}  // namespace glint::tblog
