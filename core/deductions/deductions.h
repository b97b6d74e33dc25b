// Deductions (rules §5) and the GPF minimum (§5.1). Inline: called once per row from the
// pipeline's hot loop, after compute_earnings.
#pragma once

#include <algorithm>

#include "core/earnings/earnings.h"
#include "core/tax/income_tax.h"

namespace vetan {

// Per-row amounts the deductions read from the master.
struct DeductionInputs {
  Money gpf_subscription;
  Money loan_installment;
  Money loan_balance;
  Money income_tax_declared;
  Money fy_gross_to_date;
  Money fy_tds_to_date;
  bool old_regime = false;  // rules §6: tax_regime OLD
  Money chapter_via_deductions = 0;
  Money recovery_due = 0;  // over-payment recoveries due this month (core/recovery)
};

// How compute_deductions treats income tax.
enum class TaxMode {
  kExact,         // always computed (payslips)
  // Computed only when it could make net negative (rules §2 step 4): otherwise 0, so that
  // income_tax, total_deductions and net are not the payslip's, but whether net < 0 is.
  // For what-if and arrears, which report earnings and fates only.
  kWhenDecisive,
};

// False when income tax cannot make net negative: when even an upper bound of it fits in
// `room` (net without tax). The bound: annual tax <= (projected + 5) * tax_rate_bound / 10^4
// + 16 (rules §6: taxable <= projected + 5; slab tax after rebate <= taxable * highest rate;
// surcharge and cess at most their highest rates; rnd10 adds at most 5), and
// ceil(x / R) <= room iff x <= room * R.
inline bool tax_could_decide(const MonthRules& rules, const DeductionInputs& d, Money gross,
                             Money room, int32_t months_left) {
  if (room < d.income_tax_declared) return true;
  const Money projected = d.fy_gross_to_date + gross * months_left;
  if (projected > 1000000000000LL) return true;  // keeps the product below 2^63
  const Money annual = (projected + 5) * rules.tax_rate_bound / kHundredPercent + 16;
  return annual - d.fy_tds_to_date > room * months_left;
}

// rules §5: whether the row pays its gpf_subscription this month: scheme GPF, not
// suspended, and not in the last months of service without subscription.
inline bool gpf_subscribes(const PayInputs& in) {
  return in.scheme == PensionScheme::kGpf && !in.suspended && !in.last_months;
}

// rules §5: writes the deductions, total_deductions, net and employer_nps into `slip`
// (which already holds the paid earnings and gross). REQUIRES: payable days > 0.
inline void compute_deductions(const PayInputs& in, const DeductionInputs& d,
                               const MonthRules& rules, const PayslipLayout& layout, Money* slip,
                               TaxMode mode = TaxMode::kExact) {
  const Profile& p = *rules.profile;
  const Money gross = slip[layout.gross];
  const Money nps_base = slip[PayslipLayout::kBasic] + slip[PayslipLayout::kNpa] + slip[PayslipLayout::kDa];
  const bool nps = in.scheme == PensionScheme::kNps;
  slip[layout.gpf] = gpf_subscribes(in) ? d.gpf_subscription : 0;
  slip[layout.nps] = nps ? rnd_percent(nps_base, p.nps_employee_percent) : 0;
  const size_t count = rules.deduction_count;
  const Money* by_level = rules.deduction_by_level.data() + in.level * count;
  for (size_t k = 0; k < count; ++k) {
    Money amount = by_level[k];
    const DeductionBasis basis = rules.deduction_basis[k];
    if (basis != DeductionBasis::kByLevel) {
      amount = band_amount(*rules.deduction_bands[k],
                           basis == DeductionBasis::kByGross ? gross : in.matrix_basic);
    }
    slip[layout.deductions + k] = (in.exempt >> k) & 1 ? 0 : amount;  // exempt_deductions
  }
  slip[layout.licence_fee] = in.govt_quarters ? rules.licence_fee[in.level] : 0;
  slip[layout.loan] = std::min(d.loan_installment, d.loan_balance);
  slip[layout.income_tax] = 0;
  Money total = 0;
  for (size_t c = layout.gpf; c <= layout.loan; ++c) total += slip[c];
  if (mode == TaxMode::kExact || tax_could_decide(rules, d, gross, gross - total, in.months_left)) {
    slip[layout.income_tax] = income_tax(                                      // rules §6
        rules, gross,
        TaxInputs{in.months_left, d.fy_gross_to_date, d.fy_tds_to_date, d.income_tax_declared,
                  d.old_regime, d.chapter_via_deductions});
    total += slip[layout.income_tax];
  }
  if (layout.has_recovery()) {
    // docs/close.md §2: the over-payment recovery, last and at most the net before it, so
    // net never goes below zero and never changes the row's fate (a row already negative
    // recovers nothing). Only the payslip's own figure (TaxMode::kExact) is meaningful.
    const Money room = gross - total;
    slip[layout.recovery] = mode == TaxMode::kExact && room > 0 ? std::min(d.recovery_due, room) : 0;
    total += slip[layout.recovery];
  }
  slip[layout.total_deductions] = total;
  slip[layout.net] = gross - total;
  slip[layout.employer_nps] = nps ? rnd_percent(nps_base, p.nps_employer_percent) : 0;
}

// rules §5.1: the GPF minimum subscription of a row of pay level `level` whose emoluments
// for GPF are `basis` (E: gpf_basis_pay when given, else the full-month matrix basic).
inline Money gpf_minimum(const MonthRules& rules, Dictionary::Code level, Money basis) {
  const Profile& p = *rules.profile;
  switch (p.gpf_minimum_rule) {
    case GpfMinimumRule::kByLevel:
      return rules.gpf_minimum_by_level[level];
    case GpfMinimumRule::kByBasic:
      return band_amount(p.gpf_minimum_bands, basis);
    case GpfMinimumRule::kPercentOfBasic:
      break;
  }
  return ceil_percent(basis, p.gpf_minimum_percent);
}

}  // namespace vetan
