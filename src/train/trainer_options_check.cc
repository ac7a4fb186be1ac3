// The model options a run implies, and whether a checkpoint can continue it.
#include "train/trainer_loop.h"

#include <stdexcept>
#include <string>

#include "train/checkpoint.h"

namespace glint::train {

UNetOptions unet_options_for(const TrainOptions& o, const SourceShape& shape) {
  UNetOptions u;
  u.in_channels = shape.images.channels;
  u.out_channels = shape.heatmaps.channels;
  u.base_channels = o.base_channels;
  u.depth = o.depth;
  return u;
}

void check_resumable(const TrainOptions& o, const SourceShape& shape) {
  const CheckpointMeta meta = read_checkpoint_meta(o.model_path);
  const UNetOptions want = unet_options_for(o, shape);
  const auto mismatch = [&o](const std::string& what) {
    throw std::runtime_error("--resume: " + o.model_path + " was trained with " + what +
                             "; pass the same value to continue it, or train a new model "
                             "without --resume");
  };
  if (meta.unet.base_channels != want.base_channels) {
    mismatch("--base_channels " + std::to_string(meta.unet.base_channels));
  }
  if (meta.unet.depth != want.depth) mismatch("--depth " + std::to_string(meta.unet.depth));
  if (meta.unet.in_channels != want.in_channels || meta.unet.out_channels != want.out_channels) {
    mismatch(std::to_string(meta.unet.in_channels) + " image and " +
             std::to_string(meta.unet.out_channels) + " heatmap channels (this file has other counts)");
  }
  if (meta.loss != o.loss) mismatch("--loss " + meta.loss);
  const auto seed = meta.extra.find("seed");
  if (seed != meta.extra.end() && static_cast<uint64_t>(seed->second) != o.seed) {
    mismatch("--seed " + std::to_string(static_cast<uint64_t>(seed->second)));
  }
  const auto split = meta.extra.find("val_split");
  if (split != meta.extra.end() && split->second != o.val_split) {
    mismatch("--val_split " + std::to_string(split->second));
  }
}

}  // namespace glint::train
