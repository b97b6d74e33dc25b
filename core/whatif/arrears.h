// Arrears (whatif.md "vetan arrears"): for each month of a period, the monthly run on the
// master as of that month with the profile that was applied (drawn) and with the revised
// one (due); for every row PAID in both, each earning's due - drawn. Rows paid in one run
// and not the other are reported apart, never guessed.
//
// Thread-safety: run_arrears only reads its inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/fate/fate.h"
#include "core/profile/profile.h"
#include "core/run/payslip_amounts.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// One month of the period: both runs' fates and, where both paid, the differences.
struct ArrearsMonth {
  Month month = 0;
  std::vector<uint8_t> drawn_fate, due_fate;  // Fate, by row
  // Where both paid, the row's due - drawn of each ArrearsResult::column, in 32 bits with the
  // rare wider amount on a side list (core/run/payslip_amounts.h): half the memory of Money
  // cells, which at a million rows and a year of months is hundreds of megabytes. A row not
  // paid in both holds zeros.
  PayslipAmounts deltas;

  bool paid_in_both(size_t row) const {
    return Fate(drawn_fate[row]) == Fate::kPaid && Fate(due_fate[row]) == Fate::kPaid;
  }
};

// One line of arrear_bills.csv: a bill of one month (bill id "YYYY-MM/" + suffix).
struct ArrearBill {
  Month month;
  uint32_t bill;  // TableIndex::bills
  int64_t employees;
  std::vector<Money> amounts;  // by ArrearsResult::columns
};

struct ArrearsResult {
  // basic, npa, da, hra, each allowance (lower case), special_pay, gross, employer_nps.
  std::vector<std::string> columns;
  std::vector<ArrearsMonth> months;  // from..to
  std::vector<ArrearBill> bills;     // sorted by bill id

  // The differences of `row` in month `month` (indexes into `months`), read as Money.
  PayslipRow deltas(size_t month, size_t row) const { return months[month].deltas.row(row); }
};

// Runs months from..to of `table` (the master of `from`, projected without increments)
// with `drawn` and `due`. Fails (exit 2) when the two profiles' allowances differ or a
// profile has nothing in force for a month. REQUIRES: `index` was built from `table`.
Status run_arrears(const EmployeeTable& table, const TableIndex& index, const Profile& drawn,
                   const Profile& due, Month from, Month to, ArrearsResult* result);

}  // namespace vetan
