// The HDF5 side of the generator: creates the file with its three datasets
// and generator attributes, then takes samples block by block. Private.
//
// Not thread-safe: one thread drives an H5Output (HDF5 is not re-entrant).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "glint/status.h"
#include "util/h5_handle.h"
#include "synth/options.h"

namespace glint::synth {

class H5Output {
 public:
  // Creates (truncating) `path` with "images" (N,H,W), "heatmaps" (N,1,H,W)
  // and "glints" (N,K,2) as described by `options`. kIOError on failure
  // (kNoSpace when the disk cannot hold an uncompressed file); messages name
  // the file `label` (the final name of a temporary file).
  static Result<std::unique_ptr<H5Output>> create(const std::string& path,
                                                  const std::string& label,
                                                  const GeneratorOptions& options);

  // Writes samples [first, first + count). Buffers hold count samples in the
  // file's element types: uint8/float32 images, float16 bits or float32
  // heatmaps, float32 glints.
  Status write(uint64_t first, uint64_t count, const void* images, const void* heatmaps,
               const float* glints);

  // Flushes and closes everything; the file is complete only if this is OK.
  Status close();

  // Gives up on the file: HDF5's descriptor is pointed at an anonymous memory
  // file before closing, so that closing cannot fail on a full disk. (When
  // H5Fclose fails, HDF5 1.10 frees the file but keeps its identifier, and
  // crashes in its exit handler.) The destructor abandons an unclosed file.
  void abandon();
  ~H5Output();
  H5Output(const H5Output&) = delete;
  H5Output& operator=(const H5Output&) = delete;

  // For tests that need to break the file underneath.
  hid_t file_id() const { return file_.get(); }

 private:
  H5Output(std::string label, GeneratorOptions options)
      : path_(std::move(label)), options_(std::move(options)) {}
  Status create_datasets();
  Status write_attributes();
  Status reserve_space();
  Status write_rows(const H5Handle& dataset, hid_t mem_type, uint64_t first, uint64_t count,
                    const void* data, const char* name);

  std::string path_;  // for messages
  GeneratorOptions options_;
  H5Handle half_type_;
  H5Handle file_;
  H5Handle images_;
  H5Handle heatmaps_;
  H5Handle glints_;
};

}  // namespace glint::synth
