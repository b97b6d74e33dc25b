#include "core/payment/latin_text.h"

#include <cstdio>

namespace vetan {
namespace {

bool in_set(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '/': case '-': case '?': case ':': case '(': case ')': case '.': case ',':
    case '\'': case '+': case ' ':
      return true;
    default:
      return false;
  }
}

// Decodes one UTF-8 character at text[*at]; kNotUtf8 for an invalid sequence.
char32_t decode(std::string_view text, size_t* at) {
  const unsigned char b = static_cast<unsigned char>(text[*at]);
  int extra = 0;
  char32_t c = 0;
  if (b < 0x80) {
    ++*at;
    return b;
  } else if ((b & 0xE0) == 0xC0) {
    extra = 1, c = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    extra = 2, c = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    extra = 3, c = b & 0x07;
  } else {
    return kNotUtf8;
  }
  if (*at + size_t(extra) >= text.size()) return kNotUtf8;
  for (int i = 1; i <= extra; ++i) {
    const unsigned char n = static_cast<unsigned char>(text[*at + size_t(i)]);
    if ((n & 0xC0) != 0x80) return kNotUtf8;
    c = (c << 6) | (n & 0x3F);
  }
  static constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
  if (c < kMinimum[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return kNotUtf8;
  *at += size_t(extra) + 1;
  return c;
}

// Devanagari consonants U+0915..U+0939 and the nukta forms U+0958..U+095F.
constexpr const char* kConsonants[] = {
    "k", "kh", "g", "gh", "n", "ch", "chh", "j", "jh", "n", "t", "th", "d", "dh", "n", "t",
    "th", "d", "dh", "n", "n", "p", "ph", "b", "bh", "m", "y", "r", "r", "l", "l", "l",
    "v", "sh", "sh", "s", "h"};
constexpr const char* kNuktaConsonants[] = {"q", "kh", "gh", "z", "r", "rh", "f", "y"};
// Independent vowels U+0904..U+0914.
constexpr const char* kVowels[] = {"e", "a", "aa", "i", "i", "u", "u", "ri", "li",
                                   "e", "e", "e", "ai", "o", "o", "o", "au"};
// Vowel signs U+093E..U+094C.
constexpr const char* kVowelSigns[] = {"a", "i", "i", "u", "u", "ri", "ri", "e",
                                       "e", "e", "ai", "o", "o", "o", "au"};

const char* consonant(char32_t c) {
  if (c >= 0x0915 && c <= 0x0939) return kConsonants[c - 0x0915];
  if (c >= 0x0958 && c <= 0x095F) return kNuktaConsonants[c - 0x0958];
  return nullptr;
}

// A Latin-1 letter without its accent (U+00C0..U+00FF), or nullptr.
const char* unaccented(char32_t c) {
  static constexpr const char* kLatin1[64] = {
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
      "D", "N", "O", "O", "O", "O", "O", nullptr, "O", "U", "U", "U", "U", "Y", "TH", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  return c >= 0xC0 && c <= 0xFF ? kLatin1[c - 0xC0] : nullptr;
}

}  // namespace

char32_t to_payment_latin(std::string_view text, std::string* out) {
  bool schwa = false;     // the last consonant still carries its inherent a
  bool conjunct = false;  // ... and it closes a conjunct (a virama before it)
  bool after_virama = false;
  bool word_start = true;
  // Writes Latin letters of Devanagari, the first of a word upper case.
  auto emit = [&](const char* latin) {
    for (const char* p = latin; *p != '\0'; ++p) {
      out->push_back(word_start && *p >= 'a' && *p <= 'z' ? char(*p - 'a' + 'A') : *p);
      word_start = false;
    }
  };
  auto end_syllable = [&](bool word_end) {
    if (schwa && (!word_end || conjunct)) emit("a");
    schwa = false;
  };
  size_t at = 0;
  while (at < text.size()) {
    const char32_t c = decode(text, &at);
    if (c == kNotUtf8) return kNotUtf8;
    if (const char* latin = consonant(c)) {
      end_syllable(false);
      conjunct = after_virama;
      after_virama = false;
      emit(latin);
      schwa = true;
      continue;
    }
    if (c >= 0x093E && c <= 0x094C) {  // a vowel sign replaces the inherent a
      schwa = false;
      after_virama = false;
      emit(kVowelSigns[c - 0x093E]);
      continue;
    }
    if (c == 0x094D) {  // virama: no vowel
      schwa = false;
      after_virama = true;
      continue;
    }
    if (c == 0x093C) continue;  // nukta: the letter as it is
    if (c >= 0x0900 && c <= 0x0903) {  // candrabindu, anusvara: n; visarga: h
      end_syllable(false);
      emit(c == 0x0903 ? "h" : "n");
      continue;
    }
    after_virama = false;
    if (c >= 0x0904 && c <= 0x0914) {
      end_syllable(false);
      emit(kVowels[c - 0x0904]);
      continue;
    }
    // Not a letter of a Devanagari word: the word, if any, ends here.
    end_syllable(true);
    if (c >= 0x0966 && c <= 0x096F) {
      out->push_back(char('0' + (c - 0x0966)));
      word_start = false;
    } else if (c == 0x0964 || c == 0x0965) {
      out->push_back('.');
      word_start = true;
    } else if (c < 0x80 && in_set(static_cast<unsigned char>(c))) {
      out->push_back(char(c));
      word_start = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    } else if (const char* plain = unaccented(c)) {
      out->append(plain);
      word_start = false;
    } else {
      return c;
    }
  }
  end_syllable(true);
  return 0;
}

bool is_payment_latin(std::string_view text) {
  for (char c : text) {
    if (!in_set(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string describe_character(char32_t c) {
  if (c == kNotUtf8) return "a byte that is not UTF-8";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", unsigned(c));
  return buffer;
}

}  // namespace vetan
