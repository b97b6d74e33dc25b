#include "api/next_master_writer.h"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <cstdint>
#include <utility>
#include <vector>

#include "api/chunked_rows.h"
#include "api/csv_chunks.h"
#include "api/csv_scan.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

using Span = std::pair<size_t, size_t>;  // [begin, end) in the file

// Where the raw bytes of the quoted field opening at data[p] end, as CsvRecordReader reads
// it: after the closing quote ("" is a quote) and any text up to the next separator, or at
// the end of the data when the quote is never closed.
size_t quoted_field_end(std::string_view data, size_t p) {
  for (++p;;) {
    const size_t q = data.find('"', p);
    if (q == std::string_view::npos) return data.size();
    p = q + 1;
    if (p < data.size() && data[p] == '"') {
      ++p;
      continue;
    }
    break;
  }
  while (p < data.size() && data[p] != ',' && data[p] != '\r' && data[p] != '\n') ++p;
  return p;
}

// The raw bytes of each field of the record starting at `start` that the reader split into
// `fields`: an unquoted field is the reader's view into the data; a quoted one (unescaped
// into the reader's own buffer) starts after the previous field's comma.
void field_spans(std::string_view data, size_t start, const std::vector<std::string_view>& fields,
                 std::vector<Span>* spans) {
  spans->clear();
  const uintptr_t first = uintptr_t(data.data());
  size_t cursor = start;
  for (std::string_view f : fields) {
    const uintptr_t at = uintptr_t(f.data());
    Span span;
    if (at >= first && at <= first + data.size()) {
      span.first = size_t(at - first);
      span.second = span.first + f.size();
    } else {
      span = Span(cursor, quoted_field_end(data, cursor));
    }
    spans->push_back(span);
    cursor = span.second + 1;
  }
}

void append_number(std::string* out, int64_t value) {
  char buffer[24];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, size_t(r.ptr - buffer));
}

// Where the close's columns stand in the file.
struct Layout {
  std::vector<std::pair<size_t, int>> present;  // (field position, CloseColumn), by position
  std::vector<int> appended;                    // changed columns the header lacks
};

// Writes records [begin, limit) of `data`, rows numbered from `row`, with the close's
// changes, to *out. A record with no quote before its line end (nearly all) is cut at its
// commas here; any other is read by CsvRecordReader, as the loader reads it.
class ChunkFormatter {
 public:
  ChunkFormatter(std::string_view data, const Layout& layout, const MonthClose& close)
      : data_(data), layout_(layout), close_(close) {
    for (const auto& present : layout.present) needed_ = std::max(needed_, present.first + 1);
    starts_.resize(needed_ + 2);
  }

  void format(size_t begin, size_t limit, size_t row, std::string* out) {
    const char* const base = data_.data();
    const char* const end = base + data_.size();
    size_t position = begin;
    size_t copy_from = begin;  // unchanged records are copied in runs
    while (position < limit) {
      const size_t start = position;
      const char* p = base + start;
      if (surely_not_blank(*p)) {
        const char* e = find_quote_or_line_end(p, end);
        if ((e == end || *e != '"') && size_t(e - p) < (size_t(1) << 32)) {
          const size_t content_end = size_t(e - base);
          position = content_end;
          if (e < end) position += (*e == '\r' && e + 1 < end && e[1] == '\n') ? 2 : 1;
          const uint8_t changed = close_.changed[row];
          if (changed != 0 || !layout_.appended.empty()) {
            out->append(base + copy_from, start - copy_from);
            const size_t found = field_starts(p, e, needed_, starts_.data());
            // Field k is [starts_[k], starts_[k + 1] - 1), the last one ends at the line end.
            size_t cursor = start;
            for (const auto& [field, column] : layout_.present) {
              if (!(changed & (1u << column)) || field >= found) continue;
              const size_t field_begin = start + starts_[field];
              const size_t field_end = field + 1 < found ? start + starts_[field + 1] - 1 : content_end;
              out->append(base + cursor, field_begin - cursor);
              append_number(out, close_.value(row, column));
              cursor = field_end;
            }
            finish(cursor, content_end, position, changed, row, out);
            copy_from = position;
          }
          ++row;
          continue;
        }
      }
      // Any other record: as the reader reads it.
      if (!reader_.next(data_, &position)) break;
      if (reader_.blank()) continue;  // copied as it is
      field_spans(data_, start, reader_.fields(), &spans_);
      const size_t content_end = spans_.empty() ? start : spans_.back().second;
      const uint8_t changed = close_.changed[row];
      if (changed != 0 || !layout_.appended.empty()) {
        out->append(base + copy_from, start - copy_from);
        size_t cursor = start;
        for (const auto& [field, column] : layout_.present) {
          if (!(changed & (1u << column)) || field >= spans_.size()) continue;
          out->append(base + cursor, spans_[field].first - cursor);
          append_number(out, close_.value(row, column));
          cursor = spans_[field].second;
        }
        finish(cursor, content_end, position, changed, row, out);
        copy_from = position;
      }
      ++row;
    }
    out->append(base + copy_from, position - copy_from);
  }

 private:
  // The rest of a changed record from `cursor`: its last fields, the columns appended, its
  // line end.
  void finish(size_t cursor, size_t content_end, size_t next, uint8_t changed, size_t row,
              std::string* out) const {
    const char* const base = data_.data();
    out->append(base + cursor, content_end - cursor);
    for (int column : layout_.appended) {
      out->push_back(',');
      if (changed & (1u << column)) append_number(out, close_.value(row, column));
    }
    out->append(base + content_end, next - content_end);
  }

  std::string_view data_;
  const Layout& layout_;
  const MonthClose& close_;
  size_t needed_ = 0;             // fields read from a record: up to the last present column
  std::vector<uint32_t> starts_;  // the field starts of the record at hand
  CsvRecordReader reader_;
  std::vector<Span> spans_;
};

}  // namespace

Status write_next_master(std::string_view data, const std::string& name, const MonthClose& close,
                         const std::function<void(std::string_view)>& sink,
                         size_t chunk_bytes) {
  // The header: the first record that is not blank, after an optional byte-order mark.
  const size_t bom = data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  CsvRecordReader reader;
  size_t header_start = bom, body = bom;
  bool found = false;
  while (!found) {
    header_start = body;
    if (!reader.next(data, &body)) break;
    found = !reader.blank();
  }
  if (!found) return Status::invalid_argument(name + ": no header");
  std::vector<Span> header_spans;
  field_spans(data, header_start, reader.fields(), &header_spans);
  Layout layout;
  for (int c = 0; c < kCloseColumnCount; ++c) {
    bool present = false;
    for (size_t i = 0; i < reader.fields().size(); ++i) {
      if (trim(reader.fields()[i]) == kCloseColumnNames[c]) {
        layout.present.emplace_back(i, c);
        present = true;
      }
    }
    if (!present && (close.columns_changed & (1u << c))) layout.appended.push_back(c);
  }
  std::sort(layout.present.begin(), layout.present.end());

  // The rows of each chunk first (the loader's count pass), so that a mismatch is refused
  // before anything is written and every chunk knows its first row.
  std::vector<size_t> starts = guess_chunk_starts(data, body, chunk_bytes);
  std::vector<size_t> rows_in(starts.size() - 1, 0);
  read_csv_chunks(&starts, [&](size_t i, size_t begin, size_t limit) {
    return count_records(data, begin, limit, &rows_in[i]);
  });
  std::vector<size_t> first_row(rows_in.size() + 1, 0);
  for (size_t i = 0; i < rows_in.size(); ++i) first_row[i + 1] = first_row[i] + rows_in[i];
  if (first_row.back() != close.rows) {
    return Status::invalid_argument(name + ": " + std::to_string(first_row.back()) +
                                    " rows, but the month was closed on " +
                                    std::to_string(close.rows));
  }

  const size_t header_end = header_spans.empty() ? header_start : header_spans.back().second;
  std::string head(data.substr(0, header_end));
  for (int column : layout.appended) head.append(",").append(kCloseColumnNames[column]);
  head.append(data.substr(header_end, body - header_end));
  sink(head);
  // Each chunk formatted on any worker into one of a ring of buffers, written in order
  // while the next ones are formatted (api/chunked_rows.h).
  ChunkBuffers buffers;
  tbb::enumerable_thread_specific<ChunkFormatter> formatters(data, std::cref(layout), std::cref(close));
  write_rows_chunked(
      &buffers, rows_in.size(), 1,
      [&](size_t i, std::string* out) {
        out->reserve(starts[i + 1] - starts[i] + (starts[i + 1] - starts[i]) / 8 + 64);
        formatters.local().format(starts[i], starts[i + 1], first_row[i], out);
      },
      sink);
  return Status();
}

}  // namespace vetan
