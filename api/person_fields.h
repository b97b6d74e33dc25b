// The columns that say who a row is (issue 12 item 6), appended after the named columns of
// payslips.csv (and the name after those of stopped.csv and mismatches.csv): formats.md
// lets new columns follow the ones it names.
#pragma once

#include <string>

#include "core/table/employee_table.h"

namespace vetan {

// payslips.csv's trailing columns, comma first: ",name,pay_level,...,pran".
inline constexpr const char kPersonColumns[] =
    ",name,pay_level,pay_cell,department,bank_account,ifsc,pan,pran";

// Appends row r's fields for kPersonColumns (each preceded by a comma) to *out. For an
// unreadable row only the (empty) name is meaningful; every field is written as the table
// holds it. No allocation beyond *out's growth.
void append_person_fields(std::string* out, const EmployeeTable& table, size_t r);

}  // namespace vetan
