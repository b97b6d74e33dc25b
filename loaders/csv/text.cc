#include "loaders/csv/text.h"

#include <cstdint>

namespace vetan {
namespace {

// Decodes one UTF-8 code point at s[i] (the input is already validated); advances i.
uint32_t decode(std::string_view s, size_t* i) {
  const auto b = static_cast<uint8_t>(s[*i]);
  if (b < 0x80) {
    *i += 1;
    return b;
  }
  int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  uint32_t cp = b & (0x7F >> n);
  for (int k = 1; k < n && *i + size_t(k) < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<uint8_t>(s[*i + size_t(k)]) & 0x3F);
  }
  *i += size_t(n);
  return cp;
}

bool is_unicode_space(uint32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_ascii_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

// Length in bytes of the Unicode space ending at s[end - 1], or 0.
size_t space_before(std::string_view s, size_t end) {
  if (end == 0) return 0;
  if (is_ascii_space(s[end - 1])) return 1;
  for (size_t len = 2; len <= 3 && len <= end; ++len) {
    size_t i = end - len;
    if ((static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) continue;
    const uint32_t cp = decode(s, &i);
    return i == end && is_unicode_space(cp) ? len : 0;
  }
  return 0;
}

size_t space_at(std::string_view s, size_t begin) {
  if (begin >= s.size()) return 0;
  if (is_ascii_space(s[begin])) return 1;
  if (static_cast<uint8_t>(s[begin]) < 0x80) return 0;
  size_t i = begin;
  return is_unicode_space(decode(s, &i)) ? i - begin : 0;
}

// The value of a Unicode decimal digit (category Nd), or -1.
int digit_value(uint32_t cp) {
  if (cp >= '0' && cp <= '9') return int(cp - '0');
  static const uint32_t kZeros[] = {
      0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
      0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
      0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
      0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066, 0x110F0, 0x11136,
      0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11C50,
      0x11D50, 0x11DA0, 0x16A60, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
      0x1E950, 0x10D30, 0x11950, 0x16AC0, 0x1E140, 0x1E2F0, 0x1FBF0};
  for (uint32_t zero : kZeros) {
    if (cp >= zero && cp < zero + 10) return int(cp - zero);
  }
  return -1;
}

}  // namespace

std::string_view trim_spaces(std::string_view s) {
  size_t begin = 0, end = s.size();
  while (size_t n = space_at(s, begin)) begin += n;
  while (end > begin) {
    const size_t n = space_before(s.substr(begin), end - begin);
    if (n == 0) break;
    end -= n;
  }
  return s.substr(begin, end - begin);
}

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<uint8_t>(c) >= 0x80) return false;
  }
  return true;
}

std::string_view upper_case(std::string_view s, std::string* out) {
  bool plain = true;
  for (char c : s) plain = plain && !(c >= 'a' && c <= 'z') && static_cast<uint8_t>(c) < 0x80;
  if (plain) return s;
  out->clear();
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const uint32_t cp = decode(s, &i);
    if (cp >= 'a' && cp <= 'z') {
      out->push_back(char(cp - 'a' + 'A'));
    } else if (cp == 0x00DF) {
      out->append("SS");
    } else if (cp == 0x0131) {
      out->push_back('I');
    } else if (cp == 0x017F) {
      out->push_back('S');
    } else if (cp >= 0xFB00 && cp <= 0xFB06) {
      static const char* kLigatures[] = {"FF", "FI", "FL", "FFI", "FFL", "ST", "ST"};
      out->append(kLigatures[cp - 0xFB00]);
    } else {
      out->append(s.substr(start, i - start));
    }
  }
  return *out;
}

namespace {

// The civil date of year, month, day if valid.
bool make_date(int32_t y, int32_t m, int32_t d, Date* date) {
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
  *date = days_from_civil(y, m, d);
  return true;
}

bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

// The day number of the first of every month of the years [kFirstYear, kFirstYear + 256),
// and of the month after the last: a usual date is one lookup away, its month's length the
// difference of two neighbours.
constexpr int32_t kFirstYear = 1900;
constexpr int kTableMonths = 256 * 12;
struct MonthStarts {
  Date first[kTableMonths + 1];
  constexpr MonthStarts() : first() {
    for (int i = 0; i <= kTableMonths; ++i) {
      first[i] = days_from_civil(kFirstYear + i / 12, i % 12 + 1, 1);
    }
  }
};
constexpr MonthStarts kMonthStarts;

// make_date, through the table for the years it holds.
inline bool make_date_fast(int32_t y, int32_t m, int32_t d, Date* date) {
  if (y < kFirstYear || y >= kFirstYear + 256 || m < 1 || m > 12) return make_date(y, m, d, date);
  const int i = (y - kFirstYear) * 12 + (m - 1);
  const Date first = kMonthStarts.first[i];
  if (d < 1 || d > kMonthStarts.first[i + 1] - first) return false;
  *date = first + d - 1;
  return true;
}

}  // namespace

bool parse_date(std::string_view s, Date* date) {
  // The usual spelling: ten ASCII bytes.
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && ascii_digit(s[0]) && ascii_digit(s[1]) &&
      ascii_digit(s[2]) && ascii_digit(s[3]) && ascii_digit(s[5]) && ascii_digit(s[6]) &&
      ascii_digit(s[8]) && ascii_digit(s[9])) {
    return make_date_fast((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
                     (s[5] - '0') * 10 + (s[6] - '0'), (s[8] - '0') * 10 + (s[9] - '0'), date);
  }
  int digits[8];
  int n = 0;
  size_t position = 0;  // code points read
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = decode(s, &i);
    if (position == 4 || position == 7) {
      if (cp != '-') return false;
    } else {
      const int d = digit_value(cp);
      if (d < 0 || n == 8) return false;
      digits[n++] = d;
    }
    ++position;
  }
  if (position != 10 || n != 8) return false;
  const int32_t y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  const int32_t m = digits[4] * 10 + digits[5];
  const int32_t d = digits[6] * 10 + digits[7];
  return make_date(y, m, d, date);
}

bool parse_month_text(std::string_view s, Month* month) {
  int32_t year = 0;
  size_t i = 0;
  for (int n = 0; n < 4; ++n) {
    if (i >= s.size()) return false;
    const int d = digit_value(decode(s, &i));
    if (d < 0) return false;
    year = year * 10 + d;
  }
  if (s.size() != i + 3 || s[i] != '-') return false;
  const char a = s[i + 1], b = s[i + 2];
  if (!((a == '0' && b >= '1' && b <= '9') || (a == '1' && b >= '0' && b <= '2'))) return false;
  *month = make_month(year, (a - '0') * 10 + (b - '0'));
  return true;
}

}  // namespace vetan
