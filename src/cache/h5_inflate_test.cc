#include "h5_inflate.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <vector>

namespace glint {
namespace {

std::vector<uint8_t> sample() {
  std::vector<uint8_t> v(100000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>((i * 7) ^ (i >> 5));
  return v;
}

std::vector<uint8_t> deflated(const std::vector<uint8_t>& plain) {
  uLongf n = compressBound(plain.size());
  std::vector<uint8_t> out(n);
  EXPECT_EQ(Z_OK, compress2(out.data(), &n, plain.data(), plain.size(), 4));
  out.resize(n);
  return out;
}

TEST(InflateTest, DecodesAZlibStreamOfKnownSize) {
  auto plain = sample();
  auto packed = deflated(plain);
  std::vector<uint8_t> out(plain.size());
  ASSERT_TRUE(inflate_exact(packed.data(), packed.size(), out.data(), out.size()));
  EXPECT_EQ(out, plain);
}

TEST(InflateTest, RefusesAStreamOfAnotherSizeOrDamaged) {
  auto plain = sample();
  auto packed = deflated(plain);
  std::vector<uint8_t> small(plain.size() - 1), big(plain.size() + 1);
  EXPECT_FALSE(inflate_exact(packed.data(), packed.size(), small.data(), small.size()));
  EXPECT_FALSE(inflate_exact(packed.data(), packed.size(), big.data(), big.size()));
  packed[packed.size() / 2] ^= 0xff;
  std::vector<uint8_t> out(plain.size());
  EXPECT_FALSE(inflate_exact(packed.data(), packed.size(), out.data(), out.size()));
  EXPECT_FALSE(inflate_exact(packed.data(), packed.size() / 3, out.data(), out.size()));
}

TEST(InflateTest, LibdeflateIsPreferredUnlessZlibIsAsked) {
  EXPECT_EQ(preferred_inflater(), std::getenv("GLINT_INFLATE") ? Inflater::kZlib : Inflater::kLibdeflate);
}

}  // namespace
}  // namespace glint
