// A small, fully specified random generator, so that a seed gives the same
// dataset with any compiler or standard library (std::normal_distribution
// and friends are implementation-defined).
#pragma once

#include <cstdint>

namespace glint::synth {

// SplitMix64 step: a good 64-bit mixer, used for seeding.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// xoshiro256** seeded from (seed, index, stream): each image owns independent
// streams, so the output does not depend on which thread renders it.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t index, uint64_t stream) {
    uint64_t mix = seed;
    mix = splitmix64(mix) ^ index;
    mix = splitmix64(mix) ^ stream;
    for (auto& word : s_) word = splitmix64(mix);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi] (the tiny modulo bias does not matter here).
  int64_t integer(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }

  // Approximately standard normal: Irwin-Hall sum of four 16-bit uniforms,
  // rescaled to unit variance. Cheap enough for per-pixel sensor noise.
  double normal() {
    const uint64_t r = next();
    const double sum = static_cast<double>((r & 0xffff) + ((r >> 16) & 0xffff) +
                                           ((r >> 32) & 0xffff) + (r >> 48)) *
                       (1.0 / 65536.0);
    return (sum - 2.0) * 1.7320508075688772;  // sqrt(12 / 4)
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace glint::synth
