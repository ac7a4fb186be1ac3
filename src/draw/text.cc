#include "draw/text.h"

namespace glint::draw {
namespace {

#include "draw/font_data.inc"

static_assert(kGlyphHeight == kTextHeight);

int hex(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

int text_width(std::string_view text) { return static_cast<int>(text.size()) * kGlyphWidth; }

void draw_text(Canvas& canvas, int x, int top, std::string_view text, Rgb color, Align align) {
  int left = x;
  if (align == Align::kCenter) left -= text_width(text) / 2;
  if (align == Align::kRight) left -= text_width(text);
  for (char c : text) {
    const int code = (c >= 32 && c <= 126) ? c : '?';
    const char* glyph = kGlyphs[code - 32];
    for (int y = 0; y < kGlyphHeight; ++y) {
      for (int gx = 0; gx < kGlyphWidth; ++gx) {
        const int coverage = hex(glyph[y * kGlyphWidth + gx]);
        if (coverage > 0) canvas.blend(left + gx, top + y, color, coverage / 15.0);
      }
    }
    left += kGlyphWidth;
  }
}

}  // namespace glint::draw
