// MasterRecords: the employee master as the file's CSV records and the table the loader
// reads from them (parsed once), with the field changes the service accepted laid over them.
// A change is checked by parsing its row alone as the loader parses the file, so edits are
// validated exactly as the loader validates the file (formats.md), and is kept both as the
// row's fields and as the typed values that parse gave (issue 9 §1). A run's table is the
// parsed base with each changed row's values put in place (table_of): the table that
// parsing the master rewritten with every change (snapshot) gives, without writing or
// parsing it again. The CSV bytes stay for the fields of a row, the month close's next
// master and the fingerprint.
//
// Thread-safety: none; the service guards it with its state mutex. A Base and a frozen
// Changes are immutable and may be read from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/status.h"
#include "core/table/employee_table.h"

namespace vetan::serve {

class MasterRecords {
 public:
  // Reads the master CSV at `path`, finds its records (formats.md: blank lines are not
  // records) and parses it into the base table (with the deduction codes set before). Fails
  // when the file cannot be read, has no header or cannot be parsed (parse_employees_csv).
  Status load(const std::string& path);
  // As load(), from bytes in memory.
  Status load_bytes(std::string bytes, const std::string& name);
  // A month's close (issue 12 §1): the next month's master becomes the base, its changes
  // folded in (none are left); the file's name and fingerprint stay the first master's (the
  // audit store's identity). Runs of earlier months keep the base they started on (base()).
  // Fails, changing nothing, on bytes without a header, with another number of records or
  // that do not parse.
  Status rebase(std::string bytes);

  // The records changes lie over: shared, immutable, kept alive by whoever holds them.
  struct Base {
    std::string bytes;
    size_t header_end = 0;  // the header record's bytes are [0, header_end), line end included
    std::vector<std::pair<uint64_t, uint64_t>> records;  // [begin, end) of each row's bytes
    // The bytes as the loader reads them, with `deduction_codes`.
    std::shared_ptr<const EmployeeTable> table;
    std::vector<std::string> deduction_codes;
  };
  std::shared_ptr<const Base> base() const { return base_; }

  size_t rows() const { return base_->records.size(); }
  // Column names as the header gives them (trimmed).
  const std::vector<std::string>& header() const { return header_; }
  // The column's position in the header, or -1.
  int column(std::string_view name) const;

  // Row `row`'s fields (raw, untrimmed) with accepted changes applied.
  std::vector<std::string> fields(size_t row) const;
  // Replaces one field of a row. REQUIRES: the value was checked with check_row().
  void set_field(size_t row, int column, std::string value);
  bool changed(size_t row) const { return changed_.count(uint32_t(row)) != 0; }

  // The loader's verdict on a row with the given fields: the empty string when readable,
  // else its problem text ("basic_pay: 'x' is not …; lwp_days: must be 0..31").
  std::string check_row(const std::vector<std::string>& fields) const;
  // Parses one row with the given fields as the loader does, into a one-row *table.
  Status parse_row(const std::vector<std::string>& fields, EmployeeTable* table) const;

  // The profile's deduction codes, which the exempt_deductions column may name (formats.md).
  // REQUIRES: called before load() (the base table is parsed with them).
  void set_deduction_codes(std::vector<std::string> codes) { deduction_codes_ = std::move(codes); }

  // An accepted change: the row's fields, and (once frozen) the row as the loader reads them
  // with the base's deduction codes; null when it did not read as one row.
  struct Change {
    std::vector<std::string> fields;
    std::shared_ptr<const EmployeeRow> row;
    bool typed = false;  // `row` was parsed (else it is parsed when frozen)
  };
  // The accepted changes, by row.
  using Changes = std::unordered_map<uint32_t, Change>;
  const Changes& changes() const { return changed_; }
  // The accepted changes as they stand, every changed row parsed (once: the same object is
  // returned until the next change), to keep with a run's recipe beside base().
  std::shared_ptr<const Changes> frozen_changes();

  // The master with every change applied, as CSV bytes in row order.
  std::string snapshot() const;
  // The master with `changes` (an earlier changes()) applied instead.
  std::string snapshot_of(const Changes& changes) const { return snapshot_of(*base_, changes); }
  // `base` (an earlier base()) with `changes` applied.
  static std::string snapshot_of(const Base& base, const Changes& changes);
  // The table a run computes from: what parse_employees_csv(snapshot_of(base, changes)),
  // with `deduction_codes`, gives (`name` names the file in its errors). Built from
  // base.table with the changed rows' values put in place (EmployeeTable::with_rows); the
  // snapshot is written and parsed only when `deduction_codes` are not those the base was
  // read with or a change has no typed row (not frozen, or it did not read as one row).
  static Status table_of(const Base& base, const Changes& changes,
                         const std::vector<std::string>& deduction_codes, const std::string& name,
                         EmployeeTable* table);

  // SHA-256 of the file's bytes, naming it in the audit store.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  // Reads `bytes` into a base (its records and its table) and its header.
  Status index(std::string bytes, std::shared_ptr<Base>* base, std::vector<std::string>* header) const;
  // parse_row with the given deduction codes.
  Status parse_row_with(const std::vector<std::string>& fields, const std::vector<std::string>& codes,
                        EmployeeTable* table) const;
  std::shared_ptr<const Base> base_ = std::make_shared<Base>();
  std::string name_;
  std::string fingerprint_;
  std::vector<std::string> header_;
  Changes changed_;
  std::shared_ptr<const Changes> frozen_;  // frozen_changes(), until the next change
  std::vector<std::string> deduction_codes_;
};

// Encodes fields as one CSV record ending in LF, quoting a field that holds a comma, a
// quote, CR or LF.
std::string csv_record(const std::vector<std::string>& fields);

}  // namespace vetan::serve
