#include "loaders/csv/csv_record.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "loaders/csv/byte_mask.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// The first of ',', '\r', '\n' in [p, end), or end (the text after a quoted field's
// closing quote, rare).
inline const char* find_separator(const char* p, const char* end) {
  while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
  return p;
}

#if defined(__SSE2__)
// Of the 16 bytes from p: bit i of *commas set iff p[i] is ',', of *stops iff p[i] is '\r',
// '\n' or '"' (a line end, or a quote, which matters only at a field's start).
inline void block_masks(const char* p, uint32_t* commas, uint32_t* stops) {
  *commas = byte_mask16<','>(p);
  *stops = byte_mask16<'"', '\n', '\r'>(p);
}

// The same for the 64 bytes from p (four blocks of 16), so that the work per block is paid
// once per 64 bytes: a master's record is about 200 bytes.
inline void block_masks(const char* p, uint64_t* commas, uint64_t* stops) {
  uint64_t c = 0, s = 0;
  for (int k = 3; k >= 0; --k) {
    uint32_t ck = 0, sk = 0;
    block_masks(p + 16 * k, &ck, &sk);
    c = (c << 16) | ck;
    s = (s << 16) | sk;
  }
  *commas = c;
  *stops = s;
}
#endif

}  // namespace

const char* split_unquoted_fields(const char* p, const char* end,
                                  std::vector<std::string_view>* fields, bool* quote_next) {
  const char* field = p;  // where the current field starts
  *quote_next = false;
#if defined(__SSE2__)
  // The separators of 64 (or, near the end, 16) bytes at once, then one bit scan per field:
  // the commas before the block's first line end or quote end fields without looking at
  // their bytes again.
  const char* block = p;
  while (end - block >= 16) {
    uint64_t commas = 0, stops = 0;  // every bit lies at or after `field`
    size_t width = 64;
    if (end - block >= 64) {
      block_masks(block, &commas, &stops);
    } else {
      uint32_t c = 0, s = 0;
      block_masks(block, &c, &s);
      commas = c;
      stops = s;
      width = 16;
    }
    while (true) {
      const uint64_t first_stop = stops & (0 - stops);  // its lowest bit, or 0
      uint64_t run = first_stop != 0 ? commas & (first_stop - 1) : commas;
      commas ^= run;
      while (run != 0) {
        const char* s = block + __builtin_ctzll(run);
        run &= run - 1;
        fields->emplace_back(field, size_t(s - field));
        field = s + 1;
      }
      if (first_stop == 0) break;
      stops ^= first_stop;
      const char* s = block + __builtin_ctzll(first_stop);
      if (*s == '"') {
        if (s == field) {  // at a field's start (never p's: the caller's quoted field)
          *quote_next = true;
          return s;
        }
        continue;  // inside unquoted text: text
      }
      fields->emplace_back(field, size_t(s - field));  // a line end
      return s;
    }
    block += width;
  }
  const char* from = block > field ? block : field;  // [field, block) has no separator
  if (from == field && field != p && field < end && *field == '"') {
    *quote_next = true;  // the field after a comma that ended the last block
    return field;
  }
#else
  const char* from = field;
#endif
  for (const char* s = from;; ++s) {
    if (s == end) {
      fields->emplace_back(field, size_t(end - field));
      return end;
    }
    const char c = *s;
    if (c == ',') {
      fields->emplace_back(field, size_t(s - field));
      field = s + 1;
      if (field < end && *field == '"') {
        *quote_next = true;
        return field;
      }
    } else if (c == '\r' || c == '\n') {
      fields->emplace_back(field, size_t(s - field));
      return s;
    }
  }
}

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
        const char* e = find_separator(p, end);
        scratch_.append(p, size_t(e - p));
        p = e;
      }
      scratch_field_.push_back(fields_.size());
      scratch_span_.emplace_back(start, scratch_.size() - start);
      fields_.emplace_back();
      if (p < end && *p == ',') {
        ++p;
        continue;  // a trailing comma yields one more, empty, field
      }
    } else {
      // Unquoted fields up to the line end, or up to a field that starts with a quote.
      bool quote_next = false;
      p = split_unquoted_fields(p, end, &fields_, &quote_next);
      if (quote_next) continue;
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
  return find_any<'"', '\r', '\n'>(p, end);
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
