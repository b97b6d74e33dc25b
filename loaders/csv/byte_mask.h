// Which of 16 bytes are any of a few given bytes, with SSE2: the one block scan the CSV
// readers (loaders/csv/csv_record.cc) and the GPF ledger's fast line (loaders/gpf) build on.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vetan {

#if defined(__SSE2__)
// Bit i set iff p[i] is one of `Bytes` (p[0 .. 16) must be readable).
template <char... Bytes>
inline uint32_t byte_mask16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hits = (_mm_cmpeq_epi8(v, _mm_set1_epi8(Bytes)) | ...);
  return uint32_t(_mm_movemask_epi8(hits));
}
#endif

// The first of `Bytes` in [p, end), or end: 16 bytes at a time with SSE2.
template <char... Bytes>
inline const char* find_any(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    if (const uint32_t m = byte_mask16<Bytes...>(p); m != 0) return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  while (p < end && ((*p != Bytes) && ...)) ++p;
  return p;
}

}  // namespace vetan
