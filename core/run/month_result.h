// MonthResult: everything one monthly run decided (rules §2–§8), as columns by row of the
// table it ran on, plus the bills and the summary.
//
// Thread-safety: immutable once run_month returns; read it from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/fate/fate.h"
#include "core/profile/month_rules.h"
#include "core/run/payslip_amounts.h"
#include "core/run/payslip_layout.h"

namespace vetan {

// rules §7: one bill's totals. Bill b of TableIndex::bills.
struct BillTotals {
  uint32_t bill;
  int64_t employees;
  uint32_t first_row;  // the bill's first paid row in file order: it names the bill's codes
  std::vector<Money> amounts;  // by PayslipLayout column
};

// rules §7: a bill's split by (budget_head, fund_type).
struct BillHeadTotals {
  uint32_t bill;
  Dictionary::Code budget_head;
  uint8_t fund_type;  // FundType
  int64_t employees;
  Money gross, total_deductions, net;
};

struct RunSummary {
  int64_t rows = 0, paid = 0, stopped = 0, mismatched = 0, bills = 0;
  Money gross = 0, total_deductions = 0, net = 0, employer_nps = 0;
  std::array<int64_t, kReasonCount> reasons{};  // rows per reason code
};

struct MonthResult {
  MonthRules rules;
  PayslipLayout layout;
  size_t rows = 0;

  std::vector<uint8_t> fate;          // Fate, per row
  std::vector<uint32_t> reasons;      // Reason bits, per row
  std::vector<uint8_t> payable_days;  // per row (0 unless computed)
  PayslipAmounts amounts;             // layout.columns amounts per row, 32 bits each (+ side list)

  std::vector<BillTotals> bills;          // bills with paid rows, sorted by bill id
  std::vector<BillHeadTotals> bill_heads; // sorted by bill id, budget head, fund type
  RunSummary summary;

  // The payslip amount of `column` (a PayslipLayout column) in `row`, exact.
  Money amount(size_t column, size_t row) const { return amounts.get(row, column); }
  // Row `row`'s payslip amounts by PayslipLayout column (a light view; read as Money).
  PayslipRow payslip(size_t row) const { return amounts.row(row); }
  Fate fate_of(size_t row) const { return Fate(fate[row]); }
};

}  // namespace vetan
