// CsvRecordReader: splits CSV bytes into records of fields, exactly as Python's csv module
// (default dialect, strict=False) does: a quote opens a quoted field only at a field's
// start; `""` inside quotes is one quote; a quote closing a field followed by other text
// keeps that text; CR, LF and CRLF end records outside quotes; an unterminated quoted field
// runs to the end of the data.
//
// Thread-safety: one reader per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vetan {

class CsvRecordReader {
 public:
  // Reads the record starting at `*position` of `data`, advancing `*position` past its line
  // end. Returns false at the end of the data. Views in fields() stay valid until the next
  // call.
  bool next(std::string_view data, size_t* position);

  const std::vector<std::string_view>& fields() const { return fields_; }

  // True iff the last record is blank (no fields, or only fields of whitespace, as
  // spreadsheets write empty rows): such lines are not records (formats.md).
  bool blank() const;
  // True iff the last record is an empty line: no fields, or one field of only whitespace.
  // The GPF files (gpf.md §2, §5) skip only these; a line of empty fields is a line there.
  bool empty_line() const { return fields_.size() <= 1 && blank(); }

 private:
  std::vector<std::string_view> fields_;
  std::vector<size_t> scratch_field_;  // fields held in scratch_: (index in fields_)
  std::vector<std::pair<size_t, size_t>> scratch_span_;
  std::string scratch_;  // unescaped quoted fields
};

// Splits the unquoted fields of a record from `p` (a field's start, not a quote) into
// *fields, as CsvRecordReader does: each ends at ',', '\r', '\n' or `end`; a quote inside
// a field is text. Stops at the first line end (returned: where it is), at `end` (returned),
// or just after a comma followed by a quote (returned: the quote, and *quote_next set).
// With SSE2 the separators of 64 bytes (16 near the end) are found at once. Exposed for tests.
const char* split_unquoted_fields(const char* p, const char* end,
                                  std::vector<std::string_view>* fields, bool* quote_next);

// Counts the records that start in [begin, limit) of `data` and are not blank (as
// CsvRecordReader::blank() says) into *records, and returns where the next record starts:
// exactly the records CsvRecordReader::next finds from `begin`, but without splitting
// fields. A record whose first byte could start a blank record (a quote, a comma,
// whitespace, a non-ASCII byte) is read by CsvRecordReader; the others are scanned 16 bytes
// at a time for quotes and line ends (a quote opens a quoted field only at a field's start,
// which is just after a comma here).
size_t count_records(std::string_view data, size_t begin, size_t limit, size_t* records);

}  // namespace vetan
