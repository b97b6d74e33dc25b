#include "loaders/csv/csv_record.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "loaders/csv/text.h"

namespace vetan {
namespace {

// Finds the ends of unquoted fields: the first of ',', '\r', '\n' at or after a position.
// With SSE2 it compares 16 bytes at once and keeps the block's mask, so the short fields
// of a record cost a bit scan each rather than a loop over their bytes.
class SeparatorScanner {
 public:
  explicit SeparatorScanner(const char* end) : end_(end) {}

  const char* find(const char* p) {
#if defined(__SSE2__)
    while (end_ - p >= 16) {
      if (p < block_ || p >= block_ + 16) load(p);
      const uint32_t m = mask_ & (~uint32_t(0) << (p - block_));
      if (m != 0) return block_ + __builtin_ctz(m);
      p = block_ + 16;
    }
#endif
    while (p < end_ && *p != ',' && *p != '\n' && *p != '\r') ++p;
    return p;
  }

 private:
#if defined(__SSE2__)
  void load(const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    mask_ = uint32_t(_mm_movemask_epi8(hits));
    block_ = p;
  }
  const char* block_ = nullptr;  // mask_ describes [block_, block_ + 16)
  uint32_t mask_ = 0;
#endif
  const char* end_;
};

}  // namespace

bool CsvRecordReader::next(std::string_view data, size_t* position) {
  fields_.clear();
  scratch_field_.clear();
  scratch_span_.clear();
  scratch_.clear();
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  const char* p = begin + *position;
  if (p >= end) return false;
  if (*p == '\r' || *p == '\n') {  // an empty line: a record without fields
    p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
    *position = size_t(p - begin);
    return true;
  }
  SeparatorScanner separators(end);
  while (true) {
    // START_FIELD
    if (p < end && *p == '"') {
      ++p;
      const size_t start = scratch_.size();
      bool closed = false;
      while (p < end) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', size_t(end - p)));
        if (q == nullptr) {  // unterminated: the field runs to the end of the data
          scratch_.append(p, size_t(end - p));
          p = end;
          break;
        }
        scratch_.append(p, size_t(q - p));
        p = q + 1;
        if (p < end && *p == '"') {  // "" is one quote
          scratch_.push_back('"');
          ++p;
          continue;
        }
        closed = true;
        break;
      }
      if (closed && p < end && *p != ',' && *p != '\r' && *p != '\n') {
        // Text after the closing quote stays in the field, read as unquoted text.
        const char* e = separators.find(p);
        scratch_.append(p, size_t(e - p));
        p = e;
      }
      scratch_field_.push_back(fields_.size());
      scratch_span_.emplace_back(start, scratch_.size() - start);
      fields_.emplace_back();
    } else {
      const char* e = separators.find(p);
      fields_.emplace_back(p, size_t(e - p));
      p = e;
    }
    if (p < end && *p == ',') {
      ++p;
      continue;  // a trailing comma yields one more, empty, field
    }
    if (p < end) p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
    break;
  }
  for (size_t i = 0; i < scratch_field_.size(); ++i) {
    fields_[scratch_field_[i]] =
        std::string_view(scratch_.data() + scratch_span_[i].first, scratch_span_[i].second);
  }
  *position = size_t(p - begin);
  return true;
}

namespace {

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

// True iff a record starting with byte `c` cannot be blank: its first field is unquoted and
// holds a character that trimming keeps.
inline bool surely_not_blank(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b > ' ' && b < 0x80 && c != ',' && c != '"';
}

}  // namespace

size_t count_records(std::string_view data, size_t begin, size_t limit, size_t* records) {
  const char* const base = data.data();
  const char* const end = base + data.size();
  const char* p = base + begin;
  const char* const stop = base + std::min(limit, data.size());
  size_t n = 0;
  CsvRecordReader reader;
  while (p < stop) {
    if (!surely_not_blank(*p)) {
      size_t position = size_t(p - base);
      reader.next(data, &position);
      if (!reader.blank()) ++n;
      p = base + position;
      continue;
    }
    ++n;
    // The record's first field is unquoted; scan to its line end, skipping quoted fields.
    while (true) {
      const char* q = find_quote_or_line_end(p, end);
      if (q == end) {
        p = end;
        break;
      }
      if (*q == '"') {
        if (q[-1] != ',') {  // a quote inside unquoted text is text
          p = q + 1;
          continue;
        }
        // A quoted field: up to its closing quote ("" is one quote); unterminated, it runs
        // to the end of the data.
        const char* r = q + 1;
        while (true) {
          r = static_cast<const char*>(std::memchr(r, '"', size_t(end - r)));
          if (r == nullptr) {
            r = end;
            break;
          }
          if (r + 1 < end && r[1] == '"') {
            r += 2;
            continue;
          }
          ++r;
          break;
        }
        p = r;
        continue;
      }
      p = q + ((*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1);
      break;
    }
  }
  *records = n;
  return size_t(p - base);
}

bool CsvRecordReader::blank() const {
  for (std::string_view field : fields_) {
    if (!trim(field).empty()) return false;
  }
  return true;
}

}  // namespace vetan
