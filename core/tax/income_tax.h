// Income tax: TDS on salary under Section 192 (rules §6).
//
// Amounts before the final roundings are exact rationals held as Int128 numerators over
// kTaxScale (10^12 rupee units): every percentage multiplies by at most 10^4 basis points,
// so slab tax, surcharge and cess all stay exact.
#pragma once

#include "core/common/money.h"
#include "core/profile/month_rules.h"
#include "core/common/status.h"
#include "core/profile/profile.h"
#include "core/table/employee_table.h"

namespace vetan {

inline constexpr Int128 kTaxScale = Int128(1000000000000LL);

// rules §6 step 3: the exact slab tax of an annual `taxable` income, scaled by kTaxScale.
Int128 slab_tax(const TaxRegime& regime, Money taxable);

// rules §6 step 4 (§6.1 for the old regime): the slab tax less the section 87A rebate (with
// its marginal relief in the new regime), scaled by kTaxScale.
Int128 tax_after_rebate(const TaxRegime& regime, Money taxable);

// rules §6 step 6: `before_cess` (tax and surcharge, scaled) with the cess added.
Int128 with_cess(const TaxRegime& regime, Int128 before_cess);

// rules §6 step 7: a scaled amount rounded half up to a multiple of 10 rupees.
Money round_annual_tax(Int128 scaled);

// rules §6 steps 3–5: tax after rebate (and marginal relief in the new regime), plus
// surcharge with marginal relief, for an annual `taxable` income under `regime`; scaled by
// kTaxScale. `caps[i]` must be this function's value at regime.surcharge[i].above
// (resolve_month_rules precomputes them); pass nullptr to compute them recursively.
Int128 tax_with_surcharge(const TaxRegime& regime, Money taxable, const Int128* caps);

// What rules §6 reads of a row beyond its gross.
struct TaxInputs {
  int32_t months_left;  // R = min(13 - k, S), at least 1
  Money fy_gross_to_date;
  Money fy_tds_to_date;
  Money income_tax_declared;
  bool old_regime;  // tax_regime OLD: the FY's old_regime (REQUIRES: the year has one)
  Money chapter_via_deductions;  // old regime only: deducted from the taxable income
};

// rules §6 steps 1–9: the month's income_tax deduction.
Money income_tax(const MonthRules& rules, Money gross, const TaxInputs& in);

// rules §6: fails (a profile error, the run cannot start) when a readable row of `table`
// chooses tax_regime OLD and the month's income-tax year gives no old_regime: its tax would
// otherwise be silently wrong. The message names the financial year and the first such line.
Status check_tax_regimes(const EmployeeTable& table, const MonthRules& rules);

}  // namespace vetan
