// EmployeeTable: the employee master as columns (struct of arrays), one entry per row of
// the master file in file order; row r has line r + 1 (rules §1). Low-cardinality text is
// dictionary-encoded (16-bit codes while a dictionary is small), near-unique text lives in
// byte arenas, or packed into 64 bits when it has a fixed shape (PAN, IFSC, account
// numbers; odd values kept exactly beside), numbers and enumerations in plain vectors.
// Loaders (CSV, later NDJSON and PostgreSQL) fill it; core only reads it.
//
// A row is either readable (every column holds its parsed value, formats.md) or not
// (rules §2 step 0): then only employee_id and ddo_code hold the trimmed raw fields (empty
// if absent), the other columns hold zeros, and `problems` explains the row.
//
// Thread-safety: once loaded the table is immutable; any number of runs may read it at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/table/dictionary.h"
#include "core/table/int_column.h"
#include "core/table/packed_text_column.h"
#include "core/table/string_column.h"

namespace vetan {

enum class EmploymentStatus : uint8_t { kActive, kSuspended, kRetired, kDeceased, kVrs, kTerminated };
enum class PensionScheme : uint8_t { kGpf, kNps };
enum class FundType : uint8_t { kSf, kCa };
enum class HraClass : uint8_t { kX, kY, kZ };

inline constexpr int kHraClasses = 3;

// Bits of EmployeeTable::flags (the boolean columns of formats.md).
enum RowFlag : uint8_t {
  kGovtQuarters = 1 << 0,
  kNpaEligible = 1 << 1,
  kStopPayment = 1 << 2,
};

// Why a row could not be read: one text naming every offending column.
struct RowProblem {
  uint32_t row;
  std::string text;
};

struct EmployeeTable {
  size_t rows = 0;

  std::vector<uint8_t> readable;  // 1 iff the row parsed (rules §2 step 0)
  std::vector<RowProblem> problems;  // one per unreadable row, by row

  StringColumn employee_id;
  StringColumn name;
  StringColumn gpf_account;
  StringColumn pran;
  DigitsColumn bank_account;  // packed when 1 to 19 digits
  IfscColumn ifsc;            // upper-cased; packed when well-formed
  PanColumn pan;              // upper-cased; packed when well-formed

  std::vector<Date> date_of_birth;
  std::vector<Date> date_of_joining;
  std::vector<Date> date_of_retirement;  // kNoDate when not given

  std::vector<uint8_t> status;          // EmploymentStatus
  std::vector<uint8_t> fund_type;       // FundType
  std::vector<uint8_t> pension_scheme;  // PensionScheme
  std::vector<uint8_t> hra_class;       // HraClass
  std::vector<uint8_t> allowance_class; // HraClass for allowances (rules §4); hra_class when not given
  std::vector<uint8_t> flags;           // RowFlag bits
  std::vector<uint8_t> lwp_days;        // 0..31

  DictColumn treasury_code;
  DictColumn ddo_code;
  DictColumn bill_group;
  DictColumn department;
  DictColumn budget_head;
  DictColumn pay_level;
  DictColumn stop_reason;
  // rules §5: the profile deductions the row is exempt from, as a canonical set: codes
  // upper-cased, sorted, no repeats, joined by ';' ("" for none). The loader accepts only
  // codes it was told are the profile's (CsvLoadOptions::deduction_codes).
  DictColumn exempt_deductions;

  IntColumn pay_cell;
  IntColumn basic_pay;
  IntColumn gpf_subscription;
  IntColumn special_pay;
  IntColumn loan_installment;
  IntColumn loan_balance;
  IntColumn income_tax_declared;
  IntColumn fy_gross_to_date;
  IntColumn fy_tds_to_date;
  // rules §5.1: gpf_basis_pay + 1, or 0 when the row does not give it (read it with
  // gpf_basis_of()).
  IntColumn gpf_basis_pay;

  // Joins `parts` (emptied on the way) into *table in order, so that chunks loaded in
  // parallel become one table in file order; column by column, releasing each part's
  // column once copied. Dictionaries are re-coded. `column_done`, when given, is called
  // after each column (a caller may give freed memory back to the system there). Fails,
  // leaving *table untouched, when a text column would exceed StringColumn::kMaxBytes.
  static Status concatenate(std::vector<EmployeeTable>* parts, EmployeeTable* table,
                            const std::function<void()>& column_done = {});

  // Makes room for `scale` times the rows (and text bytes) held now in every column.
  void reserve(double scale);

  // Heap bytes held by the columns (capacity, not size).
  size_t memory_bytes() const;

  bool is_readable(size_t row) const { return readable[row] != 0; }

  // rules §5.1 E: the row's gpf_basis_pay when given, else `basic` (the full-month,
  // unsuspended matrix basic).
  Money gpf_basis_of(size_t row, Money basic) const {
    const int64_t stored = gpf_basis_pay[row];
    return stored != 0 ? stored - 1 : basic;
  }
};

}  // namespace vetan
