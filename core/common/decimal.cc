#include "core/common/decimal.h"

#include <algorithm>
#include <charconv>

namespace vetan {

DecimalError parse_scaled_decimal(std::string_view s, int places, int64_t max, int64_t* out) {
  if (!s.empty() && s[0] == '-') return DecimalError::kNegative;
  // Collect the digits and the power of ten they are scaled by.
  const size_t e_pos = std::min(s.find('e'), s.size());
  const size_t dot = s.find('.');
  int exponent = (dot < e_pos ? -int(e_pos - dot - 1) : 0) + places;
  if (e_pos < s.size()) {
    int extra = 0;
    const size_t start = e_pos + 1 + (e_pos + 1 < s.size() && s[e_pos + 1] == '+');
    std::from_chars(s.data() + start, s.data() + s.size(), extra);
    exponent += extra;
  }
  // Trailing zeros beyond the allowed places are harmless; other digits there are not.
  size_t end = e_pos;
  while (exponent < 0) {
    while (end > 0 && s[end - 1] == '.') --end;
    if (end == 0 || s[end - 1] != '0') return DecimalError::kTooManyPlaces;
    --end;
    ++exponent;
  }
  int64_t v = 0;
  for (size_t i = 0; i < end; ++i) {
    if (s[i] == '.') continue;
    v = v * 10 + (s[i] - '0');
    if (v > max) return DecimalError::kTooLarge;
  }
  for (; exponent > 0; --exponent) {
    v *= 10;
    if (v > max) return DecimalError::kTooLarge;
  }
  *out = v;
  return DecimalError::kNone;
}

std::string_view shortest_text(double value, char (&buffer)[64]) {
  auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string_view(buffer, size_t(r.ptr - buffer));
}

}  // namespace vetan
