#include "predict/image_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "draw/png_quiet.h"
#include "util/posix_error.h"

namespace glint::predict {
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(path + ": " + why);
}

File open_file(const std::string& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode), std::fclose);
  if (!f) fail(path, std::string("cannot open: ") + errno_text(errno));
  return f;
}

struct DecodedPng {
  int64_t width = 0;
  int64_t height = 0;
  int depth = 8;              // bits per sample after the transforms: 8 or 16
  std::vector<uint8_t> raw;   // rows, 16-bit samples in host order
  std::vector<png_bytep> rows;
};

// libpng reports errors by longjmp: everything it may skip lives in `out`,
// owned by the caller. Returns nullptr or the problem.
const char* decode_png(FILE* file, DecodedPng* out) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, draw::quiet_png_error, draw::quiet_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return "libpng could not start reading";
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return "not a readable PNG (truncated or damaged)";
  }
  png_init_io(png, file);
  png_read_info(png, info);
  const png_byte color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (color & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray_fixed(png, /*error_action=*/1, -1, -1);
  if (png_get_bit_depth(png, info) == 16) png_set_swap(png);  // PNG is big-endian
  png_read_update_info(png, info);
  out->width = png_get_image_width(png, info);
  out->height = png_get_image_height(png, info);
  out->depth = png_get_bit_depth(png, info);
  const size_t row_bytes = png_get_rowbytes(png, info);
  out->raw.resize(row_bytes * static_cast<size_t>(out->height));
  out->rows.resize(static_cast<size_t>(out->height));
  for (size_t y = 0; y < out->rows.size(); ++y) out->rows[y] = out->raw.data() + y * row_bytes;
  png_read_image(png, out->rows.data());
  png_destroy_read_struct(&png, &info, nullptr);
  return nullptr;
}

GrayImage read_png(const std::string& path) {
  File file = open_file(path, "rb");
  DecodedPng d;
  if (const char* problem = decode_png(file.get(), &d)) fail(path, problem);
  GrayImage image{d.height, d.width, std::vector<float>(static_cast<size_t>(d.width * d.height))};
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    if (d.depth == 16) {
      uint16_t v = 0;
      std::memcpy(&v, d.raw.data() + 2 * i, 2);
      image.pixels[i] = static_cast<float>(v) / 65535.0f;
    } else {
      image.pixels[i] = static_cast<float>(d.raw[i]) / 255.0f;
    }
  }
  return image;
}

// "P5 <width> <height> <maxval>" with '#' comments, one whitespace, then data.
GrayImage read_pgm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  in >> magic;
  int64_t values[3] = {0, 0, 0};
  for (int64_t& v : values) {
    while (in >> std::ws && in.peek() == '#') in.ignore(1 << 20, '\n');
    if (!(in >> v) || v <= 0) fail(path, "PGM header is not 'P5 width height maxval'");
  }
  in.get();  // the single whitespace before the pixels
  const int64_t maxval = values[2];
  if (maxval > 65535) fail(path, "PGM maxval " + std::to_string(maxval) + " is over 65535");
  GrayImage image{values[1], values[0], {}};
  const int bytes = maxval > 255 ? 2 : 1;
  std::vector<uint8_t> raw(static_cast<size_t>(image.width * image.height * bytes));
  if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()))) {
    fail(path, "PGM data ends early (" + std::to_string(in.gcount()) + " of " +
                   std::to_string(raw.size()) + " bytes)");
  }
  image.pixels.resize(static_cast<size_t>(image.width * image.height));
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = bytes == 2 ? static_cast<float>(raw[2 * i] << 8 | raw[2 * i + 1]) / 65535.0f
                                 : static_cast<float>(raw[i]) / 255.0f;
  }
  return image;
}

}  // namespace

GrayImage read_gray_image(const std::string& path) {
  unsigned char head[8] = {};
  {
    File file = open_file(path, "rb");
    if (std::fread(head, 1, sizeof head, file.get()) < 2) fail(path, "too short to be an image");
  }
  if (png_sig_cmp(head, 0, sizeof head) == 0) return read_png(path);
  if (head[0] == 'P' && head[1] == '5') return read_pgm(path);
  fail(path, "neither PNG nor binary PGM (P5); convert it to a grey PNG");
}

std::string write_gray16_png(const std::string& path, int64_t height, int64_t width,
                             const std::vector<uint16_t>& pixels) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) return "cannot create " + path + ": " + errno_text(errno);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, draw::quiet_png_error, draw::quiet_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return "libpng could not start writing " + path;
  }
  std::vector<uint8_t> row(static_cast<size_t>(width) * 2);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return "libpng failed writing " + path + " (disk full?)";
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 16,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int64_t y = 0; y < height; ++y) {
    for (int64_t x = 0; x < width; ++x) {
      const uint16_t v = pixels[static_cast<size_t>(y * width + x)];
      row[2 * x] = static_cast<uint8_t>(v >> 8);  // PNG is big-endian
      row[2 * x + 1] = static_cast<uint8_t>(v & 0xff);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return "";
}

}  // namespace glint::predict
