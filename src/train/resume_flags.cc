#include "resume_flags.h"

#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace glint::train {
namespace {

std::string text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
std::string text(int64_t v) { return std::to_string(v); }
std::string text(uint64_t v) { return std::to_string(v); }
std::string text(const std::string& v) { return v; }

class Planner {
 public:
  Planner(const TrainOptions& o, const CheckpointMeta& meta) : o_(o), meta_(meta) { plan_.options = o; }

  // A flag that fixes the model or the split: the checkpoint's value, and a
  // given one must agree with it.
  template <typename T>
  void fixed(const std::string& flag, T& value, const std::optional<T>& recorded) {
    if (!recorded) return;  // an older checkpoint that does not record it
    if (!o_.given.count(flag)) {
      value = *recorded;
      taken_.push_back(flag + " " + text(*recorded));
    } else if (value != *recorded) {
      throw std::runtime_error("--resume: " + flag + " " + text(value) + " was given, but " + o_.model_path +
                               " was trained with " + flag + " " + text(*recorded) + "; leave " + flag +
                               " out to continue it, or start a new model (another --model_path, or --overwrite "
                               "without --resume)");
    }
  }

  // A flag a resumed run may change: the checkpoint's unless given.
  void changeable(const std::string& flag, double& value, const std::optional<double>& recorded) {
    if (!recorded) return;
    if (!o_.given.count(flag)) {
      value = *recorded;
      taken_.push_back(flag + " " + text(*recorded));
    } else if (value != *recorded) {
      changed_.push_back(flag + " " + text(value) + " (was " + text(*recorded) + ")");
    }
  }

  ResumePlan finish() {
    TrainOptions& o = plan_.options;
    std::ostringstream line;
    if (o.epochs <= meta_.epoch) {
      plan_.nothing_to_do = true;
      line << "resume: " << o.model_path << " has trained " << meta_.epoch << " epoch(s); --epochs " << o.epochs
           << " asks for no more, so nothing is done and the checkpoint is left as it is (give --epochs above "
           << meta_.epoch << " to train on)";
      plan_.line = line.str();
      return plan_;
    }
    line << "resume: " << o.model_path << " after epoch " << meta_.epoch << ", training to epoch " << o.epochs;
    if (!taken_.empty()) {
      line << "; from the checkpoint:";
      for (const auto& t : taken_) line << " " << t;
    }
    if (!changed_.empty()) {
      line << "; changed:";
      for (const auto& c : changed_) line << " " << c;
    }
    plan_.line = line.str();
    return plan_;
  }

  ResumePlan& plan() { return plan_; }

 private:
  const TrainOptions& o_;
  const CheckpointMeta& meta_;
  ResumePlan plan_;
  std::vector<std::string> taken_, changed_;
};

}  // namespace

ResumePlan plan_resume(const TrainOptions& o) {
  const CheckpointMeta meta = read_checkpoint_meta(o.model_path);
  Planner p(o, meta);
  TrainOptions& out = p.plan().options;
  p.fixed<std::string>("--loss", out.loss, meta.loss);
  p.fixed<int64_t>("--base_channels", out.base_channels, meta.unet.base_channels);
  p.fixed<int64_t>("--depth", out.depth, meta.unet.depth);
  p.fixed<uint64_t>("--seed", out.seed, meta.seed);
  p.fixed<double>("--val_split", out.val_split, meta.val_split);
  p.changeable("--lr", out.lr, meta.lr);
  return p.finish();
}

}  // namespace glint::train
