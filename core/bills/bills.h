// Bills and budget-head splits (rules §7) and the run summary (formats.md), summed from a
// run's payslip columns. Integer sums: the same totals whatever the thread count.
#pragma once

#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// Fills result->bills, result->bill_heads (in parallel over bills) and result->summary.
// REQUIRES: result's per-row columns are complete.
void compute_bills(const EmployeeTable& table, const TableIndex& index, MonthResult* result);

}  // namespace vetan
