// Text for a bank's payment file (docs/payment.md "Names"): ISO 20022 messages exchanged
// with Indian banks (NEFT, RTGS) carry the restricted Latin set of SWIFT (the "x" set):
// a-z A-Z 0-9 / - ? : ( ) . , ' + and space. A name from the master is brought into it:
// - ASCII characters of the set pass unchanged;
// - Devanagari (U+0900-U+097F) is transliterated letter by letter (Hunterian-like: क k,
//   ख kh, श sh, ा a, ी i, ं n, the inherent a written except at the end of a word, where
//   Hindi drops it unless the last letter closes a conjunct: शर्मा Sharma, राजेश Rajesh,
//   महेंद्र Mahendra), each word starting upper case; Devanagari digits become 0-9;
// - Latin-1 letters lose their accents (é e, ß ss, Æ AE);
// - anything else (another script, '&', '_', '@', a control character, bytes that are not
//   UTF-8) is refused: the name must be corrected in the master. Credit in India is made by
//   account number, the name is for the people reading the statement, so a transliterated
//   name is safe and a whole bill is not held back for one Devanagari name.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vetan {

// Returned by to_payment_latin for bytes that are not UTF-8.
inline constexpr char32_t kNotUtf8 = 0xFFFFFFFF;

// Appends `text` brought into the payment Latin set to *out. Returns 0 when every
// character could be, else the first character that cannot (kNotUtf8 for a bad byte);
// *out then holds a partial result the caller discards.
char32_t to_payment_latin(std::string_view text, std::string* out);

// True iff every byte of `text` is in the payment Latin set.
bool is_payment_latin(std::string_view text);

// "U+0BA4" for a refused character, "a byte that is not UTF-8" for kNotUtf8.
std::string describe_character(char32_t c);

}  // namespace vetan
