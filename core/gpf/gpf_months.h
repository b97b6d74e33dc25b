// Months and financial years of the GPF ledger (gpf.md §2-§3). A Month is year * 12 +
// (month - 1), as in civil_date.h; ledger months may be as early as year 0, so the
// arithmetic here floors (an FY starts in the April on or before a month).
#pragma once

#include <string>
#include <string_view>

#include "core/common/civil_date.h"

namespace vetan {

// The year of `month` (floored for the months before year 0 an FY may reach back to).
constexpr int32_t gpf_month_year(Month month) {
  return month >= 0 ? month / 12 : -((-month + 11) / 12);
}

// gpf.md §3: the April starting the FY that holds `month`.
constexpr Month gpf_fy_start(Month month) {
  const int32_t year = gpf_month_year(month);
  return (month - year * 12 >= 3 ? year : year - 1) * 12 + 3;
}

// gpf.md §4: "2025-26" (a year and the next one's last two digits) -> that year's April.
inline bool parse_gpf_fy(std::string_view text, Month* april) {
  if (text.size() != 7 || text[4] != '-') return false;
  int year = 0, next = 0;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return false;
    int& v = i < 4 ? year : next;
    v = v * 10 + (text[i] - '0');
  }
  if ((year + 1) % 100 != next) return false;
  *april = make_month(year, 4);
  return true;
}

// "YYYY-MM" as the oracle writes a month: the year without padding ("2025-04", "-1-04").
inline std::string gpf_month_name(Month month) {
  const int32_t year = gpf_month_year(month);
  const int32_t number = month - year * 12 + 1;
  return std::to_string(year) + (number < 10 ? "-0" : "-") + std::to_string(number);
}

}  // namespace vetan
