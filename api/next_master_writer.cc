#include "api/next_master_writer.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

#include "api/csv_chunks.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

constexpr size_t kWindowChunks = 16;  // chunks formatted at once: bounds the memory held
constexpr uint32_t kNotARow = uint32_t(1) << 31;  // a blank record (formats.md: not a row)
constexpr uint32_t kNoField = UINT32_MAX;         // a record shorter than the header
constexpr size_t kSampleRecords = 256;

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
  size_t stride() const { return 3 + 2 * present.size(); }
};

// One chunk's records: per record, stride() words relative to the chunk's begin: the
// record's start (kNotARow set for a blank record), the end of its last field, the next
// record's start, then the span of each present column's field.
struct Chunk {
  size_t begin = 0;
  size_t rows = 0;
  bool too_long = false;  // a record reaching 2 GiB past the chunk's begin
  std::vector<uint32_t> words;
};

size_t read_chunk(std::string_view data, const Layout& layout, size_t begin, size_t limit,
                  Chunk* chunk) {
  *chunk = Chunk();
  chunk->begin = begin;
  CsvRecordReader reader;
  std::vector<Span> spans;
  size_t position = begin;
  size_t records = 0;
  while (position < limit) {
    const size_t start = position;
    if (++records == kSampleRecords) {
      // Room for the rest of the chunk at the sample's bytes per record, so that the words
      // are not grown by doubling.
      const double scale = 1.05 * double(limit - begin) / double(std::max<size_t>(1, start - begin));
      chunk->words.reserve(size_t(double(chunk->words.size()) * scale));
    }
    if (!reader.next(data, &position)) break;
    if (position - begin >= kNotARow) {
      chunk->too_long = true;
      return position;
    }
    const bool row = !reader.blank();
    size_t content_end = position;
    if (row) {
      field_spans(data, start, reader.fields(), &spans);
      content_end = spans.empty() ? start : spans.back().second;
      ++chunk->rows;
    }
    std::vector<uint32_t>& w = chunk->words;
    w.push_back(uint32_t(start - begin) | (row ? 0 : kNotARow));
    w.push_back(uint32_t(content_end - begin));
    w.push_back(uint32_t(position - begin));
    for (const auto& [field, column] : layout.present) {
      const bool has = row && field < spans.size();
      w.push_back(has ? uint32_t(spans[field].first - begin) : kNoField);
      w.push_back(has ? uint32_t(spans[field].second - begin) : kNoField);
    }
  }
  return position;
}

// Appends chunk's records, rows numbered from `row`, with the close's changes.
void format_chunk(std::string_view data, const Layout& layout, const MonthClose& close,
                  const Chunk& chunk, size_t row, std::string* out) {
  const size_t stride = layout.stride();
  for (size_t k = 0; k * stride < chunk.words.size(); ++k) {
    const uint32_t* w = &chunk.words[k * stride];
    const size_t start = chunk.begin + (w[0] & ~kNotARow);
    const size_t content_end = chunk.begin + w[1], next = chunk.begin + w[2];
    const uint8_t changed = (w[0] & kNotARow) ? 0 : close.changed[row];
    if (!(w[0] & kNotARow)) ++row;
    if (changed == 0 && ((w[0] & kNotARow) || layout.appended.empty())) {
      out->append(data.substr(start, next - start));
      continue;
    }
    const size_t r = row - 1;
    size_t cursor = start;
    for (size_t j = 0; j < layout.present.size(); ++j) {
      const int column = layout.present[j].second;
      if (!(changed & (1u << column)) || w[3 + 2 * j] == kNoField) continue;
      const size_t field_begin = chunk.begin + w[3 + 2 * j];
      out->append(data.substr(cursor, field_begin - cursor));
      append_number(out, close.value(r, column));
      cursor = chunk.begin + w[4 + 2 * j];
    }
    out->append(data.substr(cursor, content_end - cursor));
    for (int column : layout.appended) {
      out->push_back(',');
      if (changed & (1u << column)) append_number(out, close.value(r, column));
    }
    out->append(data.substr(content_end, next - content_end));
  }
}

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

  std::vector<size_t> starts = guess_chunk_starts(data, body, chunk_bytes);
  std::vector<Chunk> chunks(starts.size() - 1);
  read_csv_chunks(&starts, [&](size_t i, size_t begin, size_t limit) {
    return read_chunk(data, layout, begin, limit, &chunks[i]);
  });
  std::vector<size_t> first_row(chunks.size() + 1, 0);
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].too_long) return Status::invalid_argument(name + ": a record of 2 GiB or more");
    first_row[i + 1] = first_row[i] + chunks[i].rows;
  }
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
  std::vector<std::string> outputs(kWindowChunks);
  for (size_t window = 0; window < chunks.size(); window += kWindowChunks) {
    const size_t n = std::min(kWindowChunks, chunks.size() - window);
    tbb::parallel_for(size_t(0), n, [&](size_t j) {
      const Chunk& chunk = chunks[window + j];
      outputs[j].clear();
      outputs[j].reserve(chunk_bytes + chunk_bytes / 8);
      format_chunk(data, layout, close, chunk, first_row[window + j], &outputs[j]);
    });
    for (size_t j = 0; j < n; ++j) sink(outputs[j]);
  }
  return Status();
}

}  // namespace vetan
