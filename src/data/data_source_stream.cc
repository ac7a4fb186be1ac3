#include <stdexcept>

#include "data_source_impl.h"

namespace glint::train {
namespace {

// Reads each row from the file on demand; H5Source serialises HDF5 calls, so
// workers share one handle and their reads do not overlap.
class StreamingSource final : public SampleSource {
 public:
  StreamingSource(SourceShape shape, std::unique_ptr<H5Source> file)
      : SampleSource(std::move(shape)), file_(std::move(file)) {}

  SourceKind kind() const override { return SourceKind::kStream; }
  const void* row_ptr(Field, int64_t) const override { return nullptr; }

  void read_row(Field field, int64_t index, void* dst) const override {
    const FieldShape& f = shape().field(field);
    Status st = file_->read_rows(f.dataset, static_cast<uint64_t>(index), 1, dst);
    if (!st.ok()) {
      throw std::runtime_error("cannot read sample " + std::to_string(index) + " of '" +
                               f.dataset + "': " + st.message());
    }
  }

 private:
  std::unique_ptr<H5Source> file_;
};

}  // namespace

std::unique_ptr<SampleSource> make_stream_source(SourceShape shape, std::unique_ptr<H5Source> file) {
  return std::make_unique<StreamingSource>(std::move(shape), std::move(file));
}

}  // namespace glint::train
