// Income tax: TDS on salary under Section 192 (rules §6).
//
// Amounts before the final roundings are exact rationals held as Int128 numerators over
// kTaxScale (10^12 rupee units): every percentage multiplies by at most 10^4 basis points,
// so slab tax, surcharge and cess all stay exact.
#pragma once

#include "core/common/money.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"

namespace vetan {

inline constexpr Int128 kTaxScale = Int128(1000000000000LL);

// rules §6 steps 3–5: tax after rebate and marginal relief, plus surcharge with marginal
// relief, for an annual `taxable` income; scaled by kTaxScale. `caps[i]` must be this
// function's value at year.surcharge[i].above (resolve_month_rules precomputes them);
// pass nullptr to compute them recursively.
Int128 tax_with_surcharge(const IncomeTaxYear& year, Money taxable, const Int128* caps);

// rules §6 steps 1–9: the month's income_tax deduction, for a row with `months_left`
// months of pay left in the FY (R = min(13 - k, S), at least 1).
Money income_tax(const MonthRules& rules, Money gross, int32_t months_left,
                 Money fy_gross_to_date, Money fy_tds_to_date, Money income_tax_declared);

}  // namespace vetan
