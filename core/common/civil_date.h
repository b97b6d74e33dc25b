// Calendar dates as day numbers and months as month numbers (rules §1, §3).
// A Date is days since 1970-01-01 (proleptic Gregorian); a Month is year * 12 + (month - 1).
// All functions are pure and allocation-free, so hot loops may call them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vetan {

using Date = int32_t;
using Month = int32_t;

inline constexpr Date kNoDate = INT32_MIN;

struct CivilDate {
  int32_t year;
  int32_t month;  // 1..12
  int32_t day;    // 1..31
};

// Days since 1970-01-01 of a valid civil date (H. Hinnant's algorithm).
constexpr Date days_from_civil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr CivilDate civil_from_days(Date z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t d = doy - (153 * mp + 2) / 5 + 1;
  const int32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{yoe + era * 400 + (m <= 2), m, d};
}

constexpr bool is_leap_year(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int32_t days_in_month(int32_t y, int32_t m) {
  constexpr int8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

constexpr Month make_month(int32_t y, int32_t m) { return y * 12 + (m - 1); }
constexpr int32_t month_year(Month month) { return month / 12; }
constexpr int32_t month_number(Month month) { return month % 12 + 1; }
constexpr Date first_day(Month month) {
  return days_from_civil(month_year(month), month_number(month), 1);
}
constexpr Date last_day(Month month) {
  return days_from_civil(month_year(month), month_number(month),
                         days_in_month(month_year(month), month_number(month)));
}
constexpr int32_t days_in(Month month) {
  return days_in_month(month_year(month), month_number(month));
}

// Parses "YYYY-MM" (ASCII digits, month 01..12). Returns false if it is not one.
bool parse_month(std::string_view text, Month* month);

// "YYYY-MM" and "YYYY-MM-DD".
std::string format_month(Month month);
std::string format_date(Date date);

}  // namespace vetan
