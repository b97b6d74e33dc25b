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
  ClassAmounts amount;
};

struct Allowance {
  std::string code;
  bool da_applies = false;
  std::vector<AllowanceBand> bands;
};

struct GrossBand {
  Money up_to;  // kNoLimit for the last band
  Money amount;
};

struct Deduction {
  std::string code;
  bool by_gross = false;
  LevelTable by_level;              // when !by_gross
  std::vector<GrossBand> bands;     // when by_gross
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
  bool gpf_minimum_by_level = false;
  BasisPoints gpf_minimum_percent = 0;  // when !gpf_minimum_by_level
  LevelTable gpf_minimum_table;          // when gpf_minimum_by_level
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

}  // namespace vetan
