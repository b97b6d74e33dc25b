// Bills of a completed run under the paid-once rule (issue 9 §2): a run's bills leave out
// the rows its month's CONFIRMED and PASSED bills already pay, and each bill's amounts are
// the sums of the payslips of exactly the rows it lists, so a bill always equals its
// payslips. A row the run pays beside a settled bill of the same id goes on a supplementary
// bill "<id>-S<run>". A difference for a settled row (an edit after its bill was confirmed)
// is not paid by a run again: it goes through the arrears path (whatif.md).
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "core/cycle/cycle_state.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan::cycle {

// The bills run `run_id` of `month` makes from its result `r` on table `t`: one per bill of
// `r` with at least one paid row that `state` does not show settled, listing those rows.
std::vector<RunBill> make_run_bills(const EmployeeTable& t, const TableIndex& index, const MonthResult& r,
                                    Month month, int64_t run_id, const CycleState& state);

// Takes out of `r`'s bill totals (bills and bill_heads) every paid row whose `billed` entry
// is 0, so they hold the sums of the rows the run's bills list. REQUIRES: billed.size() ==
// t.rows.
void restrict_bill_totals(const EmployeeTable& t, const TableIndex& index, const std::vector<uint8_t>& billed,
                          MonthResult* r);

}  // namespace vetan::cycle
