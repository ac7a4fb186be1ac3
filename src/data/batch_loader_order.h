// Sample orders: the epoch shuffle and the train/validation split.
//
// Both are pure functions of their arguments, built on std::mt19937_64 (whose
// output the standard fixes) and a hand-written Fisher-Yates with unbiased
// bounded draws, so every platform and standard library gives the same order.
#pragma once

#include <cstdint>
#include <vector>

namespace glint::train {

// `indices` permuted by a generator seeded from (seed, epoch).
std::vector<int64_t> shuffled(std::vector<int64_t> indices, uint64_t seed, int64_t epoch);

// The positions of `rows` that belong to `rank`: every world_size-th,
// starting at `rank`, cut to the same length on every rank, so that all
// ranks run the same number of steps (up to world_size - 1 rows are left out).
std::vector<int64_t> shard_rows(const std::vector<int64_t>& rows, int rank, int world_size);

struct Split {
  std::vector<int64_t> train;  // ascending
  std::vector<int64_t> val;    // ascending
};

// Splits 0..n-1 at random (seeded by `seed`) into train and validation.
// The validation set has round(n * val_fraction) samples, at most n - 1 so
// that training always has one. Throws std::invalid_argument unless
// 0 <= val_fraction < 1 and n >= 0.
Split split_indices(int64_t n, double val_fraction, uint64_t seed);

}  // namespace glint::train
