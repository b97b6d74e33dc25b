#include "core/profile/month_rules.h"

#include <algorithm>

#include "core/table/employee_table.h"
#include "core/tax/income_tax.h"

namespace vetan {
namespace {

// rules §1: the entry with the greatest `from` that is <= month, or nullptr.
template <typename Entry>
const Entry* in_force(const std::vector<Entry>& list, Month month) {
  const Entry* best = nullptr;
  for (const Entry& e : list) {
    if (e.from <= month) best = &e;
  }
  return best;
}

}  // namespace

Status resolve_month_rules(const Profile& p, Month month, const Dictionary& levels,
                           const Dictionary& exempt_sets, MonthRules* rules) {
  MonthRules r;
  r.profile = &p;
  r.month = month;
  r.first = first_day(month);
  r.last = last_day(month);
  r.days = days_in(month);
  const std::string when = format_month(month);

  const PayMatrix* matrix = in_force(p.pay_matrix, month);
  if (matrix == nullptr) return Status::invalid_argument("profile: no pay_matrix in force for " + when);
  const DaRate* da = in_force(p.da, month);
  if (da == nullptr) return Status::invalid_argument("profile: no da in force for " + when);
  r.da = da->percent;
  // rules §4, hra: the tier with the greatest da_at_least <= da.
  for (const HraTier& tier : p.hra_tiers) {
    if (tier.da_at_least <= r.da) r.hra_percent = tier.percent;
  }
  // rules §6: the entry whose from is the financial year's start (an April).
  const int32_t number = month_number(month);
  const Month fy_start = make_month(month_year(month) - (number < 4 ? 1 : 0), 4);
  for (const IncomeTaxYear& year : p.income_tax) {
    if (year.from == fy_start) r.tax = &year;
  }
  if (r.tax == nullptr) {
    return Status::invalid_argument("profile: no income_tax entry for the financial year starting " +
                                    format_month(fy_start));
  }
  r.months_left = 13 - ((number - 4 + 12) % 12 + 1);
  r.service_horizon = first_day(month + 12);
  for (const SurchargeTier& tier : r.tax->surcharge) {
    r.surcharge_cap.push_back(tax_with_surcharge(*r.tax, tier.above, nullptr));
  }
  // An upper bound of the annual tax rate, in basis points rounded up: the highest slab
  // rate with the highest surcharge and the cess (TaxMode::kWhenDecisive).
  BasisPoints slab = 0, surcharge = 0;
  for (const TaxSlab& t : r.tax->slabs) slab = std::max(slab, t.percent);
  for (const SurchargeTier& t : r.tax->surcharge) surcharge = std::max(surcharge, t.percent);
  const Int128 rate = Int128(slab) * (kHundredPercent + surcharge) * (kHundredPercent + r.tax->cess_percent);
  r.tax_rate_bound = int64_t((rate + Int128(kHundredPercent) * kHundredPercent - 1) /
                             (Int128(kHundredPercent) * kHundredPercent));

  const size_t n = levels.size();
  r.level_cells.assign(n, -1);
  r.level_matrix.assign(n, nullptr);
  r.gpf_minimum_by_level.assign(n, 0);
  r.licence_fee.assign(n, 0);
  r.deduction_by_level.assign(p.deductions.size() * n, 0);
  for (Dictionary::Code code = 0; code < n; ++code) {
    const std::string_view level = levels.value(code);
    for (size_t l = 0; l < matrix->levels.size(); ++l) {
      if (matrix->levels[l] == level) {
        r.level_cells[code] = int32_t(matrix->cells[l].size());
        r.level_matrix[code] = matrix->cells[l].data();
      }
    }
    if (p.gpf_minimum_rule == GpfMinimumRule::kByLevel) {
      r.gpf_minimum_by_level[code] = level_amount(p.gpf_minimum_table, level);
    }
    r.licence_fee[code] = level_amount(p.licence_fee_by_level, level);
    for (size_t d = 0; d < p.deductions.size(); ++d) {
      if (p.deductions[d].basis == DeductionBasis::kByLevel) {
        r.deduction_by_level[d * n + code] = level_amount(p.deductions[d].by_level, level);
      }
    }
  }
  // rules §4: each allowance's bands holding each level, highest min_basic first, as
  // full-month amounts (DA included when it applies).
  r.allowance_step_begin.reserve(p.allowances.size() * n + 1);
  for (const Allowance& allowance : p.allowances) {
    for (Dictionary::Code code = 0; code < n; ++code) {
      const std::string_view level = levels.value(code);
      const size_t begin = r.allowance_steps.size();
      r.allowance_step_begin.push_back(uint32_t(begin));
      for (const AllowanceBand& band : allowance.bands) {
        if (std::find(band.levels.begin(), band.levels.end(), level) == band.levels.end()) continue;
        AllowanceStep step{band.min_basic, {}};
        for (int c = 0; c < kHraClasses; ++c) {
          const Money amount = band.amount[size_t(c)];
          step.amount[size_t(c)] = amount + (allowance.da_applies ? rnd_percent(amount, r.da) : 0);
        }
        r.allowance_steps.push_back(step);
      }
      std::sort(r.allowance_steps.begin() + long(begin), r.allowance_steps.end(),
                [](const AllowanceStep& a, const AllowanceStep& b) { return a.min_basic > b.min_basic; });
    }
  }
  r.allowance_step_begin.push_back(uint32_t(r.allowance_steps.size()));
  auto deduction_bit = [&p](std::string_view code) -> uint32_t {
    for (size_t d = 0; d < p.deductions.size(); ++d) {
      if (p.deductions[d].code == code) return 1u << d;
    }
    return 0;
  };
  for (const Allowance& allowance : p.allowances) {
    r.allowance_exempt_bit.push_back(
        allowance.when_exempt_from.empty() ? 0 : deduction_bit(allowance.when_exempt_from));
  }
  // rules §5: each exemption set of the table ("CGHS;PT") as a bit set of the profile's
  // deductions. A code the profile lacks (a what-if profile may drop a deduction) exempts
  // from nothing.
  r.exempt_mask.assign(exempt_sets.size(), 0);
  for (Dictionary::Code code = 0; code < exempt_sets.size(); ++code) {
    std::string_view set = exempt_sets.value(code);
    while (!set.empty()) {
      const size_t end = std::min(set.find(';'), set.size());
      r.exempt_mask[code] |= deduction_bit(set.substr(0, end));
      set.remove_prefix(std::min(end + 1, set.size()));
    }
  }
  *rules = std::move(r);
  return Status();
}

}  // namespace vetan
