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

// rules §4: one band of an allowance for one level, as its full-month amounts by class
// (DA included when the allowance carries it), from a full-month basic of `min_basic` on.
struct AllowanceStep {
  Money min_basic;
  ClassAmounts amount;
};

struct MonthRules {
  const Profile* profile = nullptr;
  Month month = 0;
  Date first = 0, last = 0;
  int32_t days = 30;  // D(M)
  int32_t months_left = 12;  // rules §6: 13 - k (R is at most this)
  // rules §6 S: a retirement date on or after this day leaves 13 or more months of service
  // from this month on, so S bounds neither R nor the last months without GPF (§5).
  Date service_horizon = 0;

  BasisPoints da = 0;
  ClassPercents hra_percent{};

  // By pay-level code of the table (index = Dictionary::Code).
  std::vector<int32_t> level_cells;          // number of cells; -1 when the level is unknown
  std::vector<const Money*> level_matrix;    // the level's cells, or nullptr
  std::vector<Money> gpf_minimum_by_level;   // when the profile gives a table
  std::vector<Money> licence_fee;
  // rules §4: allowance a's bands for level l are allowance_steps[allowance_step_begin[i] ..
  // allowance_step_begin[i + 1]) with i = a * levels + l, highest min_basic first.
  std::vector<AllowanceStep> allowance_steps;
  std::vector<uint32_t> allowance_step_begin;
  // rules §4 when_exempt_from: per allowance, the bit (of exempt_mask) of the deduction a
  // row must be exempt from to be paid it; 0 when every row is.
  std::vector<uint32_t> allowance_exempt_bit;
  std::vector<Money> deduction_by_level;     // [deduction * levels + level]
  // rules §5: by exempt_deductions dictionary code of the table, bit k set when the row is
  // exempt from deduction k of the profile. Empty when resolved without a table.
  std::vector<uint32_t> exempt_mask;

  const IncomeTaxYear* tax = nullptr;
  std::vector<Int128> surcharge_cap;  // per surcharge tier: T(above), scaled (rules §6 step 5)
  BasisPoints tax_rate_bound = 0;  // annual tax <= income * this / 10^4 + rounding (see deductions.h)

  size_t levels() const { return level_cells.size(); }
};

// Resolves `profile` for `month` against the pay levels in `levels` and the exemption sets
// in `exempt_sets` (the dictionaries of EmployeeTable::pay_level and ::exempt_deductions;
// empty dictionaries to check a profile before any table exists). Fails (profile error,
// exit 2) when nothing is in force for the month, or no income-tax entry starts its
// financial year. REQUIRES: `profile` outlives the result.
Status resolve_month_rules(const Profile& profile, Month month, const Dictionary& levels,
                           const Dictionary& exempt_sets, MonthRules* rules);

}  // namespace vetan
