// Rows of an HDF5 file as input, with the file's ground truth when it has one.
#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "glint/h5.h"
#include "model/pixel_scale.h"
#include "predict/indices.h"
#include "predict/input.h"
#include "predict/input_shared.h"

namespace glint::predict {
namespace {

uint64_t row_elements(const DatasetInfo& d) {
  uint64_t n = 1;
  for (size_t i = 1; i < d.shape.size(); ++i) n *= d.shape[i];
  return n;
}

std::string shape_text(const DatasetInfo& d) {
  std::string s = std::string(dtype_name(d.dtype)) + " ";
  for (size_t i = 1; i < d.shape.size(); ++i) s += (i > 1 ? "x" : "") + std::to_string(d.shape[i]);
  return s;
}

class H5Input final : public ImageInput {
 public:
  H5Input(const PredictOptions& o, std::ostream& err) : h5_path_(o.h5) {
    auto opened = H5Source::open(o.h5);
    if (!opened.ok()) throw std::runtime_error("--h5: " + opened.status().message());
    file_ = std::move(*opened);
    auto info = file_->info(o.images);
    if (!info.ok()) throw std::runtime_error("--images: " + info.status().message());
    images_ = *info;
    const auto& s = images_.shape;
    if (s.size() != 3 && s.size() != 4) {
      throw std::runtime_error("--images: '" + images_.name + "' of " + o.h5 + " has rank " +
                               std::to_string(s.size()) + "; expected [N,H,W] or [N,C,H,W]");
    }
    indices_ = parse_indices(o.indices, static_cast<int64_t>(s[0]));
    indices_text_ = o.indices.empty() ? "all " + std::to_string(s[0]) + " rows"
                                      : "rows " + o.indices + " of " + std::to_string(s[0]);
    find_truth(o);
    if (auto cached = cached_images(o, images_.name, err)) cached_.emplace(std::move(*cached));
  }

  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }

  InputImage read(int64_t i) override {
    const auto& s = images_.shape;
    const int64_t row = indices_[static_cast<size_t>(i)];
    InputImage image{std::to_string(row), s.size() == 4 ? static_cast<int64_t>(s[1]) : 1,
                     static_cast<int64_t>(s[s.size() - 2]), static_cast<int64_t>(s[s.size() - 1]), {}};
    const uint64_t n = row_elements(images_);
    image.pixels.resize(n);
    const size_t row_bytes = n * dtype_size(images_.dtype);
    const void* raw = cached_ ? static_cast<const uint8_t*>(cached_->segment.data()) + row * row_bytes
                              : read_row(images_, row);
    train::convert_to_float(images_.dtype, raw, static_cast<int64_t>(n), image.pixels.data(),
                            train::ValueScale::kImage);
    return image;
  }

  std::optional<Truth> truth(int64_t i) override {
    if (!truth_) return std::nullopt;
    const int64_t row = indices_[static_cast<size_t>(i)];
    const uint64_t n = row_elements(*truth_);
    std::vector<float> values(n);
    const void* raw = read_row(*truth_, row);
    if (truth_is_points_ && truth_->dtype == DType::kFloat32) {
      std::memcpy(values.data(), raw, n * sizeof(float));  // keeps the NaN padding
    } else if (truth_is_points_ && truth_->dtype == DType::kFloat64) {
      const auto* d = static_cast<const double*>(raw);
      for (uint64_t k = 0; k < n; ++k) values[k] = static_cast<float>(d[k]);
    } else if (truth_is_points_ && truth_->dtype == DType::kFloat16) {
      const auto* h = static_cast<const uint16_t*>(raw);
      for (uint64_t k = 0; k < n; ++k) values[k] = train::half_to_float(h[k]);
    } else {
      // Turns NaN into 0: right for heatmaps; integer positions have no NaN.
      train::convert_to_float(truth_->dtype, raw, static_cast<int64_t>(n), values.data(),
                              train::ValueScale::kAsIs);
    }
    Truth t;
    if (truth_is_points_) {
      for (size_t k = 0; k + 1 < values.size(); k += 2) {
        if (std::isfinite(values[k]) && std::isfinite(values[k + 1])) t.points.emplace_back(values[k], values[k + 1]);
      }
    } else {
      t.heatmap_channels = truth_->shape.size() == 4 ? static_cast<int64_t>(truth_->shape[1]) : 1;
      t.heatmap = std::move(values);
    }
    return t;
  }

  std::string description() const override {
    std::ostringstream s;
    s << h5_path_ << " '" << images_.name << "' " << indices_text_ << " (" << shape_text(images_) << "), "
      << (cached_ ? "from shared memory (" + cached_->how + ")" : std::string("read from the file"))
      << "; truth: " << truth_text();
    return s.str();
  }

 private:
  // The glints dataset ([N,K,2] or [N,2]) when present, else heatmaps of the
  // images' size; neither is an error, only no truth. A dataset that is there
  // but does not fit the images is named, with why, in the description.
  void find_truth(const PredictOptions& o) {
    const auto& s = images_.shape;
    if (auto g = file_->info(o.glints); g.ok()) {
      if (g->shape[0] != s[0]) {
        unfit_.push_back(rows_note(*g));
      } else if (g->shape.back() != 2 || (g->shape.size() != 2 && g->shape.size() != 3)) {
        unfit_.push_back("'" + g->name + "' is " + shape_text(*g) + " per row, not Kx2 points");
      } else {
        truth_ = *g;
        truth_is_points_ = true;
        return;
      }
    }
    if (auto h = file_->info(o.heatmaps); h.ok()) {
      const size_t r = h->shape.size();
      if (h->shape[0] != s[0]) {
        unfit_.push_back(rows_note(*h));
      } else if ((r != 3 && r != 4) || h->shape[r - 1] != s[s.size() - 1] || h->shape[r - 2] != s[s.size() - 2]) {
        unfit_.push_back("'" + h->name + "' is " + shape_text(*h) + " per row, the images " + shape_text(images_));
      } else {
        truth_ = *h;
      }
    }
  }

  std::string rows_note(const DatasetInfo& d) const {
    return "'" + d.name + "' has " + std::to_string(d.shape[0]) + " rows, the images " +
           std::to_string(images_.shape[0]);
  }

  std::string truth_text() const {
    if (truth_) return "'" + truth_->name + "'";
    if (unfit_.empty()) return "none in the file";
    std::string why;
    for (const std::string& u : unfit_) why += (why.empty() ? "" : "; ") + u;
    return "none usable (" + why + ")";
  }

  const void* read_row(const DatasetInfo& d, int64_t row) {
    buffer_.resize(row_elements(d) * dtype_size(d.dtype));
    const Status st = file_->read_rows(d.name, static_cast<uint64_t>(row), 1, buffer_.data());
    if (!st.ok()) throw std::runtime_error(st.message());
    return buffer_.data();
  }

  std::string h5_path_;
  std::unique_ptr<H5Source> file_;
  DatasetInfo images_;
  std::vector<int64_t> indices_;
  std::string indices_text_;
  std::optional<DatasetInfo> truth_;
  bool truth_is_points_ = false;
  std::vector<std::string> unfit_;  // truth datasets present but unusable, and why
  std::optional<CachedImages> cached_;
  std::vector<uint8_t> buffer_;
};

}  // namespace

std::unique_ptr<ImageInput> open_h5_input(const PredictOptions& options, std::ostream& err) {
  return std::make_unique<H5Input>(options, err);
}

}  // namespace glint::predict
