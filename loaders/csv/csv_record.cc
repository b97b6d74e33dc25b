#include "loaders/csv/csv_record.h"

#include <cstring>

#include "loaders/csv/text.h"

namespace vetan {
namespace {

// Position of the first of ',', '\r', '\n' at or after `p`, or `end`.
const char* field_end(const char* p, const char* end) {
  while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
  return p;
}

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
        const char* e = field_end(p, end);
        scratch_.append(p, size_t(e - p));
        p = e;
      }
      scratch_field_.push_back(fields_.size());
      scratch_span_.emplace_back(start, scratch_.size() - start);
      fields_.emplace_back();
    } else {
      const char* e = field_end(p, end);
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

bool CsvRecordReader::blank() const {
  for (std::string_view field : fields_) {
    if (!trim(field).empty()) return false;
  }
  return true;
}

}  // namespace vetan
