// Recovery of over-payments (issue 12 §2; the Pay Manager circular: an amount found
// over-paid for a settled month is recovered from the following payslips; docs/close.md §2).
//
// A schedule is a record of its own, not a master column: an employee may have several,
// each audited. It recovers `amount` in `instalments` monthly instalments of
// ceil(amount / instalments) (the last one smaller). On a month's payslip the row's due is
// the sum over its open schedules of min(instalment, balance); the payslip's `recovery`
// deduction (after `loan`) is min(due, net before it), so net never goes below zero and a
// recovery never makes a row NEGATIVE_NET. What a month recovers is taken from the row's
// schedules oldest first (by recovery_id); what could not be recovered stays in the balance,
// and the schedule runs longer.
//
// A waived schedule (the DDO's decision under the DoE OM of 1 April 2024 / Rafiq Masih
// (2014), with a reason) recovers nothing more.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

inline constexpr int32_t kMaxRecoveryInstalments = 120;
inline constexpr Money kMaxRecoveryAmount = 100000000000LL;  // 10^11 rupees: far above any salary

struct RecoverySchedule {
  std::string recovery_id;   // unique; orders a row's schedules (oldest first)
  std::string employee_id;
  Month month_found = 0;       // the month the over-payment was found
  Month months_over_paid = 0;  // the settled month that was over-paid
  Money amount = 0;            // over-paid, > 0
  int32_t instalments = 1;     // 1..kMaxRecoveryInstalments
  Money instalment = 0;        // ceil(amount / instalments)
  Money balance = 0;           // still to recover, 0..amount
  bool waived = false;
  std::string reason;

  // This month's due: 0 when waived or recovered, else min(instalment, balance).
  Money due() const { return waived ? 0 : std::min(instalment, balance); }
  bool open() const { return due() > 0; }
};

// ceil(amount / instalments). REQUIRES: amount >= 0, instalments >= 1.
constexpr Money recovery_instalment(Money amount, int32_t instalments) {
  return (amount + instalments - 1) / instalments;
}

// A new schedule of `amount` over `instalments`, nothing recovered yet; refuses an amount
// not in 1..kMaxRecoveryAmount or instalments not in 1..kMaxRecoveryInstalments, naming it.
Status make_recovery(std::string recovery_id, std::string employee_id, Month found, Month over_paid,
                     Money amount, int32_t instalments, std::string reason, RecoverySchedule* out);

// Checks one schedule read back from a file or an event: amount, instalments, instalment
// equal to recovery_instalment(), balance in 0..amount, ids non-empty.
Status check_recovery(const RecoverySchedule& s);

// The per-row due of `schedules` on `table` (one entry per row; 0 where none is open), for
// EmployeeTable::recovery_due. Every schedule's employee_id must name a readable row of the
// table: an unknown one is refused naming it (a recovery must never be lost silently). Rows
// sharing an employee_id (rules §2 step 1: never paid) all get the due.
Status recovery_dues(const EmployeeTable& table, const TableIndex& index,
                     const std::vector<RecoverySchedule>& schedules, std::vector<Money>* due);

// What allocate_recovered did with one payslip's recovery.
struct RecoveryAllocation {
  Money unallocated = 0;  // more than the schedules' dues (0 for a payslip of this month)
  Money same_year = 0;    // the part over-paid in the financial year of the month recovering
};

// Takes `recovered` (a payslip's recovery column for `month`) from the open schedules of
// one employee, oldest first (`schedules` in recovery_id order): each balance falls by at
// most its due. The same-year part: excess salary recovered in the financial year it was
// paid is not the employee's income (rules §6), so a close takes it off fy_gross_to_date;
// excess of an earlier year was taxed then (relief under section 89, in the return).
RecoveryAllocation allocate_recovered(Money recovered, Month month,
                                      const std::vector<RecoverySchedule*>& schedules);

// The financial year (rules §6) a month is in, as the calendar year of its April.
constexpr int32_t financial_year(Month month) {
  return month_number(month) >= 4 ? month_year(month) : month_year(month) - 1;
}

}  // namespace vetan
