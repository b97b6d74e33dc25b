// What closing a month does with the over-payment recovery schedules (docs/close.md §2):
// each PAID row's `recovery` is taken from its schedules oldest first (balances fall), and
// the part over-paid in the same financial year comes off the next month's
// fy_gross_to_date (excess salary recovered in the year it was paid is not income, rules
// §6), so the next month's TDS is on the salary really due. Rows not paid recover nothing.
//
// Thread-safety: pure function over its arguments.
#pragma once

#include <vector>

#include "core/close/month_close.h"
#include "core/recovery/recovery.h"
#include "core/run/month_result.h"
#include "core/table/table_index.h"

namespace vetan {

struct RecoveryCloseCounts {
  int64_t rows = 0;     // PAID rows that recovered something
  Money recovered = 0;  // the month's recovery column, summed
  int64_t settled = 0;  // schedules whose balance reached 0 this month
};

// Updates *schedules (balances) and *close (fy_gross_to_date, its changed bits and counts)
// for `result`'s recoveries. Refuses, changing nothing, when `result` recovered from a row
// more than its schedules were due (the run was not computed with these schedules) or, for
// a run without the recovery column, when a schedule was due (the run left it out).
// REQUIRES: *close is close_month(table, result) and `index` is table's.
Status close_recoveries(const EmployeeTable& table, const TableIndex& index, const MonthResult& result,
                        std::vector<RecoverySchedule>* schedules, MonthClose* close, RecoveryCloseCounts* counts);

}  // namespace vetan
