// SharedDataset: a read-only view that owns its mapping.
#include "shared_dataset_impl.h"

namespace glint {

SharedDataset::SharedDataset(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SharedDataset::SharedDataset(SharedDataset&&) noexcept = default;
SharedDataset& SharedDataset::operator=(SharedDataset&&) noexcept = default;
SharedDataset::~SharedDataset() = default;

const std::string& SharedDataset::dataset() const { return impl_->dataset; }
const std::string& SharedDataset::segment() const { return impl_->segment; }
const std::string& SharedDataset::md5() const { return impl_->md5; }
DType SharedDataset::dtype() const { return impl_->layout.dtype; }
const std::vector<uint64_t>& SharedDataset::shape() const { return impl_->layout.shape; }
const void* SharedDataset::data() const { return impl_->mapping.data() + kSegmentHeaderBytes; }
uint64_t SharedDataset::bytes() const { return impl_->layout.payload_bytes; }
bool SharedDataset::loaded_here() const { return impl_->loaded_here; }
Tier SharedDataset::tier() const { return impl_->tier; }
const std::string& SharedDataset::path() const { return impl_->path; }
const std::string& SharedDataset::tier_note() const { return impl_->tier_note; }
int SharedDataset::fd() const { return impl_->fd.valid() ? impl_->fd.get() : -1; }
uint64_t SharedDataset::payload_offset() const { return kSegmentHeaderBytes; }

}  // namespace glint
