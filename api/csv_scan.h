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

// True iff a record starting with byte `c` cannot be blank (CsvRecordReader::blank()): its
// first field is unquoted and holds a character that trimming keeps.
inline bool surely_not_blank(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b > ' ' && b < 0x80 && c != ',' && c != '"';
}

// Cuts the unquoted text [p, end) (a record without its line end) at its commas: starts[k]
// is where field k starts (from p) for k = 0 .. min(fields, want + 1) - 1, so that field k <
// want ends at starts[k + 1] - 1 (or at end, when it is the last). Returns how many fields
// the text has (1 + its commas). REQUIRES: starts has room for want + 2 entries.
inline size_t cut_at_commas(const char* p, const char* end, size_t want, uint32_t* starts) {
  size_t n = 1;
  starts[0] = 0;
  const char* q = p;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  while (end - q >= 16) {
    uint32_t m = uint32_t(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)), comma)));
    if (n > want) {
      n += size_t(__builtin_popcount(m));
    } else {
      while (m != 0) {
        if (n <= want) starts[n] = uint32_t(q - p) + uint32_t(__builtin_ctz(m)) + 1;
        ++n;
        m &= m - 1;
      }
    }
    q += 16;
  }
#endif
  for (; q < end; ++q) {
    if (*q == ',') {
      if (n <= want) starts[n] = uint32_t(q - p) + 1;
      ++n;
    }
  }
  return n;
}

}  // namespace vetan
