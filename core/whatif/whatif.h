// What-if costing (whatif.md "vetan whatif"): for each month of a scenario's horizon, the
// monthly run on the master as of that month, once with the baseline profile and once with
// the scenario's, summed over PAID rows by month and group. Several scenarios are evaluated
// together: the master is read once and each month's baseline is computed once for all.
//
// Thread-safety: run_whatif only reads its inputs; several may run at once on one table.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/fate/fate.h"
#include "core/run/row_kernel.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"
#include "core/whatif/scenario.h"

namespace vetan {

// The amount columns of cost.csv, in its order.
enum CostColumn {
  kBaselineEmployees,
  kScenarioEmployees,
  kBaselineGross,
  kScenarioGross,
  kBaselineEmployerNps,
  kScenarioEmployerNps,
  kDeltaCost,
};
inline constexpr int kCostColumns = 7;
inline constexpr const char* kCostColumnNames[kCostColumns] = {
    "baseline_employees",    "scenario_employees",    "baseline_gross", "scenario_gross",
    "baseline_employer_nps", "scenario_employer_nps", "delta_cost"};

using CostAmounts = std::array<int64_t, kCostColumns>;

// One line of cost.csv: a month and a group with at least one PAID row in either run.
struct CostLine {
  Month month;
  uint32_t group;  // index into WhatIfResult::group_labels
  CostAmounts amounts;
};

// How gross pay changes in the horizon's last month, over the rows PAID in both runs.
struct GrossChange {
  int64_t employees = 0, gain = 0, lose = 0, level = 0;
  Money p10 = 0, p50 = 0, p90 = 0;  // percentiles of scenario - baseline gross (nearest rank)
};

// Rows by fate, and mismatched rows by reason (rules §2), in one month's run: who is not
// costed, and why (fates.csv). A row with several reasons counts once under each.
struct FateCounts {
  int64_t paid = 0, stopped = 0, mismatched = 0;
  std::array<int64_t, kReasonCount> reasons{};  // by reason, in the order of kReasonCodes
};

// One month of a horizon: the fates of every row of the master as of the month, in the
// baseline run and in the scenario's (rows = paid + stopped + mismatched in each).
struct MonthFates {
  Month month;
  FateCounts baseline, scenario;
};

struct WhatIfResult {
  std::vector<std::vector<std::string>> group_labels;  // by group: one text per group_by column
  std::vector<CostLine> lines;                         // sorted by month, then group labels (bytes)
  CostAmounts totals{};                                // over all lines
  GrossChange last_month;
  std::vector<MonthFates> fates;                       // by month of the horizon
};

// Evaluates every scenario on `table` (the master of month `as_of`) against `baseline`.
// Fails when a profile has nothing in force for a month of a horizon. REQUIRES: `index`
// was built from `table`; each scenario was parsed with this baseline and as_of.
Status run_whatif(const EmployeeTable& table, const TableIndex& index, const Profile& baseline,
                  Month as_of, const std::vector<Scenario>& scenarios,
                  std::vector<WhatIfResult>* results);

// whatif.md "Projection": how the master of `as_of` looks in `month`.
Projection projection_for(Month as_of, Month month, bool increments);

}  // namespace vetan
