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
  const bool old_regime = (t.flags[r] & kOldTaxRegime) != 0;
  return DeductionInputs{t.gpf_subscription[r],    t.loan_installment[r], t.loan_balance[r],
                         t.income_tax_declared[r], t.fy_gross_to_date[r], t.fy_tds_to_date[r],
                         old_regime, old_regime ? t.chapter_via_deductions[r] : 0,
                         t.recovery_due.empty() ? 0 : t.recovery_due[r]};
}

struct RowDecision {
  Fate fate;
  uint32_t reasons;  // Reason bits
  int32_t payable_days;
};

// What rules §2 steps 0–3 and §3 found for a row that step 4 computes.
struct StartedRow {
  int64_t cell;            // pay_cell (projected)
  int32_t payable_days;    // P > 0
  int32_t service_months;  // rules §6 S, capped at 13 (service_months_left)
  // whatif.md "Projection": the row's basic was set from the matrix, so its GPF
  // subscription is re-fixed to at least the minimum of the profile being evaluated.
  bool projected;
};

// rules §2 steps 0–3 and §3 for row r: everything a month decides before any money. When
// `computable`, step 4 (finish_row) decides the rest with `row`; otherwise `decision` is
// final.
struct RowStart {
  RowDecision decision;
  bool computable;
  StartedRow row;
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
  const ProjectedRow projected = project_row(t, rules, projection, r);
  const Date retirement =
      retirement_date(t.date_of_birth[r], t.date_of_retirement[r], rules.profile->retirement_age);
  s.decision.reasons = master_data_reasons(t, index, rules, r, retirement, projected.cell,
                                           projected.basic);  // step 3
  if (s.decision.reasons != 0) return s;
  s.decision.payable_days =
      payable_days(rules, t.date_of_joining[r], retirement, projected.lwp_days);  // §3
  if (s.decision.payable_days == 0) {
    s.decision.reasons = kZeroPayableDays;
    return s;
  }
  s.computable = true;
  s.row = StartedRow{projected.cell, s.decision.payable_days,
                     service_months_left(rules, retirement), projection.active};
  return s;
}

// rules §2 step 4 and §4–§6 for a row that start_row found computable: writes the payslip
// into slip[0 .. layout.columns) and decides. REQUIRES: `rules` resolved against `t`'s
// dictionaries. With TaxMode::kWhenDecisive only the fate and
// the earnings are the payslip's (deductions.h).
inline RowDecision finish_row(const EmployeeTable& t, const MonthRules& rules,
                              const PayslipLayout& layout, const StartedRow& row, size_t r,
                              Money* slip, TaxMode mode = TaxMode::kExact) {
  PayInputs in;
  in.level = t.pay_level.codes[r];
  in.cls = t.hra_class[r];
  in.allowance_cls = allowance_class_of(t.flags[r]);
  in.matrix_basic = rules.level_matrix[in.level][row.cell - 1];
  in.suspended = EmploymentStatus(t.status[r]) == EmploymentStatus::kSuspended;
  in.npa_eligible = (t.flags[r] & kNpaEligible) != 0;
  in.govt_quarters = (t.flags[r] & kGovtQuarters) != 0;
  in.scheme = PensionScheme(t.pension_scheme[r]);
  in.payable_days = row.payable_days;
  in.exempt = rules.exempt_mask[t.exempt_deductions.codes[r]];
  in.months_left = std::min(rules.months_left, row.service_months);
  in.last_months = row.service_months <= rules.profile->gpf_no_subscription_last_months;
  in.gpf_basis = t.gpf_basis_of(r, in.matrix_basic);
  DeductionInputs d = deduction_inputs(t, r);
  if (row.projected && in.scheme == PensionScheme::kGpf) {  // whatif.md "Projection"
    d.gpf_subscription = std::max(d.gpf_subscription, gpf_minimum(rules, in.level, in.gpf_basis));
  }
  compute_earnings(in, t.special_pay[r], rules, layout, slip);
  compute_deductions(in, d, rules, layout, slip, mode);
  const uint32_t reasons = computed_reasons(in, d.gpf_subscription, slip[layout.net], rules);
  return RowDecision{reasons == 0 ? Fate::kPaid : Fate::kMismatch, reasons, row.payable_days};
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
  return finish_row(t, rules, layout, s.row, r, slip, mode);
}

}  // namespace vetan
