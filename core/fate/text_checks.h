// The text checks of rules §2 step 3, on trimmed, upper-cased values. Pure functions over
// bytes: no allocation, safe in hot loops.
#pragma once

#include <string_view>

namespace vetan {

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }

inline bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

// INVALID_PAN: 5 letters, 4 digits, 1 letter.
inline bool is_valid_pan(std::string_view s) {
  if (s.size() != 10) return false;
  for (int i = 0; i < 5; ++i) {
    if (!is_ascii_upper(s[i])) return false;
  }
  for (int i = 5; i < 9; ++i) {
    if (!is_ascii_digit(s[i])) return false;
  }
  return is_ascii_upper(s[9]);
}

// INVALID_BANK_ACCOUNT: 9 to 18 digits.
inline bool is_valid_bank_account(std::string_view s) {
  return s.size() >= 9 && s.size() <= 18 && all_digits(s);
}

// INVALID_IFSC: 4 letters, the digit 0, then 6 letters or digits.
inline bool is_valid_ifsc(std::string_view s) {
  if (s.size() != 11) return false;
  for (int i = 0; i < 4; ++i) {
    if (!is_ascii_upper(s[i])) return false;
  }
  if (s[4] != '0') return false;
  for (int i = 5; i < 11; ++i) {
    if (!is_ascii_upper(s[i]) && !is_ascii_digit(s[i])) return false;
  }
  return true;
}

// PRAN_MISSING unless exactly 12 digits.
inline bool is_valid_pran(std::string_view s) { return s.size() == 12 && all_digits(s); }

}  // namespace vetan
