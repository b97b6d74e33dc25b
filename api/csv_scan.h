// Fast cuts of the CSV records that need no unquoting (nearly all a run writes or a master
// holds), for the passes that read files again after the loader (the next master's writer,
// the run folder's checks). A record whose first byte is surely_not_blank() and with no
// quote before its line end is cut at its commas, exactly as CsvRecordReader cuts it; any
// other record is left to CsvRecordReader. With SSE2, 16 bytes are looked at at once.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vetan {

// True iff a record starting with byte `c` cannot be blank (CsvRecordReader::blank()): its
// first field is unquoted and holds a character that trimming keeps.
inline bool surely_not_blank(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b > ' ' && b < 0x80 && c != ',' && c != '"';
}

// The number of bits set in a 16-bit mask (no popcnt instruction assumed).
inline uint32_t bits_set(uint32_t m) {
  m = m - ((m >> 1) & 0x5555u);
  m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
  m = (m + (m >> 4)) & 0x0F0Fu;
  return (m + (m >> 8)) & 0x1Fu;
}

// Cuts the record at p up to its first '"', '\r' or '\n' (or end), returned in *stop: when
// *stop is not a quote, that is the record's line end and the record needs no unquoting.
// starts[k] is where field k starts (from p) for k = 0 .. min(fields, want + 1) - 1, so
// that field k < want ends at starts[k + 1] - 1 (or at *stop, when it is the last).
// Returns how many fields the text before *stop has (1 + its commas). REQUIRES: starts has
// room for want + 2 entries; *stop - p < 4 GiB when the fields are used.
inline size_t cut_record(const char* p, const char* end, size_t want, uint32_t* starts,
                         const char** stop) {
  size_t n = 1;
  starts[0] = 0;
  const char* q = p;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'),
                lf = _mm_set1_epi8('\n');
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    uint32_t commas = uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)));
    const uint32_t stops = uint32_t(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(v, quote), _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)))));
    if (stops != 0) commas &= (stops & (0u - stops)) - 1;
    if (n > want) {
      n += bits_set(commas);
    } else {
      while (commas != 0) {
        if (n <= want) starts[n] = uint32_t(q - p) + uint32_t(__builtin_ctz(commas)) + 1;
        ++n;
        commas &= commas - 1;
      }
    }
    if (stops != 0) {
      *stop = q + __builtin_ctz(stops);
      return n;
    }
    q += 16;
  }
#endif
  for (; q < end && *q != '"' && *q != '\r' && *q != '\n'; ++q) {
    if (*q == ',') {
      if (n <= want) starts[n] = uint32_t(q - p) + 1;
      ++n;
    }
  }
  *stop = q;
  return n;
}

// The first of '"', '\r', '\n' in [p, end), or end.
inline const char* find_quote_or_line_end(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
    const uint32_t m = uint32_t(_mm_movemask_epi8(hits));
    if (m != 0) return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  while (p < end && *p != '"' && *p != '\r' && *p != '\n') ++p;
  return p;
}

// The field starts of the unquoted text [p, end) (a record without its line end, from
// find_quote_or_line_end) as cut_record gives them, but only up to field `want`: it stops
// there, so that a record's last fields, when not wanted, are not looked at. Returns how
// many starts it wrote (at most want + 1). REQUIRES: as cut_record.
inline size_t field_starts(const char* p, const char* end, size_t want, uint32_t* starts) {
  size_t n = 1;
  starts[0] = 0;
  if (n > want) return n;
  const char* q = p;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  while (end - q >= 16) {
    uint32_t m = uint32_t(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)), comma)));
    while (m != 0) {
      starts[n++] = uint32_t(q - p) + uint32_t(__builtin_ctz(m)) + 1;
      if (n > want) return n;
      m &= m - 1;
    }
    q += 16;
  }
#endif
  for (; q < end; ++q) {
    if (*q == ',') {
      starts[n++] = uint32_t(q - p) + 1;
      if (n > want) return n;
    }
  }
  return n;
}

}  // namespace vetan
