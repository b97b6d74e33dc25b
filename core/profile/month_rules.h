// MonthRules: the profile's values in force for one month (rules §1 "in force"), resolved
// against one table's pay-level dictionary so that the hot loops look everything up by
// array index: level code -> matrix cells, allowances, deductions, GPF minimum, licence fee.
//
// Thread-safety: immutable after resolve_month_rules; read it from any number of threads.
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/profile/profile.h"
#include "core/table/dictionary.h"

namespace vetan {

struct MonthRules {
  const Profile* profile = nullptr;
  Month month = 0;
  Date first = 0, last = 0;
  int32_t days = 30;  // D(M)
  int32_t months_left = 12;  // rules §6: R = 13 - k

  BasisPoints da = 0;
  ClassPercents hra_percent{};

  // By pay-level code of the table (index = Dictionary::Code).
  std::vector<int32_t> level_cells;          // number of cells; -1 when the level is unknown
  std::vector<const Money*> level_matrix;    // the level's cells, or nullptr
  std::vector<Money> gpf_minimum_by_level;   // when the profile gives a table
  std::vector<Money> licence_fee;
  std::vector<Money> allowance_full;  // [(allowance * levels + level) * 3 + class]: §4 full-month
  std::vector<Money> deduction_by_level;     // [deduction * levels + level]

  const IncomeTaxYear* tax = nullptr;
  std::vector<Int128> surcharge_cap;  // per surcharge tier: T(above), scaled (rules §6 step 5)
  BasisPoints tax_rate_bound = 0;  // annual tax <= income * this / 10^4 + rounding (see deductions.h)

  size_t levels() const { return level_cells.size(); }
};

// Resolves `profile` for `month` against the pay levels in `levels`. Fails (profile error,
// exit 2) when nothing is in force for the month, or no income-tax entry starts its
// financial year. REQUIRES: `profile` outlives the result.
Status resolve_month_rules(const Profile& profile, Month month, const Dictionary& levels,
                           MonthRules* rules);

}  // namespace vetan
