// The HParams plugin's messages (tensorboard/plugins/hparams/api.proto and
// plugin_data.proto), encoded as the `content` of plugin data named
// "hparams". A run that writes a session start, then a session end, is one
// row of TensorBoard's HParams table; its metric columns are the last
// values of the run's scalar tags.
//
// No run writes an "experiment" message: each run of a sweep is written by
// its own process, which cannot know the others' values, and TensorBoard
// takes the first experiment it finds as the whole sweep's (its "differs"
// and domains would then be wrong). Without one, TensorBoard derives the
// experiment from all runs' session starts: hparams that differ first, and
// every scalar tag as a metric. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace glint::tblog {

inline constexpr std::string_view kHParamsPlugin = "hparams";
inline constexpr std::string_view kSessionStartTag = "_hparams_/session_start_info";
inline constexpr std::string_view kSessionEndTag = "_hparams_/session_end_info";

// A hyper-parameter's value: a string, a number or a bool (the three types
// the table knows). Integers become numbers. A string literal is a string,
// never a bool.
class HParamValue {
 public:
  enum class Type { kString, kBool, kNumber };
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

// HParamsPluginData{session_start_info{hparams map, start_time_secs}}.
std::string session_start_content(const std::vector<HParam>& hparams, double start_time_secs);
// HParamsPluginData{session_end_info{status, end_time_secs}}.
std::string session_end_content(SessionStatus status, double end_time_secs);

}  // namespace glint::tblog
