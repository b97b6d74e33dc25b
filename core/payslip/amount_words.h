// An amount of rupees in words, as a payslip prints the net: English and Hindi, in the
// Indian numbering system (hundred, thousand, lakh = 1,00,000, crore = 1,00,00,000).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "core/common/money.h"

namespace vetan {

// "Rupees Forty-Nine Thousand Two Hundred Thirty-One Only"; 0 is "Rupees Zero Only" and a
// negative amount starts "Minus". Crores above 99 are counted in the same words
// ("One Hundred Crore").
std::string rupees_in_english_words(Money amount);

// "उनचास हज़ार दो सौ इकतीस रुपये मात्र" (UTF-8); 0 is "शून्य रुपये मात्र", a negative amount
// starts "ऋण".
std::string rupees_in_hindi_words(Money amount);

// 1,23,45,678: the digits grouped as India writes them (three, then twos).
std::string indian_grouping(Money amount);

}  // namespace vetan
