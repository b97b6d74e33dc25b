// Writes a run's files (formats.md "What a run writes") into a folder: payslips.csv,
// bills.csv, bill_heads.csv, mismatches.csv, stopped.csv and summary.json. Each file is
// written whole or not at all (a temporary name, then a rename).
#pragma once

#include <string>

#include "core/common/money.h"
#include "core/common/status.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// Creates `folder` if needed and writes the six files. Payslips are formatted in parallel.
Status write_run_outputs(const std::string& folder, const EmployeeTable& table,
                         const TableIndex& index, const MonthResult& result);

// summary.json's text.
std::string summary_json(const MonthResult& result);

// Appends the decimal digits of `value` to *out (no allocation).
void append_number(std::string* out, int64_t value);

// The decimal digits of `value` ("-12345").
std::string decimal_text(Int128 value);

// 12345678 -> "1,23,45,678" (Indian digit grouping: lakhs and crores), for summaries.
std::string rupees(Int128 value);

// Appends `value` to *out as one CSV field, quoted only when it holds a comma, a quote or a
// line break.
void append_csv_field(std::string* out, std::string_view value);

}  // namespace vetan
