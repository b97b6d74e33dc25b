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

}  // namespace

Int128 slab_tax(const TaxRegime& regime, Money taxable) {
  Int128 tax = 0;
  Money lower = 0;
  for (const TaxSlab& slab : regime.slabs) {
    const Money top = slab.up_to == kNoLimit ? taxable : std::min(taxable, slab.up_to);
    if (top > lower) tax += Int128(top - lower) * slab.percent * kPercentScale;
    if (slab.up_to == kNoLimit || taxable <= slab.up_to) break;
    lower = slab.up_to;
  }
  return tax;
}

Int128 tax_after_rebate(const TaxRegime& year, Money taxable) {
  // rules §6 step 4: the section 87A rebate.
  Int128 tax = 0;
  if (year.rebate_max != kNoLimit) {  // old regime: up to rebate_max, no marginal relief
    tax = slab_tax(year, taxable);
    if (taxable <= year.rebate_limit) {
      tax = std::max<Int128>(0, tax - Int128(year.rebate_max) * kTaxScale);
    }
  } else if (taxable > year.rebate_limit) {  // new regime: with marginal relief
    tax = std::min(slab_tax(year, taxable), Int128(taxable - year.rebate_limit) * kTaxScale);
  }
  return tax;
}

Int128 with_cess(const TaxRegime& year, Int128 before_cess) {
  return divide(before_cess * (kHundredPercent + year.cess_percent), kHundredPercent);
}

Money round_annual_tax(Int128 scaled) {
  return Money(divide(scaled + 5 * kTaxScale, int64_t(10 * kTaxScale))) * 10;
}

Int128 tax_with_surcharge(const TaxRegime& year, Money taxable, const Int128* caps) {
  const Int128 tax = tax_after_rebate(year, taxable);
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

Money income_tax(const MonthRules& rules, Money gross, const TaxInputs& in) {
  const TaxRegime& year = in.old_regime ? rules.tax->old_regime : *rules.tax;
  const Int128* caps = in.old_regime ? rules.old_surcharge_cap.data() : rules.surcharge_cap.data();
  const Money months_left = in.months_left;
  const Money fy_tds_to_date = in.fy_tds_to_date;
  const Money projected = in.fy_gross_to_date + gross * months_left;       // step 1
  const Money deductions = year.standard_deduction + (in.old_regime ? in.chapter_via_deductions : 0);
  const Money taxable = rnd10(std::max<Money>(0, projected - deductions));  // step 2
  const Int128 before_cess = tax_with_surcharge(year, taxable, caps);
  const Money annual = round_annual_tax(with_cess(year, before_cess));  // steps 6-7
  const Money due = annual - fy_tds_to_date;                                 // step 8
  const Money tds = due <= 0 ? 0 : (due + months_left - 1) / months_left;
  return std::max(tds, in.income_tax_declared);                              // step 9
}

Status check_tax_regimes(const EmployeeTable& table, const MonthRules& rules) {
  if (rules.tax == nullptr || rules.tax->has_old_regime) return Status();
  size_t count = 0, first = 0;
  for (size_t r = 0; r < table.rows; ++r) {
    if (table.readable[r] && (table.flags[r] & kOldTaxRegime)) {
      if (count++ == 0) first = r;
    }
  }
  if (count == 0) return Status();
  const Month from = rules.tax->from;
  return Status::invalid_argument(
      "profile: the income_tax entry for the financial year from " + format_month(from) +
      " has no old_regime, but " + std::to_string(count) +
      " rows of the master choose tax_regime OLD (the first on line " + std::to_string(first + 1) +
      ")");
}

}  // namespace vetan
