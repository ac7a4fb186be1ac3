// Checks and descriptions of a training run that need no training: the
// model options for the data, --resume compatibility, and the identity every
// data-parallel rank must share with rank 0.
#include <sstream>
#include <stdexcept>
#include <string>

#include "checkpoint/checkpoint.h"
#include "trainer_loop.h"

namespace glint::train {
namespace {

std::string shape_text(const FieldShape& s) {
  return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" + std::to_string(s.width) + " " +
         std::string(dtype_name(s.dtype));
}

std::string number(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

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
  if (meta.seed && *meta.seed != o.seed) mismatch("--seed " + std::to_string(*meta.seed));
  if (meta.val_split && *meta.val_split != o.val_split) {
    mismatch("--val_split " + std::to_string(*meta.val_split));
  }
}

Identity run_identity(const TrainOptions& o, const SourceShape& shape, const std::string& data_md5) {
  const UNetOptions u = unet_options_for(o, shape);
  Identity id;
  if (!data_md5.empty()) id.emplace_back("the MD5 of --h5", data_md5);
  id.emplace_back("--images/--heatmaps", o.images + "/" + o.heatmaps);
  id.emplace_back("the number of samples", std::to_string(shape.samples));
  id.emplace_back("the images", shape_text(shape.images));
  id.emplace_back("the heatmaps", shape_text(shape.heatmaps));
  id.emplace_back("the model", "UNet " + describe(u));
  id.emplace_back("--batch", std::to_string(o.batch));
  id.emplace_back("--epochs", std::to_string(o.epochs));
  id.emplace_back("--max_steps", std::to_string(o.max_steps));
  id.emplace_back("--loss", o.loss);
  id.emplace_back("--lr", number(o.lr));
  id.emplace_back("--val_split", number(o.val_split));
  id.emplace_back("--seed", std::to_string(o.seed));
  id.emplace_back("--augment", o.augment ? "on" : "off");
  id.emplace_back("--sync_batchnorm", o.sync_batchnorm ? "on" : "off");
  id.emplace_back("--resume", o.resume ? "on" : "off");
  id.emplace_back("--device", o.device);
  return id;
}

}  // namespace glint::train
