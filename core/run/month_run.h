// The monthly run (rules §2–§7): fates, dates, earnings, deductions, income tax and bills
// for every row of a loaded table, in parallel over row chunks with TBB. The result does
// not depend on the thread count or the chunking (rules §8).
//
// Thread-safety: run_month only reads its inputs, so several runs (other months, other
// profiles) may read one table and index at once.
#pragma once

#include <string>

#include "core/common/status.h"
#include "core/profile/profile.h"
#include "core/run/month_result.h"
#include "core/run/row_kernel.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// Runs `month` over `table`, or over the table as of `month` when `projection` is active
// (whatif.md). Fails only when the profile has nothing in force for the month (a profile
// error). REQUIRES: `index` was built from `table`; `profile` outlives `*result`.
Status run_month(const EmployeeTable& table, const TableIndex& index, const Profile& profile,
                 Month month, MonthResult* result, const Projection& projection = Projection());

// The mismatch report's `detail` for a MISMATCH row (formats.md): which column, what
// value, what was expected. Slow path: call it only for the rows being reported. For the
// master as it is (a run without projection).
std::string mismatch_detail(const EmployeeTable& table, const MonthResult& result, size_t row);

}  // namespace vetan
