#include "core/tax/income_tax.h"

#include <algorithm>
#include <cstdint>

namespace vetan {
namespace {

constexpr Int128 kPercentScale = kTaxScale / kHundredPercent;  // one basis point of a rupee

// a / b for a >= 0 and b > 0, truncating: a 64-bit division when a fits (the tax of most
// incomes does), since a 128-bit one is a slow library call.
Int128 divide(Int128 a, int64_t b) {
  if (a <= Int128(INT64_MAX)) return int64_t(a) / b;
  return a / b;
}

// rules §6 step 3: exact slab tax, scaled by kTaxScale.
Int128 slab_tax(const IncomeTaxYear& year, Money taxable) {
  Int128 tax = 0;
  Money lower = 0;
  for (const TaxSlab& slab : year.slabs) {
    const Money top = slab.up_to == kNoLimit ? taxable : std::min(taxable, slab.up_to);
    if (top > lower) tax += Int128(top - lower) * slab.percent * kPercentScale;
    if (slab.up_to == kNoLimit || taxable <= slab.up_to) break;
    lower = slab.up_to;
  }
  return tax;
}

}  // namespace

Int128 tax_with_surcharge(const IncomeTaxYear& year, Money taxable, const Int128* caps) {
  // rules §6 step 4: rebate, with marginal relief.
  Int128 tax = 0;
  if (taxable > year.rebate_limit) {
    tax = std::min(slab_tax(year, taxable), Int128(taxable - year.rebate_limit) * kTaxScale);
  }
  // rules §6 step 5: the tier with the greatest `above` that taxable exceeds.
  int tier = -1;
  for (size_t i = 0; i < year.surcharge.size(); ++i) {
    if (taxable > year.surcharge[i].above) tier = int(i);
  }
  if (tier < 0) return tax;
  const SurchargeTier& s = year.surcharge[size_t(tier)];
  const Int128 total = divide(tax * (kHundredPercent + s.percent), kHundredPercent);
  const Int128 at_above =
      caps != nullptr ? caps[tier] : tax_with_surcharge(year, s.above, nullptr);
  return std::min(total, at_above + Int128(taxable - s.above) * kTaxScale);
}

Money income_tax(const MonthRules& rules, Money gross, int32_t months, Money fy_gross_to_date,
                 Money fy_tds_to_date, Money income_tax_declared) {
  const IncomeTaxYear& year = *rules.tax;
  const Money months_left = months;
  const Money projected = fy_gross_to_date + gross * months_left;          // step 1
  const Money taxable = rnd10(std::max<Money>(0, projected - year.standard_deduction));  // 2
  const Int128 before_cess = tax_with_surcharge(year, taxable, rules.surcharge_cap.data());
  const Int128 with_cess = divide(before_cess * (kHundredPercent + year.cess_percent), kHundredPercent);
  // step 7: round half up to a multiple of ten rupees.
  const Money annual = Money(divide(with_cess + 5 * kTaxScale, int64_t(10 * kTaxScale))) * 10;
  const Money due = annual - fy_tds_to_date;                                 // step 8
  const Money tds = due <= 0 ? 0 : (due + months_left - 1) / months_left;
  return std::max(tds, income_tax_declared);                                 // step 9
}

}  // namespace vetan
