// Amounts and percentages as a person reads them on the console (not in output files,
// which hold plain integers): Indian digit grouping, and basis points as a percentage.
#pragma once

#include <cstdint>
#include <string>

#include "api/output_writer.h"
#include "core/common/money.h"

namespace vetan {

// rupees(): Indian digit grouping, in api/output_writer.h.

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
