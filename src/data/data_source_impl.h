// Private to the data_source*.cc files: the three sources and the metadata
// check make_source runs before any of them.
#pragma once

#include <memory>

#include "data/data_source.h"
#include "glint/h5.h"

namespace glint::train {

// Reads both datasets' metadata from `file` and checks them (see make_source).
SourceShape check_datasets(H5Source& file, const SourceOptions& options);

std::unique_ptr<SampleSource> make_preload_source(SourceShape shape, H5Source& file);
std::unique_ptr<SampleSource> make_stream_source(SourceShape shape, std::unique_ptr<H5Source> file);

// "[4, 1, 64, 64]"
std::string shape_text(const std::vector<uint64_t>& shape);

}  // namespace glint::train
