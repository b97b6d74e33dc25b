#include "core/common/civil_date.h"

#include <cstdio>

namespace vetan {

bool parse_month(std::string_view text, Month* month) {
  if (text.size() != 7 || text[4] != '-') return false;
  int32_t value[2] = {0, 0};
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return false;
    int32_t& v = value[i < 4 ? 0 : 1];
    v = v * 10 + (text[i] - '0');
  }
  if (value[1] < 1 || value[1] > 12) return false;
  *month = make_month(value[0], value[1]);
  return true;
}

std::string format_month(Month month) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d", month_year(month), month_number(month));
  return buffer;
}

std::string format_date(Date date) {
  const CivilDate c = civil_from_days(date);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buffer;
}

}  // namespace vetan
