// PayslipLayout: the amount columns of a payslip, in the order of formats.md: earnings
// (basic, npa, da, hra, each profile allowance, special_pay), gross, deductions (gpf, nps,
// income_tax, each profile deduction, licence_fee, loan), total_deductions, net,
// employer_nps. A run with over-payment recoveries in force (core/recovery) has a
// `recovery` deduction after `loan` (docs/close.md §2); without them the columns are
// exactly formats.md's.
#pragma once

#include <string>
#include <vector>

#include "core/profile/profile.h"

namespace vetan {

struct PayslipLayout {
  static constexpr size_t kBasic = 0, kNpa = 1, kDa = 2, kHra = 3, kAllowances = 4;
  size_t special_pay = 0, gross = 0, gpf = 0, nps = 0, income_tax = 0, deductions = 0,
         licence_fee = 0, loan = 0, total_deductions = 0, net = 0, employer_nps = 0;
  static constexpr size_t kNone = size_t(-1);
  size_t recovery = kNone;  // the recovery column, or kNone
  size_t columns = 0;
  std::vector<std::string> names;  // lower-case column names

  // `recovery`: the layout has the recovery column.
  explicit PayslipLayout(const Profile& profile, bool recovery = false);
  bool has_recovery() const { return recovery != kNone; }
  PayslipLayout() = default;
};

}  // namespace vetan
