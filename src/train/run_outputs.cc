#include "run_outputs.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>

#include "checkpoint/checkpoint.h"
#include "util/output_path.h"

namespace glint::train {
namespace {

// "2026-12-07 14:02", local time, of the file's last change.
std::string modified(const struct stat& st) {
  std::tm tm{};
  const std::time_t t = st.st_mtime;
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string what_the_checkpoint_holds(const std::string& path, const struct stat& st) {
  try {
    const CheckpointMeta meta = read_checkpoint_meta(path);
    return "a model trained " + std::to_string(meta.epoch) + " epoch(s) with --loss " + meta.loss + " (saved " +
           modified(st) + ")";
  } catch (const std::exception&) {
    return "a file that is not a checkpoint of this trainer (" + std::to_string(st.st_size) + " bytes, modified " +
           modified(st) + ")";
  }
}

int64_t count_lines(const std::string& path) {
  std::ifstream in(path);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

// "--model_path m.pt: ", or "--model_path: " for an empty path.
std::string flag_and_path(const std::string& flag, const std::string& path) {
  return flag + (path.empty() ? "" : " " + path) + ": ";
}

void refuse(const std::string& flag, const std::string& path, const std::string& holds) {
  throw std::runtime_error(flag + " " + path + " already holds " + holds +
                           "; continue it with --resume, or replace it with --overwrite");
}

}  // namespace

void check_run_outputs(const TrainOptions& o) {
  if (const std::string why = file_output_problem(o.model_path, "model.pt"); !why.empty()) {
    throw std::runtime_error(flag_and_path("--model_path", o.model_path) + why);
  }
  if (!o.log.empty()) {
    if (const std::string why = file_output_problem(o.log, "train.jsonl"); !why.empty()) {
      throw std::runtime_error(flag_and_path("--log", o.log) + why);
    }
  }
  if (o.resume || o.overwrite) return;
  struct stat st;
  if (::stat(o.model_path.c_str(), &st) == 0) refuse("--model_path", o.model_path, what_the_checkpoint_holds(o.model_path, st));
  if (!o.log.empty() && ::stat(o.log.c_str(), &st) == 0 && st.st_size > 0) {
    refuse("--log", o.log,
           "the log of a run (" + std::to_string(count_lines(o.log)) + " line(s), last written " + modified(st) + ")");
  }
}

}  // namespace glint::train
