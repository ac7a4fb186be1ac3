#include "data/batch_loader_order.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "data/augment.h"

namespace glint::train {
namespace {

// Uniform in [0, bound) by rejection: std::uniform_int_distribution is not
// specified bit for bit, so it would make orders differ between libraries.
uint64_t bounded(std::mt19937_64& gen, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do {
    r = gen();
  } while (r >= limit);
  return r % bound;
}

void fisher_yates(std::vector<int64_t>& v, std::mt19937_64& gen) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[bounded(gen, i)]);
  }
}

// Distinct salts keep the split's stream apart from every epoch's stream.
constexpr uint64_t kShuffleSalt = 0x53485546464c45ull;  // "SHUFFLE"
constexpr uint64_t kSplitSalt = 0x53504c4954ull;        // "SPLIT"

}  // namespace

std::vector<int64_t> shuffled(std::vector<int64_t> indices, uint64_t seed, int64_t epoch) {
  std::mt19937_64 gen(mix64(mix64(seed ^ kShuffleSalt) ^ static_cast<uint64_t>(epoch)));
  fisher_yates(indices, gen);
  return indices;
}

std::vector<int64_t> shard_rows(const std::vector<int64_t>& rows, int rank, int world_size) {
  if (world_size <= 1) return rows;
  const size_t per_rank = rows.size() / static_cast<size_t>(world_size);
  std::vector<int64_t> out;
  out.reserve(per_rank);
  for (size_t i = static_cast<size_t>(rank); i < rows.size() && out.size() < per_rank;
       i += static_cast<size_t>(world_size)) {
    out.push_back(rows[i]);
  }
  return out;
}

Split split_indices(int64_t n, double val_fraction, uint64_t seed) {
  if (n < 0 || !(val_fraction >= 0.0 && val_fraction < 1.0)) {
    throw std::invalid_argument("validation fraction must be in [0, 1), got " +
                                std::to_string(val_fraction));
  }
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::mt19937_64 gen(mix64(seed ^ kSplitSalt));
  fisher_yates(order, gen);
  auto val_count = static_cast<int64_t>(std::llround(static_cast<double>(n) * val_fraction));
  val_count = std::clamp<int64_t>(val_count, 0, std::max<int64_t>(n - 1, 0));
  Split split;
  split.val.assign(order.begin(), order.begin() + val_count);
  split.train.assign(order.begin() + val_count, order.end());
  std::sort(split.val.begin(), split.val.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace glint::train
