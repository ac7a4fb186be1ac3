#include "tblog/hparams.h"

#include "tblog/proto_encoder.h"

namespace glint::tblog {
namespace {

constexpr int kPluginDataVersion = 0;  // tensorboard.plugins.hparams.metadata.PLUGIN_DATA_VERSION
namespace plugin_field {
constexpr int kVersion = 1, kSessionStart = 3, kSessionEnd = 4;
}

// google.protobuf.Value: number_value = 2, string_value = 3, bool_value = 4.
ProtoEncoder value_message(const HParamValue& v) {
  ProtoEncoder out;
  switch (v.type()) {
    case HParamValue::Type::kString: out.bytes(3, v.text()); break;
    case HParamValue::Type::kNumber: out.float64(2, v.number()); break;
    case HParamValue::Type::kBool: out.boolean(4, v.flag()); break;
  }
  return out;
}

std::string plugin_data(int field, const ProtoEncoder& message) {
  ProtoEncoder out;
  out.int64(plugin_field::kVersion, kPluginDataVersion).message(field, message);
  return out.data();
}

}  // namespace

std::string session_start_content(const std::vector<HParam>& hparams, double start_time_secs) {
  ProtoEncoder start;
  for (const HParam& h : hparams) {
    ProtoEncoder entry;  // map<string, Value> entries are {key = 1, value = 2} messages
    entry.bytes(1, h.name).message(2, value_message(h.value));
    start.message(/*hparams=*/1, entry);
  }
  start.float64(/*start_time_secs=*/5, start_time_secs);
  return plugin_data(plugin_field::kSessionStart, start);
}

std::string session_end_content(SessionStatus status, double end_time_secs) {
  ProtoEncoder end;
  end.varint(/*status=*/1, static_cast<uint64_t>(status)).float64(/*end_time_secs=*/2, end_time_secs);
  return plugin_data(plugin_field::kSessionEnd, end);
}

}  // namespace glint::tblog
