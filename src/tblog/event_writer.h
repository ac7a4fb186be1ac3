// Writing TensorBoard event files from C++ without TensorFlow or LibTorch:
// what `tensorboard --logdir DIR` shows as one run per folder (scalars,
// images, and a row of the HParams table).
//
// An EventWriter owns one new file
//   <run_dir>/events.out.tfevents.<unix secs>.<host>.<pid>.<n>
// (n counts writers in this process), whose first record is the file
// version "brain.Event:2". Records are TFRecord-framed Event messages
// (tblog/record_file.h, tblog/event.h), encoded by our own small protobuf
// encoder (tblog/proto_encoder.h says why not libprotobuf).
//
// Cost: each call encodes into a memory buffer (about a microsecond for a
// scalar); the file is written when the buffer holds
// EventWriterOptions::buffer_bytes, on flush() (call it once per epoch) and
// on destruction. A run killed between flushes loses what was buffered;
// TensorBoard still reads everything before a torn last record.
//
// Errors: nothing here throws into the caller (std::bad_alloc aside) and
// logging never stops training. The first failure (the folder cannot be
// created, the disk is full) writes ONE warning line,
//   "tensorboard: cannot write <file>: No space left on device; TensorBoard logging is off for this run"
// to EventWriterOptions::warnings, and every later call does nothing;
// enabled() turns false and error() keeps the cause.
//
// Thread safety: none; one writer per run, used by one thread (rank 0's
// training loop). Not copyable, not movable (hold it in a std::optional or
// std::unique_ptr).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tblog/event.h"
#include "tblog/hparams.h"
#include "tblog/record_file.h"

namespace glint::tblog {

struct EventWriterOptions {
  // Default 1 MiB: bytes buffered before they are written without a flush().
  size_t buffer_bytes = size_t{1} << 20;
  // Default &std::cerr: where the one warning line goes; nullptr for none.
  std::ostream* warnings = &std::cerr;
};

class EventWriter {
 public:
  // Creates `run_dir` with its parents (the run's name in TensorBoard is
  // its path below --logdir) and a new event file in it.
  explicit EventWriter(const std::string& run_dir, const EventWriterOptions& options = {});
  ~EventWriter();  // flushes; never throws
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // One point of the scalar chart `tag` ("train/loss") at `step`, stored as
  // float32. Steps need not be dense; use one step axis for all tags of a
  // run (e.g. the global optimiser step).
  void scalar(std::string_view tag, double value, int64_t step);
  // An image at `step`: a whole PNG file the caller encoded, with its size.
  void image(std::string_view tag, const PngImage& image, int64_t step);

  // The run's hyper-parameters, once, at the start: the session start that
  // makes the run a row of the HParams table (tblog/hparams.h).
  void start_session(const std::vector<HParam>& hparams);
  // At the end: the final metrics as scalars at `step` (each scalar tag of
  // the run is a metric column; its last value is shown), the session end
  // with `status`, and a flush.
  void end_session(const std::vector<std::pair<std::string, double>>& final_metrics, int64_t step,
                   SessionStatus status = SessionStatus::kSuccess);

  // Writes what is buffered (no fsync).
  void flush();

  bool enabled() const { return file_.ok(); }
  const std::string& error() const { return file_.error(); }
  const std::string& path() const { return file_.path(); }

 private:
  void append(const std::string& event);
  void after_write();

  EventWriterOptions options_;
  RecordFile file_;
  bool warned_ = false;
};

}  // namespace glint::tblog
