// CRC-32C (Castagnoli), the checksum of TFRecord framing, and the "masked"
// form TensorFlow stores so that a CRC of data holding CRCs stays strong.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace glint::tblog {

// CRC-32C of `bytes` (polynomial 0x1EDC6F41, reflected; "123456789" gives
// 0xE3069283).
uint32_t crc32c(std::string_view bytes);

// TensorFlow's mask: rotate right by 15 bits, add 0xA282EAD8.
uint32_t mask_crc(uint32_t crc);

}  // namespace glint::tblog
