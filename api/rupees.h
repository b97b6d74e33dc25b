// Amounts and percentages as a person reads them on the console (not in output files,
// which hold plain integers): Indian digit grouping, and basis points as a percentage.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/money.h"

namespace vetan {

// 12345678 -> "1,23,45,678" (Indian digit grouping: lakhs and crores).
inline std::string rupees(int64_t value) {
  const std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const size_t left = n - i - 1;
    if (left > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0))) out.push_back(',');
  }
  return (value < 0 ? "-" : "") + out;
}

// Basis points as a percentage with the decimals it needs: 5800 -> "58%", 710 -> "7.1%",
// 1234 -> "12.34%".
inline std::string percent(BasisPoints bp) {
  std::string out = std::to_string(bp / 100);
  const int64_t hundredths = bp % 100;
  if (hundredths != 0) {
    out += '.';
    out += char('0' + hundredths / 10);
    if (hundredths % 10 != 0) out += char('0' + hundredths % 10);
  }
  return out + "%";
}

}  // namespace vetan
