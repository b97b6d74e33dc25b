// Month close (issue 12): the next month's values of the master columns that closing a
// month changes, from the table the month was run on and that run's result. No I/O: the
// command (api/close_command.cc) writes them into the master's own records.
//
// What a close does, per readable row (unreadable rows change nothing):
// - PAID rows carry the month: fy_gross_to_date += gross, fy_tds_to_date += income_tax,
//   loan_balance -= loan (rules §5, §6). Rows the run did not pay carry nothing of it.
// - When the next month is an April (a new financial year, rules §6) both FY figures
//   start again from 0, for every readable row.
// - lwp_days becomes 0 (leave without pay is entered for each month).
// - Pay: a row whose level, cell and basic_pay agree with the month's matrix (rules §2
//   step 3) gets its annual increment when the next month is its increment month (July,
//   or January with increment_month 01; CCS (RP) Rules 2016 rule 10): pay_cell + 1, not
//   beyond the level's last cell in the next month's matrix; only ACTIVE rows in service
//   on the date (retirement date on or after it) who joined on or before the first day of
//   the month six months earlier (rule 10(2): appointees of 2 July to 1 January draw it on
//   1 July, of 2 January to 1 July on 1 January); suspension earns none (FR 26). Every such
//   row's basic_pay is the next month's matrix cell (a new matrix re-fixes pay). Rows whose
//   pay disagrees with the matrix keep level, cell and basic (the DDO corrects them).
// - gpf_basis_pay (rules §5.1, the emoluments on the 31 March before the FY): when the
//   next month is an April, a GPF row with consistent pay gets the month's (March's)
//   basic_pay. A GPF row without one whose basic changes during the year gets the basic it
//   had before the change, so an increment does not raise its minimum (§5.1).
// - gpf_subscription: a GPF row that met the §5.1 minimum of the month and falls below the
//   next month's minimum because of this close (its basis rose in April) is raised to it.
// - Everything else (stops, income_tax_declared, statuses) is kept: a stop is released by
//   a DDO, not by a close.
//
// Thread-safety: close_month only reads its inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"

namespace vetan {

// The master columns a close may change (formats.md names in kCloseColumnNames).
enum CloseColumn : int {
  kClosePayCell,
  kCloseBasicPay,
  kCloseGpfSubscription,
  kCloseLwpDays,
  kCloseLoanBalance,
  kCloseFyGrossToDate,
  kCloseFyTdsToDate,
  kCloseGpfBasisPay,
  kCloseColumnCount
};

inline constexpr const char* kCloseColumnNames[kCloseColumnCount] = {
    "pay_cell",      "basic_pay",        "gpf_subscription", "lwp_days",
    "loan_balance", "fy_gross_to_date", "fy_tds_to_date",   "gpf_basis_pay"};

// How many rows each kind of change touched.
struct CloseCounts {
  int64_t carried = 0;        // PAID rows whose month was carried into the FY figures
  int64_t fy_reset = 0;       // rows whose FY figures restarted at 0 (next month an April)
  int64_t increments = 0;     // rows moved up a cell
  int64_t pay_refixed = 0;    // rows whose basic_pay changed without an increment (new matrix)
  int64_t gpf_basis_set = 0;  // rows whose gpf_basis_pay was set
  int64_t gpf_raised = 0;     // GPF subscriptions raised to the next month's minimum
  int64_t loans_repaid = 0;   // loan balances that reached 0 this month
  int64_t changed_rows = 0;   // rows with any column changed
};

struct MonthClose {
  Month month = 0;  // the month closed
  Month next = 0;   // the month of the master written
  size_t rows = 0;
  // Per row: bit c set when CloseColumn c's value for the next month differs from the
  // table's (for gpf_basis_pay: or the table has none).
  std::vector<uint8_t> changed;
  // Per column, the bits of `changed` OR-ed over all rows.
  uint8_t columns_changed = 0;
  CloseCounts counts;

  // Row-major, kCloseColumnCount per row: the next month's value of each column (the
  // table's where unchanged).
  std::unique_ptr<int64_t[]> values;

  int64_t value(size_t r, int c) const { return values[r * kCloseColumnCount + size_t(c)]; }
};

// Closes `result`'s month on `table`: fills *close for the master of the next month
// (result.rules.profile's matrix and GPF rules in force then). Fails, leaving *close
// unspecified, when the profile has nothing in force for the next month (a profile error).
// REQUIRES: `result` is run_month's result for `table` without projection.
Status close_month(const EmployeeTable& table, const MonthResult& result, MonthClose* close);

// Sets row r's next-month value of column c, one of kCloseFyGrossToDate, kCloseFyTdsToDate
// and kCloseLoanBalance, keeping close->changed, columns_changed (only ever OR-ed) and
// counts.changed_rows in step. REQUIRES: *close is close_month's for `table`, r < rows.
void set_close_value(const EmployeeTable& table, size_t r, int c, int64_t value, MonthClose* close);

// Carries a payment made outside the month's run (an other-salary bill of `paid_month`) into
// *close as close_month carries a PAID row (rules §5, §6): fy_gross_to_date += gross and
// fy_tds_to_date += income_tax when `paid_month` is in the financial year of the month
// closed and the next month is not an April (the FY figures restart then); loan_balance -=
// loan, not below 0. REQUIRES: as set_close_value.
void carry_payment(const EmployeeTable& table, size_t r, Month paid_month, Money gross, Money income_tax,
                   Money loan, MonthClose* close);

}  // namespace vetan
