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
#include <utility>
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

// Bits of EmployeeTable::flags: the boolean columns of formats.md, what two-valued columns
// say, and the allowance class (two bits).
enum RowFlag : uint8_t {
  kGovtQuarters = 1 << 0,
  kNpaEligible = 1 << 1,
  kStopPayment = 1 << 2,
  kGpfBasisGiven = 1 << 3,     // gpf_basis_pay is given (rules §5.1)
  kOldTaxRegime = 1 << 4,      // tax_regime OLD (rules §6)
  kJanuaryIncrement = 1 << 5,  // increment_month 01 (else July)
};
inline constexpr int kAllowanceClassShift = 6;  // flags bits 6-7: the allowance class

// The row's HraClass for allowances (rules §4): allowance_class, or hra_class when empty.
inline int allowance_class_of(uint8_t flags) { return flags >> kAllowanceClassShift; }

// Why a row could not be read: one text naming every offending column.
struct RowProblem {
  uint32_t row;
  std::string text;
};

struct EmployeeTable;

// One row of an EmployeeTable, its values decoded (EmployeeTable::row): what a row holds,
// column by column, so that a row read alone (a master edit checked by the loader) can be
// put in place of a row of another table (EmployeeTable::with_rows). recovery_due is not
// part of a row (callers fill it per run).
struct EmployeeRow {
  bool readable = false;
  std::string problem;  // the RowProblem's text when not readable

  std::string employee_id, name, gpf_account, pran, bank_account, ifsc, pan;
  Date date_of_birth = 0, date_of_joining = 0, date_of_retirement = 0;
  uint8_t status = 0, fund_type = 0, pension_scheme = 0, hra_class = 0, flags = 0, lwp_days = 0;
  std::string treasury_code, ddo_code, bill_group, department, budget_head, pay_level,
      stop_reason, exempt_deductions;
  int64_t pay_cell = 0, basic_pay = 0, gpf_subscription = 0, special_pay = 0,
          loan_installment = 0, loan_balance = 0, income_tax_declared = 0,
          fy_gross_to_date = 0, fy_tds_to_date = 0, gpf_basis_pay = 0,
          chapter_via_deductions = 0;
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
  std::vector<uint8_t> flags;           // RowFlag bits and the allowance class
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

  SmallIntColumn pay_cell;
  HundredsColumn basic_pay;
  IntColumn gpf_subscription;
  IntColumn special_pay;
  IntColumn loan_installment;
  IntColumn loan_balance;
  IntColumn income_tax_declared;
  IntColumn fy_gross_to_date;
  IntColumn fy_tds_to_date;
  // rules §5.1: gpf_basis_pay when the kGpfBasisGiven flag is set, else 0 (read it with
  // gpf_basis_of()).
  HundredsColumn gpf_basis_pay;
  // rules §6 (old regime): the Chapter VI-A deductions the DDO accepted for the year.
  HundredsColumn chapter_via_deductions;
  // docs/close.md §2: each row's over-payment recoveries due this month, filled by the
  // caller from the recovery schedules (core/recovery: recovery_dues). Empty when no
  // recovery is in force: the run's payslips then have no recovery column.
  std::vector<Money> recovery_due;

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

  // Row `row`'s values. REQUIRES: row < rows.
  EmployeeRow row(size_t row) const;
  // Makes *out `base` with rows replaced: `replacements` holds (row, values), rows ascending
  // and distinct, each < base.rows. *out is then, column by column, the table a loader
  // gives for the rows in order (dictionaries coded by first appearance, packed columns'
  // side lists, problems by row), so a master with edits need not be written out and
  // parsed again. Text columns are rebuilt once; other columns are copied and the rows set;
  // the columns are built in parallel (TBB), each by one thread (the result never depends on it).
  // recovery_due is copied from `base`. Fails, leaving *out unspecified, when a text column
  // would exceed StringColumn::kMaxBytes, or on rows out of order or out of range.
  static Status with_rows(const EmployeeTable& base,
                          const std::vector<std::pair<uint32_t, const EmployeeRow*>>& replacements,
                          EmployeeTable* out);

  // rules §5.1 E: the row's gpf_basis_pay when given, else `basic` (the full-month,
  // unsuspended matrix basic).
  Money gpf_basis_of(size_t row, Money basic) const {
    return (flags[row] & kGpfBasisGiven) ? gpf_basis_pay[row] : basic;
  }
};

}  // namespace vetan
