// Profile: a state's pay rules as data (profile.md), parsed and validated strictly. Every
// number that differs between states or over time lives here, never in code.
//
// A Profile is a plain value: copy it and change it (what-if scenarios do), then run
// validate_profile() again before use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"

namespace vetan {

inline constexpr Money kNoLimit = -1;  // an `up_to: null` or an absent cap

using ClassAmounts = std::array<Money, 3>;          // by HraClass: X, Y, Z
using ClassPercents = std::array<BasisPoints, 3>;   // by HraClass
using LevelTable = std::vector<std::pair<std::string, Money>>;  // level name -> amount

struct PayMatrix {
  Month from;
  std::vector<std::string> levels;       // level names, in profile order
  std::vector<std::vector<Money>> cells;  // cells[level][cell - 1], strictly increasing
};

struct DaRate {
  Month from;
  BasisPoints percent;
};

struct HraTier {
  BasisPoints da_at_least;
  ClassPercents percent;
};

struct AllowanceBand {
  std::vector<std::string> levels;
  Money min_basic = 0;  // rules §4: the band applies from this full-month basic on
  ClassAmounts amount;
};

struct Allowance {
  std::string code;
  bool da_applies = false;
  // rules §4: when set, paid only to rows exempt from this deduction (the fixed medical
  // allowance outside CGHS cities); empty: paid to every row of a band.
  std::string when_exempt_from;
  std::vector<AllowanceBand> bands;
};

// A slab of an amount (up_to bands of profile.md): the first band whose up_to is
// kNoLimit or >= the amount gives `amount`.
struct AmountBand {
  Money up_to;  // kNoLimit for the last band
  Money amount;
};

// rules §5: what a profile deduction is computed from.
enum class DeductionBasis : uint8_t {
  kByLevel,  // the table's amount for the pay level
  kByGross,  // slabs of the paid gross
  kByBasic,  // slabs of the full-month matrix basic B
};

struct Deduction {
  std::string code;
  DeductionBasis basis = DeductionBasis::kByLevel;
  LevelTable by_level;              // kByLevel
  std::vector<AmountBand> bands;    // kByGross, kByBasic
};

// rules §5.1: how the GPF minimum subscription is fixed.
enum class GpfMinimumRule : uint8_t { kPercentOfBasic, kByLevel, kByBasic };

// gpf.md §1: the GPF interest rate in force from a month.
struct GpfInterestRate {
  Month from;
  BasisPoints percent;
};

struct TaxSlab {
  Money up_to;  // kNoLimit for the last slab
  BasisPoints percent;
};

struct SurchargeTier {
  Money above;
  BasisPoints percent;
};

struct IncomeTaxYear {
  Month from;  // an April: the financial year's start
  Money standard_deduction;
  std::vector<TaxSlab> slabs;
  Money rebate_limit;
  std::vector<SurchargeTier> surcharge;
  BasisPoints cess_percent;
};

struct Calendar {
  std::array<int32_t, 2> master_edit, employee_proposals, ddo_approval, auto_run;
  int32_t stop_payment_until, other_salary_from;
};

struct Profile {
  std::string name;
  std::string description;
  int64_t retirement_age = 60;
  BasisPoints subsistence_percent = 0;
  std::vector<PayMatrix> pay_matrix;
  std::vector<DaRate> da;
  std::vector<HraTier> hra_tiers;
  ClassAmounts hra_minimum{};
  BasisPoints npa_percent = 0;
  Money npa_max_basic_plus_npa = kNoLimit;
  std::vector<Allowance> allowances;
  GpfMinimumRule gpf_minimum_rule = GpfMinimumRule::kPercentOfBasic;
  BasisPoints gpf_minimum_percent = 0;      // kPercentOfBasic
  LevelTable gpf_minimum_table;             // kByLevel
  std::vector<AmountBand> gpf_minimum_bands;  // kByBasic
  // gpf.md §1: dated list of interest rates (empty when the profile gives none; vetan gpf
  // refuses such a profile) and whether the gpf of month M's salary counts as deposited in
  // M + 1 (salary_credited: next_month) rather than M (same_month, the default).
  std::vector<GpfInterestRate> gpf_interest;
  bool gpf_salary_credited_next_month = false;
  // rules §5: no subscription in the last this many months of service (0..12).
  int32_t gpf_no_subscription_last_months = 0;
  BasisPoints nps_employee_percent = 0;
  BasisPoints nps_employer_percent = 0;
  std::vector<Deduction> deductions;
  LevelTable licence_fee_by_level;
  std::vector<IncomeTaxYear> income_tax;
  Calendar calendar{};
};

// Parses profile JSON (profile.md) into *profile and validates it. On failure the message
// names the key and the problem, e.g. "profile: unknown key 'hra.tiers[0].pct'".
// Beyond profile.md, amounts must be at most 10^12 rupees and percentages non-negative and
// at most 1000%: bounds that keep every product of rules §4–§6 exact in 64 bits.
Status parse_profile(std::string_view json, Profile* profile);

// Checks the rules on values of profile.md that hold across keys (sorted dated lists,
// unique codes, bands). parse_profile calls it; call it again after changing a profile.
Status validate_profile(const Profile& profile);

// Looks `level` up in a level table; returns 0 when absent (rules §5).
Money level_amount(const LevelTable& table, std::string_view level);

// The amount of the first band whose up_to is kNoLimit or >= `value` (rules §5, §5.1).
// REQUIRES: `bands` ends with an up_to of kNoLimit (validate_profile checks it).
inline Money band_amount(const std::vector<AmountBand>& bands, Money value) {
  for (const AmountBand& band : bands) {
    if (band.up_to == kNoLimit || band.up_to >= value) return band.amount;
  }
  return 0;
}

// The codes of the profile's deductions, in profile order: the enumeration of the master's
// exempt_deductions column (formats.md).
inline std::vector<std::string> deduction_codes(const Profile& profile) {
  std::vector<std::string> codes;
  for (const Deduction& d : profile.deductions) codes.push_back(d.code);
  return codes;
}

// The most deductions a profile may have: rules §5's exempt_deductions are kept per row as
// a bit set of the profile's deductions.
inline constexpr size_t kMaxDeductions = 32;

}  // namespace vetan
