#include "synth/generator.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/synth/h5_read_testing.h"
#include "support/temp_dir.h"
#include "synth/half.h"
#include "synth/render.h"

namespace glint::synth {
namespace {

using glint::synth::testing::file_bytes;
using glint::synth::testing::read_dataset;

GeneratorOptions tiny() {
  GeneratorOptions o;
  o.count = 12;
  o.size = 32;
  o.min_glints = 1;
  o.max_glints = 3;
  o.seed = 11;
  return o;
}

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

TEST(GeneratorTest, WritesTheSeedLayout) {
  glint::testing::TempDir dir;
  const std::string path = dir.file("out.h5");
  ASSERT_TRUE(write_dataset(path, tiny()).ok());
  const auto images = read_dataset(path, "images");
  EXPECT_EQ(images.shape, (std::vector<hsize_t>{12, 32, 32}));
  EXPECT_EQ(images.type_class, H5T_INTEGER);
  EXPECT_EQ(images.type_size, 1u);
  EXPECT_EQ(images.layout, H5D_CONTIGUOUS);
  const auto heatmaps = read_dataset(path, "heatmaps");
  EXPECT_EQ(heatmaps.shape, (std::vector<hsize_t>{12, 1, 32, 32}));
  EXPECT_TRUE(heatmaps.half);
  const auto glints = read_dataset(path, "glints");
  EXPECT_EQ(glints.shape, (std::vector<hsize_t>{12, 3, 2}));
  EXPECT_EQ(glints.type_class, H5T_FLOAT);
  EXPECT_EQ(glints.type_size, 4u);
}

TEST(GeneratorTest, Float32ImagesAndHeatmapsOnRequest) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.image_dtype = DType::kFloat32;
  o.heatmap_dtype = DType::kFloat32;
  const std::string path = dir.file("out.h5");
  ASSERT_TRUE(write_dataset(path, o).ok());
  const auto images = read_dataset(path, "images");
  EXPECT_EQ(images.type_class, H5T_FLOAT);
  EXPECT_EQ(images.type_size, 4u);
  for (float v : images.values) ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v;
  // The file holds exactly what render_sample makes.
  const Sample s = render_sample(o, 5);
  const size_t pixels = 32 * 32;
  EXPECT_TRUE(std::equal(s.image.begin(), s.image.end(), images.values.begin() + 5 * pixels));
  EXPECT_EQ(read_dataset(path, "heatmaps").type_size, 4u);
}

TEST(GeneratorTest, HeatmapIsOneAtEachGlintAndGlintsAreNaNPadded) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.max_glints = 4;
  const std::string path = dir.file("out.h5");
  ASSERT_TRUE(write_dataset(path, o).ok());
  const auto heatmaps = read_dataset(path, "heatmaps");
  const auto glints = read_dataset(path, "glints");
  std::set<int> counts;
  for (uint64_t i = 0; i < o.count; ++i) {
    const float* g = &glints.values[i * 4 * 2];
    const Sample expected = render_sample(o, i);
    const size_t n = expected.glints.size();
    counts.insert(static_cast<int>(n));
    for (size_t j = 0; j < 4; ++j) {
      if (j >= n) {
        EXPECT_TRUE(std::isnan(g[2 * j]) && std::isnan(g[2 * j + 1])) << i << "," << j;
        continue;
      }
      EXPECT_EQ(g[2 * j], expected.glints[j].x);
      EXPECT_EQ(g[2 * j + 1], expected.glints[j].y);
      const size_t at = i * 32 * 32 + static_cast<size_t>(g[2 * j + 1]) * 32 +
                        static_cast<size_t>(g[2 * j]);
      EXPECT_EQ(heatmaps.values[at], 1.0f) << "sample " << i << " glint " << j;
    }
  }
  EXPECT_GT(counts.size(), 1u);  // the padding really varies
}

TEST(GeneratorTest, SameSeedGivesByteIdenticalFiles) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  ASSERT_TRUE(write_dataset(dir.file("a.h5"), o).ok());
  ASSERT_TRUE(write_dataset(dir.file("b.h5"), o).ok());
  o.seed = 12;
  ASSERT_TRUE(write_dataset(dir.file("c.h5"), o).ok());
  const std::string a = file_bytes(dir.file("a.h5"));
  EXPECT_GT(a.size(), 12u * 32 * 32 * 3);
  EXPECT_EQ(a, file_bytes(dir.file("b.h5")));
  EXPECT_NE(a, file_bytes(dir.file("c.h5")));
}

TEST(GeneratorTest, ThreadsAndBlockSizeDoNotChangeTheBytes) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.threads = 1;
  ASSERT_TRUE(write_dataset(dir.file("one.h5"), o).ok());
  o.threads = 3;
  o.block_bytes = 1;  // one sample per block: many hyperslab writes
  ASSERT_TRUE(write_dataset(dir.file("three.h5"), o).ok());
  o.threads = 2;
  o.block_bytes = 5 * 32 * 32 * 3;  // uneven blocks of a few samples
  ASSERT_TRUE(write_dataset(dir.file("two.h5"), o).ok());
  const std::string one = file_bytes(dir.file("one.h5"));
  EXPECT_EQ(one, file_bytes(dir.file("three.h5")));
  EXPECT_EQ(one, file_bytes(dir.file("two.h5")));
}

TEST(GeneratorTest, CompressedFileIsChunkedWithTheSameValues) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  ASSERT_TRUE(write_dataset(dir.file("plain.h5"), o).ok());
  o.compress = true;
  ASSERT_TRUE(write_dataset(dir.file("packed.h5"), o).ok());
  for (const char* name : {"images", "heatmaps", "glints"}) {
    const auto plain = read_dataset(dir.file("plain.h5"), name);
    const auto packed = read_dataset(dir.file("packed.h5"), name);
    EXPECT_EQ(packed.layout, H5D_CHUNKED) << name;
    EXPECT_EQ(packed.filters, 2) << name;  // shuffle + deflate
    EXPECT_EQ(plain.filters, 0) << name;
    ASSERT_EQ(plain.values.size(), packed.values.size());
    for (size_t i = 0; i < plain.values.size(); ++i) {
      ASSERT_TRUE(plain.values[i] == packed.values[i] ||
                  (std::isnan(plain.values[i]) && std::isnan(packed.values[i])))
          << name << " " << i;
    }
  }
}

TEST(GeneratorTest, StoresGeneratorAttributes) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.sigma = 2.5;
  o.seed = 1234567890123ull;
  const std::string path = dir.file("out.h5");
  ASSERT_TRUE(write_dataset(path, o).ok());
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  uint64_t seed = 0;
  double sigma = 0;
  uint32_t version = 0;
  const hid_t a_seed = H5Aopen(file, "seed", H5P_DEFAULT);
  const hid_t a_sigma = H5Aopen(file, "sigma", H5P_DEFAULT);
  const hid_t a_version = H5Aopen(file, "render_version", H5P_DEFAULT);
  const hid_t a_generator = H5Aopen(file, "generator", H5P_DEFAULT);
  ASSERT_TRUE(a_seed >= 0 && a_sigma >= 0 && a_version >= 0 && a_generator >= 0);
  H5Aread(a_seed, H5T_NATIVE_UINT64, &seed);
  H5Aread(a_sigma, H5T_NATIVE_DOUBLE, &sigma);
  H5Aread(a_version, H5T_NATIVE_UINT32, &version);
  const hid_t str_type = H5Aget_type(a_generator);
  std::string generator(H5Tget_size(str_type), '\0');
  H5Aread(a_generator, str_type, generator.data());
  EXPECT_EQ(seed, 1234567890123ull);
  EXPECT_EQ(sigma, 2.5);
  EXPECT_EQ(version, static_cast<uint32_t>(kRenderVersion));
  EXPECT_EQ(generator.rfind("make_glint_dataset", 0), 0u) << generator;
  for (hid_t a : {a_seed, a_sigma, a_version, a_generator}) H5Aclose(a);
  H5Tclose(str_type);
  H5Fclose(file);
}

TEST(GeneratorTest, RefusesToOverwriteWithoutPermission) {
  glint::testing::TempDir dir;
  const std::string path = dir.file("out.h5");
  std::ofstream(path) << "precious";
  const Status refused = write_dataset(path, tiny());
  EXPECT_EQ(refused.code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.message(), "'" + path + "' already exists: pass --force to overwrite it");
  EXPECT_EQ(file_bytes(path), "precious");
  GeneratorOptions o = tiny();
  o.overwrite = true;
  ASSERT_TRUE(write_dataset(path, o).ok());
  EXPECT_EQ(read_dataset(path, "images").shape.size(), 3u);
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{"out.h5"}));
}

TEST(GeneratorTest, MissingDirectoryFailsWithoutLeavingFiles) {
  glint::testing::TempDir dir;
  const Status s = write_dataset(dir.file("nowhere/out.h5"), tiny());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_NE(s.message().find(dir.file("nowhere")), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos) << s.message();
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(GeneratorTest, DirectoryAsOutputIsRefused) {
  glint::testing::TempDir dir;
  const Status s = write_dataset(dir.path(), tiny());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("is a directory"), std::string::npos) << s.message();
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(GeneratorTest, UnwritableDirectoryFailsWithoutLeavingFiles) {
  // /proc refuses new files even to root, unlike a chmod 0555 directory.
  const Status s = write_dataset("/proc/glint_synth_test.h5", tiny());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot create a temporary file in the output directory '/proc'"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists("/proc/glint_synth_test.h5"));
}

TEST(GeneratorTest, StoppingFromProgressRemovesTheTemporaryFile) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.block_bytes = 1;
  std::vector<uint64_t> seen;
  const Status s = write_dataset(dir.file("out.h5"), o, [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, o.count);
    seen.push_back(done);
    return done < 4;
  });
  EXPECT_EQ(s.code(), Code::kIOError);
  EXPECT_EQ(s.message(), "interrupted after 4 of 12 samples: nothing was written");
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(GeneratorTest, InvalidOptionsAreNamed) {
  glint::testing::TempDir dir;
  GeneratorOptions o = tiny();
  o.count = 0;
  EXPECT_EQ(write_dataset(dir.file("x.h5"), o).message(),
            "count 0 is out of range: use 1..4294967296");
  o = tiny();
  o.min_glints = 5;
  EXPECT_EQ(write_dataset(dir.file("x.h5"), o).message(),
            "min glints 5 is above max glints 3: use MIN <= MAX");
  o = tiny();
  o.image_dtype = DType::kFloat16;
  EXPECT_EQ(write_dataset(dir.file("x.h5"), o).message(),
            "image dtype float16 is not supported: use uint8 or float32");
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(GeneratorTest, SeedPresetMatchesTheDesignDocument) {
  const GeneratorOptions o = seed_preset();
  EXPECT_EQ(o.count, 980u);
  EXPECT_EQ(o.size, 256u);
  EXPECT_EQ(o.image_dtype, DType::kFloat32);
  EXPECT_EQ(o.heatmap_dtype, DType::kFloat16);
  EXPECT_EQ(image_bytes(o) * o.count, 256901120u);    // 245.0 MiB ("245.3 MB")
  EXPECT_EQ(heatmap_bytes(o) * o.count, 128450560u);  // 122.5 MiB ("122.7 MB")
  EXPECT_EQ(payload_bytes(o), 256901120u + 128450560u + 980u * 4 * 2 * 4);
}

}  // namespace
}  // namespace glint::synth
