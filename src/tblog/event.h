// TensorBoard's Event messages (tensorflow/core/util/event.proto and
// framework/summary.proto) encoded as bytes, one Event per TFRecord. Only
// the fields TensorBoard needs for scalars, images and plugin data are
// written. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace glint::tblog {

// The first record of every event file: Event{wall_time, file_version =
// "brain.Event:2"}; readers reject a file without it.
std::string file_version_event(double wall_time);

// Event{wall_time, step, summary{value{tag, simple_value}}}. TensorBoard
// stores scalars as float32; the value is rounded to it here.
std::string scalar_event(double wall_time, int64_t step, std::string_view tag, double value);

// An encoded PNG with its size, for Summary.Image. `channels` is the PNG's
// colour type as TensorBoard's colorspace: 1 grey, 2 grey + alpha, 3 RGB,
// 4 RGBA.
struct PngImage {
  std::string png;  // the whole file, as written by e.g. draw::Canvas
  int height = 0;
  int width = 0;
  int channels = 3;
};

// Event{wall_time, step, summary{value{tag, image{height, width,
// colorspace, encoded_image_string}}}}.
std::string image_event(double wall_time, int64_t step, std::string_view tag, const PngImage& image);

// A summary value that carries only plugin data (how the HParams plugin
// stores its messages): metadata.plugin_data{plugin_name, content} and the
// empty float tensor TensorBoard's own writer puts beside it.
std::string plugin_event(double wall_time, int64_t step, std::string_view tag, std::string_view plugin_name,
                         std::string_view content);

}  // namespace glint::tblog
