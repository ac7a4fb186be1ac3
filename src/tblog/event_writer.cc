#include "tblog/event_writer.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <system_error>

#include "util/time.h"

namespace glint::tblog {
namespace {

double wall_time() { return static_cast<double>(now_ns()) / 1e9; }

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// TensorBoard orders a run's files by name; the counter keeps two writers
// of one process apart when they start in the same second.
std::string event_file_name() {
  static std::atomic<int> counter{0};
  return "events.out.tfevents." + std::to_string(now_ns() / 1'000'000'000) + "." + host_name() + "." +
         std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
}

RecordFile open_event_file(const std::string& run_dir, size_t buffer_bytes) {
  const std::string path = (std::filesystem::path(run_dir) / event_file_name()).string();
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) return RecordFile::failed(path, "cannot create the folder " + run_dir + ": " + ec.message());
  return RecordFile(path, buffer_bytes);
}

}  // namespace

EventWriter::EventWriter(const std::string& run_dir, const EventWriterOptions& options)
    : options_(options), file_(open_event_file(run_dir, options.buffer_bytes)) {
  append(file_version_event(wall_time()));
  after_write();
}

EventWriter::~EventWriter() { flush(); }

void EventWriter::scalar(std::string_view tag, double value, int64_t step) {
  if (!enabled()) return;
  append(scalar_event(wall_time(), step, tag, value));
}

void EventWriter::image(std::string_view tag, const PngImage& image, int64_t step) {
  if (!enabled()) return;
  append(image_event(wall_time(), step, tag, image));
}

void EventWriter::start_session(const std::vector<HParam>& hparams) {
  if (!enabled()) return;
  const double now = wall_time();
  append(plugin_event(now, 0, kSessionStartTag, kHParamsPlugin, session_start_content(hparams, now)));
}

void EventWriter::end_session(const std::vector<std::pair<std::string, double>>& final_metrics, int64_t step,
                              SessionStatus status) {
  if (!enabled()) return;
  for (const auto& [tag, value] : final_metrics) scalar(tag, value, step);
  const double now = wall_time();
  append(plugin_event(now, step, kSessionEndTag, kHParamsPlugin, session_end_content(status, now)));
  flush();
}

void EventWriter::flush() {
  file_.flush();
  after_write();
}

void EventWriter::append(const std::string& event) {
  if (!file_.ok()) return;
  file_.append(event);
  after_write();
}

void EventWriter::after_write() {
  if (file_.ok() || warned_) return;
  warned_ = true;
  if (options_.warnings != nullptr) {
    *options_.warnings << "tensorboard: " << file_.error() << "; TensorBoard logging is off for this run"
                       << std::endl;
  }
}

}  // namespace glint::tblog
