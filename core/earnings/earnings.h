// Earnings (rules §4): each component's full-month amount, then paid in proportion to
// payable days. Inline: called once per row from the pipeline's hot loop.
#pragma once

#include <algorithm>

#include "core/common/money.h"
#include "core/profile/month_rules.h"
#include "core/run/payslip_layout.h"
#include "core/table/employee_table.h"

namespace vetan {

// What the §4–§6 kernels need of one row (already checked by rules §2 step 3).
struct PayInputs {
  Dictionary::Code level;
  int cls;  // HraClass
  int allowance_cls;  // HraClass of the row's allowance_class (rules §4)
  Money matrix_basic;  // B: the full-month, unsuspended basic of the matrix cell
  bool suspended;
  bool npa_eligible;
  bool govt_quarters;
  PensionScheme scheme;
  int32_t payable_days;  // P
  uint32_t exempt;  // rules §5: bit k set when the row is exempt from profile deduction k
  int32_t months_left;  // rules §6 R: months of pay left in the FY, this one included
  bool last_months;  // rules §5: in the last months of service without a GPF subscription
  Money gpf_basis;   // rules §5.1 E: gpf_basis_pay when given, else matrix_basic
};

// rules §4: the full-month amount of allowance `a` for a row (DA included when it applies):
// the band holding the level with the highest min_basic <= B, in the row's allowance class;
// 0 when no band does, or when the allowance is paid only to rows exempt from a deduction
// the row is not exempt from (when_exempt_from).
inline Money allowance_full(const MonthRules& rules, size_t a, const PayInputs& in) {
  const uint32_t required = rules.allowance_exempt_bit[a];
  if (required != 0 && (in.exempt & required) == 0) return 0;
  const size_t i = a * rules.levels() + in.level;
  for (uint32_t s = rules.allowance_step_begin[i]; s < rules.allowance_step_begin[i + 1]; ++s) {
    const AllowanceStep& step = rules.allowance_steps[s];
    if (step.min_basic <= in.matrix_basic) return step.amount[size_t(in.allowance_cls)];
  }
  return 0;
}

// rules §4: writes the paid earnings into slip[0 .. layout.special_pay] and returns gross.
// `slip` must hold layout.columns amounts.
inline Money compute_earnings(const PayInputs& in, Money special_pay, const MonthRules& rules,
                              const PayslipLayout& layout, Money* slip) {
  const Profile& p = *rules.profile;
  const Money b = in.matrix_basic;
  const Money basic = in.suspended ? rnd_percent(b, p.subsistence_percent) : b;
  Money npa = 0;
  if (in.npa_eligible && !in.suspended) {
    npa = rnd_percent(b, p.npa_percent);
    if (p.npa_max_basic_plus_npa != kNoLimit) {
      npa = std::max<Money>(0, std::min(npa, p.npa_max_basic_plus_npa - b));
    }
  }
  slip[PayslipLayout::kBasic] = basic;
  slip[PayslipLayout::kNpa] = npa;
  slip[PayslipLayout::kDa] = rnd_percent(basic + npa, rules.da);
  // On the full basic B, also when suspended.
  slip[PayslipLayout::kHra] =
      in.govt_quarters
          ? 0
          : std::max(rnd_percent(b, rules.hra_percent[size_t(in.cls)]), p.hra_minimum[size_t(in.cls)]);
  for (size_t a = 0; a < p.allowances.size(); ++a) {
    slip[PayslipLayout::kAllowances + a] = allowance_full(rules, a, in);
  }
  slip[layout.special_pay] = special_pay;
  // Paid amount of each component: rnd(full * P / D), which is the full amount when P = D
  // (most rows: no division then).
  Money gross = 0;
  const bool whole_month = in.payable_days == rules.days;
  for (size_t c = 0; c <= layout.special_pay; ++c) {
    if (!whole_month) slip[c] = rnd_ratio(slip[c] * in.payable_days, rules.days);
    gross += slip[c];
  }
  slip[layout.gross] = gross;
  return gross;
}

}  // namespace vetan
