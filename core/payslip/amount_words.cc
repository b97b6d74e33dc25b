#include "core/payslip/amount_words.h"

#include <cstdint>

namespace vetan {
namespace {

const char* const kEnglishOnes[20] = {
    "Zero",    "One",     "Two",       "Three",    "Four",     "Five",    "Six",
    "Seven",   "Eight",   "Nine",      "Ten",      "Eleven",   "Twelve",  "Thirteen",
    "Fourteen", "Fifteen", "Sixteen",  "Seventeen", "Eighteen", "Nineteen"};
const char* const kEnglishTens[10] = {"",      "",      "Twenty",  "Thirty", "Forty",
                                      "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"};

// Hindi has a word of its own for every number below a hundred.
const char* const kHindiBelowHundred[100] = {
    "शून्य",   "एक",     "दो",      "तीन",     "चार",     "पाँच",    "छह",      "सात",
    "आठ",     "नौ",      "दस",      "ग्यारह",  "बारह",    "तेरह",    "चौदह",    "पंद्रह",
    "सोलह",   "सत्रह",   "अठारह",   "उन्नीस",  "बीस",     "इक्कीस",  "बाईस",    "तेईस",
    "चौबीस",  "पच्चीस",  "छब्बीस",  "सत्ताईस", "अट्ठाईस", "उनतीस",   "तीस",     "इकतीस",
    "बत्तीस", "तैंतीस",  "चौंतीस",  "पैंतीस",  "छत्तीस",  "सैंतीस",  "अड़तीस",  "उनतालीस",
    "चालीस",  "इकतालीस", "बयालीस",  "तैंतालीस", "चवालीस", "पैंतालीस", "छियालीस", "सैंतालीस",
    "अड़तालीस", "उनचास", "पचास",    "इक्यावन", "बावन",    "तिरपन",   "चौवन",    "पचपन",
    "छप्पन",  "सत्तावन", "अट्ठावन", "उनसठ",    "साठ",     "इकसठ",    "बासठ",    "तिरसठ",
    "चौंसठ",  "पैंसठ",   "छियासठ",  "सड़सठ",   "अड़सठ",   "उनहत्तर", "सत्तर",   "इकहत्तर",
    "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर", "उन्यासी",
    "अस्सी",  "इक्यासी", "बयासी",   "तिरासी",  "चौरासी",  "पचासी",   "छियासी",  "सत्तासी",
    "अट्ठासी", "नवासी",  "नब्बे",   "इक्यानवे", "बानवे",  "तिरानवे", "चौरानवे", "पचानवे",
    "छियानवे", "सत्तानवे", "अट्ठानवे", "निन्यानवे"};

struct Scale {
  uint64_t value;
  const char* english;
  const char* hindi;
};
// Largest first; below a hundred each language has its own rule.
const Scale kScales[] = {{10000000, "Crore", "करोड़"},
                         {100000, "Lakh", "लाख"},
                         {1000, "Thousand", "हज़ार"},
                         {100, "Hundred", "सौ"}};

void append_word(std::string* out, const char* word) {
  if (!out->empty()) out->push_back(' ');
  *out += word;
}

void english_below_hundred(uint64_t n, std::string* out) {
  if (n < 20) return append_word(out, kEnglishOnes[n]);
  append_word(out, kEnglishTens[n / 10]);
  if (n % 10 != 0) (*out += "-") += kEnglishOnes[n % 10];
}

// n >= 1. Each scale's count is written in words itself (crores may exceed 99).
void words_of(uint64_t n, bool hindi, std::string* out) {
  for (const Scale& scale : kScales) {
    if (n >= scale.value) {
      words_of(n / scale.value, hindi, out);
      append_word(out, hindi ? scale.hindi : scale.english);
      n %= scale.value;
    }
  }
  if (n == 0) return;
  if (hindi) {
    append_word(out, kHindiBelowHundred[n]);
  } else {
    english_below_hundred(n, out);
  }
}

uint64_t magnitude(Money amount) {
  return amount < 0 ? uint64_t(0) - uint64_t(amount) : uint64_t(amount);
}

}  // namespace

std::string rupees_in_english_words(Money amount) {
  std::string words;
  if (amount < 0) words = "Minus";
  if (amount == 0) {
    words = "Zero";
  } else {
    words_of(magnitude(amount), false, &words);
  }
  return "Rupees " + words + " Only";
}

std::string rupees_in_hindi_words(Money amount) {
  std::string words;
  if (amount < 0) words = "ऋण";
  if (amount == 0) {
    words = kHindiBelowHundred[0];
  } else {
    words_of(magnitude(amount), true, &words);
  }
  return words + " रुपये मात्र";
}

std::string indian_grouping(Money amount) {
  const std::string digits = std::to_string(magnitude(amount));
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t left = n - i;  // digits from here to the end
    if (i > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0))) out.push_back(',');
    out.push_back(digits[i]);
  }
  return amount < 0 ? "-" + out : out;
}

}  // namespace vetan
