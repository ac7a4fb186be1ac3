#include "tblog/event.h"

#include "tblog/proto_encoder.h"

namespace glint::tblog {
namespace {

// Field numbers of event.proto, summary.proto and tensor.proto.
namespace event_field {
constexpr int kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5;
}
namespace value_field {
constexpr int kTag = 1, kSimpleValue = 2, kImage = 4, kTensor = 8, kMetadata = 9;
}
constexpr int kSummaryValue = 1;
constexpr int kDtypeFloat = 1;

std::string event_with_summary(double wall_time, int64_t step, const ProtoEncoder& value) {
  ProtoEncoder summary;
  summary.message(kSummaryValue, value);
  ProtoEncoder event;
  event.float64(event_field::kWallTime, wall_time).int64(event_field::kStep, step).message(event_field::kSummary,
                                                                                           summary);
  return event.data();
}

// TensorProto{dtype: DT_FLOAT, tensor_shape{dim{size: 0}}}: tensorboard's
// hparams metadata.NULL_TENSOR.
ProtoEncoder null_tensor() {
  ProtoEncoder dim;
  dim.int64(/*size=*/1, 0);
  ProtoEncoder shape;
  shape.message(/*dim=*/2, dim);
  ProtoEncoder tensor;
  tensor.varint(/*dtype=*/1, kDtypeFloat).message(/*tensor_shape=*/2, shape);
  return tensor;
}

}  // namespace

std::string file_version_event(double wall_time) {
  ProtoEncoder event;
  event.float64(event_field::kWallTime, wall_time).bytes(event_field::kFileVersion, "brain.Event:2");
  return event.data();
}

std::string scalar_event(double wall_time, int64_t step, std::string_view tag, double value) {
  ProtoEncoder v;
  v.bytes(value_field::kTag, tag).float32(value_field::kSimpleValue, static_cast<float>(value));
  return event_with_summary(wall_time, step, v);
}

std::string image_event(double wall_time, int64_t step, std::string_view tag, const PngImage& image) {
  ProtoEncoder img;
  img.int64(/*height=*/1, image.height)
      .int64(/*width=*/2, image.width)
      .int64(/*colorspace=*/3, image.channels)
      .bytes(/*encoded_image_string=*/4, image.png);
  ProtoEncoder v;
  v.bytes(value_field::kTag, tag).message(value_field::kImage, img);
  return event_with_summary(wall_time, step, v);
}

std::string plugin_event(double wall_time, int64_t step, std::string_view tag, std::string_view plugin_name,
                         std::string_view content) {
  ProtoEncoder plugin_data;
  plugin_data.bytes(/*plugin_name=*/1, plugin_name).bytes(/*content=*/2, content);
  ProtoEncoder metadata;
  metadata.message(/*plugin_data=*/1, plugin_data);
  ProtoEncoder v;
  v.bytes(value_field::kTag, tag).message(value_field::kMetadata, metadata).message(value_field::kTensor,
                                                                                   null_tensor());
  return event_with_summary(wall_time, step, v);
}

}  // namespace glint::tblog
