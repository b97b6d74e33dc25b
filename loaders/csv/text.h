// Text helpers for reading the master as formats.md says: trimming, case folding and
// dates, matching the reference oracle's reading of Unicode text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/civil_date.h"

namespace vetan {

// Strips surrounding whitespace: ASCII whitespace, the separators \x1c-\x1f, and the
// Unicode spaces (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000), as Python's str.strip() does.
std::string_view trim_spaces(std::string_view s);
// The usual field (ASCII, neither starting nor ending with a space) is returned in line
// (always inlined: the loader calls it for every field).
[[gnu::always_inline]] inline std::string_view trim(std::string_view s) {
  if (s.empty()) return s;
  const auto first = static_cast<unsigned char>(s.front());
  const auto last = static_cast<unsigned char>(s.back());
  if (first > ' ' && first < 0x80 && last > ' ' && last < 0x80) return s;
  return trim_spaces(s);
}

// True iff every byte is ASCII.
bool is_ascii(std::string_view s);

// Upper-cases `s` into *out as Python's str.upper() does for the characters that can turn
// into ASCII (a-z, and the sharp s, dotless i, long s and Latin ligatures); other characters are
// copied unchanged. Returns `s` itself when it is ASCII without lower-case letters.
std::string_view upper_case(std::string_view s, std::string* out);
// Text without lower-case or non-ASCII letters (the usual value) is returned in line.
[[gnu::always_inline]] inline std::string_view upper(std::string_view s, std::string* out) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) return upper_case(s, out);
  }
  return s;
}

// Parses a date YYYY-MM-DD whose digits may be any Unicode decimal digits (as the oracle's
// `\d` matches them). Returns false if it is not a valid calendar date.
bool parse_date(std::string_view s, Date* date);

// Parses a month YYYY-MM whose year digits may be any Unicode decimal digits, the month two
// ASCII digits 01..12 (the oracle's `^\d{4}-(0[1-9]|1[0-2])$`). Returns false otherwise.
bool parse_month_text(std::string_view s, Month* month);

// Parses 1 to 12 ASCII digits. Returns false otherwise.
inline bool parse_integer(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() > 12) return false;
  int64_t v = 0;
  for (char c : s) {
    const auto d = static_cast<unsigned char>(c - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

}  // namespace vetan
