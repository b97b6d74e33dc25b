// Exact decimals from JSON numbers. A JSON number with a fraction reaches us as a double;
// its shortest round-trip text (std::to_chars) is the decimal the file wrote, which we read
// back exactly as an integer scaled by a power of ten. No float reaches an amount.
#pragma once

#include <cstdint>
#include <string_view>

namespace vetan {

enum class DecimalError { kNone, kNegative, kTooManyPlaces, kTooLarge };

// Reads `text` ("D[.DDD][e[+-]N]", as std::to_chars writes a double) as an integer scaled
// by 10^places into *out. Fails when the value is negative, has more than `places` decimal
// places, or exceeds `max` once scaled.
DecimalError parse_scaled_decimal(std::string_view text, int places, int64_t max, int64_t* out);

// The shortest text that reads back as `value` (std::to_chars). REQUIRES: buffer of 64.
std::string_view shortest_text(double value, char (&buffer)[64]);

}  // namespace vetan
