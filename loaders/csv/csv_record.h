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

 private:
  std::vector<std::string_view> fields_;
  std::vector<size_t> scratch_field_;  // fields held in scratch_: (index in fields_)
  std::vector<std::pair<size_t, size_t>> scratch_span_;
  std::string scratch_;  // unescaped quoted fields
};

}  // namespace vetan
