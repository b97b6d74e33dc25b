// MasterRecords: the employee master as the file's CSV records, with the field changes the
// service accepted laid over them. A run's snapshot is the master rewritten with every
// change (same rows, same order, so same lines), parsed by the CSV loader like any master;
// a change is checked by parsing its row alone the same way, so edits are validated exactly
// as the loader validates the file (formats.md).
//
// Thread-safety: none; the service guards it with its state mutex.
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
  // Reads the master CSV at `path` and finds its records (formats.md: blank lines are not
  // records). Fails when the file cannot be read or has no header.
  Status load(const std::string& path);
  // As load(), from bytes in memory.
  Status load_bytes(std::string bytes, const std::string& name);
  // A month's close (issue 12 §1): the next month's master becomes the base, its changes
  // folded in (none are left); the file's name and fingerprint stay the first master's (the
  // audit store's identity). Runs of earlier months keep the base they started on (base()).
  // Fails, changing nothing, on bytes without a header or with another number of records.
  Status rebase(std::string bytes);

  // The records changes lie over: shared, immutable, kept alive by whoever holds them.
  struct Base {
    std::string bytes;
    size_t header_end = 0;  // the header record's bytes are [0, header_end), line end included
    std::vector<std::pair<uint64_t, uint64_t>> records;  // [begin, end) of each row's bytes
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
  void set_deduction_codes(std::vector<std::string> codes) { deduction_codes_ = std::move(codes); }

  // The accepted changes, by row: each changed row's fields.
  using Changes = std::unordered_map<uint32_t, std::vector<std::string>>;
  const Changes& changes() const { return changed_; }

  // The master with every change applied, as CSV bytes in row order.
  std::string snapshot() const;
  // The master with `changes` (an earlier changes()) applied instead.
  std::string snapshot_of(const Changes& changes) const { return snapshot_of(*base_, changes); }
  // `base` (an earlier base()) with `changes` applied.
  static std::string snapshot_of(const Base& base, const Changes& changes);

  // SHA-256 of the file's bytes, naming it in the audit store.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  // Reads `bytes` into a base and its header.
  static Status index(std::string bytes, const std::string& name, std::shared_ptr<Base>* base,
                      std::vector<std::string>* header);
  std::shared_ptr<const Base> base_ = std::make_shared<Base>();
  std::string name_;
  std::string fingerprint_;
  std::vector<std::string> header_;
  Changes changed_;
  std::vector<std::string> deduction_codes_;
};

// Encodes fields as one CSV record ending in LF, quoting a field that holds a comma, a
// quote, CR or LF.
std::string csv_record(const std::vector<std::string>& fields);

}  // namespace vetan::serve
