// The per-row decision of the monthly run (rules §2 steps 0–4, §3–§6): a row's fate, its
// reasons and its payslip amounts. Shared by run_month and by what-if and arrears, so that
// every figure they report is the figure the monthly run would pay. Inline: it is the body
// of every pipeline's hot loop.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/deductions/deductions.h"
#include "core/earnings/earnings.h"
#include "core/fate/fate.h"

namespace vetan {

// whatif.md "Projection": the master as of a later month. Inactive: the master as it is.
struct Projection {
  bool active = false;
  bool zero_lwp = false;  // the month is not the master's own month: lwp_days = 0
  int32_t steps = 0;      // increments: the 1 Julys after the master's month, up to this one
};

// One row's pay inputs after projection: pay_cell, basic_pay and lwp_days.
struct ProjectedRow {
  int64_t cell;
  Money basic;
  int32_t lwp_days;
};

// whatif.md "Projection": a row whose level and cell are valid in the month's matrix moves
// up `steps` cells (not beyond the last) and takes that cell's amount as basic_pay.
inline ProjectedRow project_row(const EmployeeTable& t, const MonthRules& rules,
                                const Projection& projection, size_t r) {
  ProjectedRow p{t.pay_cell[r], t.basic_pay[r], t.lwp_days[r]};
  if (!projection.active) return p;
  if (projection.zero_lwp) p.lwp_days = 0;
  const Dictionary::Code level = t.pay_level.codes[r];
  const int32_t cells = rules.level_cells[level];
  if (cells >= 0 && p.cell >= 1 && p.cell <= cells) {
    p.cell = std::min<int64_t>(cells, p.cell + projection.steps);
    p.basic = rules.level_matrix[level][p.cell - 1];
  }
  return p;
}

inline DeductionInputs deduction_inputs(const EmployeeTable& t, size_t r) {
  return DeductionInputs{t.gpf_subscription[r],    t.loan_installment[r], t.loan_balance[r],
                         t.income_tax_declared[r], t.fy_gross_to_date[r], t.fy_tds_to_date[r]};
}

struct RowDecision {
  Fate fate;
  uint32_t reasons;  // Reason bits
  int32_t payable_days;
};

// rules §2 steps 0–3 and §3 for row r: everything a month decides before any money. When
// `computable`, step 4 (finish_row) decides the rest; otherwise `decision` is final.
struct RowStart {
  RowDecision decision;
  bool computable;
  ProjectedRow projected;
};

inline RowStart start_row(const EmployeeTable& t, const TableIndex& index, const MonthRules& rules,
                          const Projection& projection, size_t r) {
  RowStart s{{Fate::kMismatch, 0, 0}, false, {}};
  if (!t.readable[r]) {  // step 0
    s.decision.reasons = kInvalidRecord;
    return s;
  }
  if ((t.flags[r] & kStopPayment) && !(index.checks[r] & kDuplicateEmployeeId)) {
    s.decision.fate = Fate::kStopped;  // step 2
    return s;
  }
  s.projected = project_row(t, rules, projection, r);
  const Date retirement =
      retirement_date(t.date_of_birth[r], t.date_of_retirement[r], rules.profile->retirement_age);
  s.decision.reasons = master_data_reasons(t, index, rules, r, retirement, s.projected.cell,
                                           s.projected.basic);  // step 3
  if (s.decision.reasons != 0) return s;
  s.decision.payable_days =
      payable_days(rules, t.date_of_joining[r], retirement, s.projected.lwp_days);  // §3
  if (s.decision.payable_days == 0) {
    s.decision.reasons = kZeroPayableDays;
    return s;
  }
  s.computable = true;
  return s;
}

// rules §2 step 4 and §4–§6 for a row that start_row found computable, with pay_cell `cell`
// and `payable_days`: writes the payslip into slip[0 .. layout.columns) and decides. With
// TaxMode::kWhenDecisive only the fate and the earnings are the payslip's (deductions.h).
inline RowDecision finish_row(const EmployeeTable& t, const MonthRules& rules,
                              const PayslipLayout& layout, int64_t cell, int32_t payable_days,
                              size_t r, Money* slip, TaxMode mode = TaxMode::kExact) {
  PayInputs in;
  in.level = t.pay_level.codes[r];
  in.cls = t.hra_class[r];
  in.matrix_basic = rules.level_matrix[in.level][cell - 1];
  in.suspended = EmploymentStatus(t.status[r]) == EmploymentStatus::kSuspended;
  in.npa_eligible = (t.flags[r] & kNpaEligible) != 0;
  in.govt_quarters = (t.flags[r] & kGovtQuarters) != 0;
  in.scheme = PensionScheme(t.pension_scheme[r]);
  in.payable_days = payable_days;
  compute_earnings(in, t.special_pay[r], rules, layout, slip);
  compute_deductions(in, deduction_inputs(t, r), rules, layout, slip, mode);
  const uint32_t reasons = computed_reasons(in, t.gpf_subscription[r], slip[layout.net], rules);
  return RowDecision{reasons == 0 ? Fate::kPaid : Fate::kMismatch, reasons, payable_days};
}

// Decides row r and writes its payslip into slip[0 .. layout.columns) (zeros unless the
// row was computed). REQUIRES: `slip` holds layout.columns amounts.
inline RowDecision decide_row(const EmployeeTable& t, const TableIndex& index,
                              const MonthRules& rules, const PayslipLayout& layout,
                              const Projection& projection, size_t r, Money* slip,
                              TaxMode mode = TaxMode::kExact) {
  std::fill(slip, slip + layout.columns, 0);
  const RowStart s = start_row(t, index, rules, projection, r);
  if (!s.computable) return s.decision;
  return finish_row(t, rules, layout, s.projected.cell, s.decision.payable_days, r, slip, mode);
}

}  // namespace vetan
