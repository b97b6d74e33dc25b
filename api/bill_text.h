// The bill fields of a run's row files, formatted once per bill (issue 13): payslips.csv
// and the deduction schedules start each line with the row's bill id, treasury_code and
// ddo_code (payslips also bill_group). Formatting them per row reads, for rows in file
// order, a bill key and its id text and two dictionary values scattered over memory that
// grows with the state (a 10M-row master has 400,000 bills): the misses made writing grow
// faster than the rows. Here each bill's text is formatted once, back to back in one
// arena, and a row's fields are one copy from it (with a prefetch a few rows ahead).
//
// A bill's text is the row's own only when the row's codes are the bill key's: two triples
// that spell one id (codes holding '/', rules §7) are one bill, and such a row's fields are
// formatted from its own codes, as before. The bytes are the same either way. When no
// treasury, DDO or bill group code holds '/', an id names one triple and every row's codes
// are its bill's: then the row's codes are not read at all.
//
// Thread-safety: immutable once built; append() and prefetch() from any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

class BillText {
 public:
  // Formats every bill of `index` for `month` ("YYYY-MM").
  BillText(const EmployeeTable& table, const TableIndex& index, std::string_view month);

  // Appends row r's "bill_id,treasury_code,ddo_code" (CSV fields), and ",bill_group" when
  // `with_group`. REQUIRES: row r is readable.
  void append(std::string* out, size_t r, bool with_group) const;

  // Start the loads append(r) will make (they change nothing): prefetch_entry(r) some rows
  // ahead, then prefetch(r) (which reads the entry) fewer rows ahead.
  void prefetch_entry(size_t r) const { __builtin_prefetch(&entries_[index_.bill_of_row[r]]); }
  void prefetch(size_t r) const;

  // True iff append(r) reads row r's codes (some code holds '/').
  bool reads_row_codes() const { return !ids_unique_; }

 private:
  struct Entry {
    uint32_t offset;  // where the bill's text starts in text_
    uint16_t mid;     // its length up to the ddo_code
    uint16_t size;    // its whole length (with ",bill_group")
    Dictionary::Code treasury_code, ddo_code, bill_group;
  };

  // The slow path: the row's own codes, formatted as they are.
  void append_own(std::string* out, size_t r, bool with_group) const;

  const EmployeeTable& table_;
  const TableIndex& index_;
  std::string month_;
  bool ids_unique_ = false;  // no code of the three holds '/'

  std::vector<Entry> entries_;  // by bill
  std::string text_;
};

}  // namespace vetan
