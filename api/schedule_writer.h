// The deduction schedules a treasury sends on with each bill, and totals by department
// (issue 12 item 6; docs/outputs.md): gpf_schedule.csv (for the AG), nps_contributions.csv
// (for the NPS record-keeper), tds_schedule.csv and department_totals.csv. Each file is
// written whole or not at all. The schedules list a bill's PAID rows, sorted by bill_id, then
// employee_id, so that a bill's rows are together and each schedule's sums per bill are the
// bill's (bills.csv) own column.
#pragma once

#include <string>

#include "api/bill_text.h"
#include "api/chunked_rows.h"
#include "api/file_batch.h"
#include "core/common/status.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// Writes the four files into `folder` (which must exist) as files of `batch` (the caller
// commits it, with its own files): the bill fields from `bill_text` (built for this
// table, index and month), formatted with `buffers` (reused from the caller's files).
void write_deduction_schedules(const std::string& folder, const EmployeeTable& table,
                               const TableIndex& index, const MonthResult& result,
                               const BillText& bill_text, ChunkBuffers* buffers,
                               StreamedFileBatch* batch);

}  // namespace vetan
