// Money and its roundings (rules §1). Money is whole rupees in int64_t; percentages are
// held exactly as basis points (hundredths of a percent), so every product is an exact
// rational and every rounding below is integer arithmetic. No float touches an amount.
//
// REQUIRES (all functions): amounts >= 0 and small enough that 2 * amount * 10000 fits in
// int64_t (amounts below 4.6e14 rupees; inputs are at most 12 digits).
#pragma once

#include <cstdint>

namespace vetan {

using Money = int64_t;
using BasisPoints = int64_t;  // 1% == 100

inline constexpr BasisPoints kHundredPercent = 10000;

// rules §1: rnd(a * p / 100), round half up.
constexpr Money rnd_percent(Money amount, BasisPoints percent) {
  return (2 * amount * percent + kHundredPercent) / (2 * kHundredPercent);
}

// rules §5.1: ceil(a * p / 100).
constexpr Money ceil_percent(Money amount, BasisPoints percent) {
  return (amount * percent + kHundredPercent - 1) / kHundredPercent;
}

// rules §4: rnd(numerator / denominator), round half up. REQUIRES: denominator > 0.
constexpr Money rnd_ratio(Money numerator, Money denominator) {
  return (2 * numerator + denominator) / (2 * denominator);
}

// rules §6: round half up to a multiple of ten rupees.
constexpr Money rnd10(Money amount) { return (amount + 5) / 10 * 10; }

}  // namespace vetan

namespace vetan {
// Exact wide arithmetic for income tax (rules §6), where products of amounts and several
// percentages outgrow 64 bits.
__extension__ typedef __int128 Int128;
}  // namespace vetan

namespace vetan {
// gpf.md §3: rnd(Σ balance(m) × rate(m) / 1200), half up, from the exact product sum
// Σ balance(m) × bp(m) (bp: the rate in hundredths of a percent):
// (2 × product + 120000) div 240000. REQUIRES: product >= 0.
constexpr Int128 rnd_gpf_interest(Int128 product_bp) { return (2 * product_bp + 120000) / 240000; }
}  // namespace vetan
