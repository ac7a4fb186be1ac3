// Choosing and opening the training data of train_glint_unet.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "data/data_source.h"
#include "train/train_options.h"

namespace glint::train {

// The SourceOptions of `options` for `kind` (cache options included; cache
// warnings go to `err` as "warning: ..." lines).
SourceOptions make_source_options(const TrainOptions& options, SourceKind kind, std::ostream& err);

// Reads only the metadata of the file and its two datasets (no data, no
// segment): throws std::runtime_error with one line when the file is not an
// HDF5 file, a dataset is missing, or the datasets disagree (rows, size).
SourceShape check_training_file(const TrainOptions& options);

struct TrainingData {
  std::shared_ptr<const SampleSource> source;
  // "shared memory, loaded here in 0.41 s (12.6 MiB: glint_<md5>_images, ...)"
  std::string description;
  bool fell_back = false;  // --shared_memory was asked for but could not be used
};

// Opens the source the options ask for. With --shared_memory, a failure of
// the cache that the user cannot fix by changing a flag (no room, a foreign
// or damaged segment, an I/O error) falls back to a private copy (or to
// streaming with --no_preload) after ONE warning line on `err`; bad flags
// (--shm_dir missing, unknown --share_group) throw. Prints nothing else but
// the cache's own warnings.
TrainingData open_training_data(const TrainOptions& options, const SourceShape& shape,
                                std::ostream& err);

}  // namespace glint::train
