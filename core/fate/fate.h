// Fates and mismatch reasons (rules §2), and the per-row checks of steps 1–3.
#pragma once

#include <cstdint>

#include "core/common/civil_date.h"
#include "core/deductions/deductions.h"
#include "core/profile/month_rules.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {

// Every row has exactly one fate (rules §1).
enum class Fate : uint8_t { kPaid, kStopped, kMismatch };
inline constexpr const char* kFateNames[3] = {"PAID", "STOPPED", "MISMATCH"};

// Reason bits, in the order of rules §2 (bit i is kReasonCodes[i]).
enum Reason : uint32_t {
  kInvalidRecord = 1u << 0,
  kDuplicateEmployeeIdReason = 1u << 1,
  kStatusNotPayable = 1u << 2,
  kRetiredBeforeMonth = 1u << 3,
  kNotJoinedYet = 1u << 4,
  kUnknownPayLevel = 1u << 5,
  kInvalidPayCell = 1u << 6,
  kBasicPayMismatch = 1u << 7,
  kInvalidPan = 1u << 8,
  kInvalidBankAccount = 1u << 9,
  kInvalidIfsc = 1u << 10,
  kDuplicateBankAccountReason = 1u << 11,
  kGpfAccountMissing = 1u << 12,
  kPranMissing = 1u << 13,
  kZeroPayableDays = 1u << 14,
  kGpfBelowMinimum = 1u << 15,
  kGpfAboveMaximum = 1u << 16,
  kNegativeNet = 1u << 17,
};

inline constexpr int kReasonCount = 18;
inline constexpr const char* kReasonCodes[kReasonCount] = {
    "INVALID_RECORD",      "DUPLICATE_EMPLOYEE_ID", "STATUS_NOT_PAYABLE",
    "RETIRED_BEFORE_MONTH", "NOT_JOINED_YET",       "UNKNOWN_PAY_LEVEL",
    "INVALID_PAY_CELL",    "BASIC_PAY_MISMATCH",    "INVALID_PAN",
    "INVALID_BANK_ACCOUNT", "INVALID_IFSC",         "DUPLICATE_BANK_ACCOUNT",
    "GPF_ACCOUNT_MISSING", "PRAN_MISSING",          "ZERO_PAYABLE_DAYS",
    "GPF_BELOW_MINIMUM",   "GPF_ABOVE_MAXIMUM",     "NEGATIVE_NET"};

// rules §3: the retirement date, given or derived from the date of birth.
inline Date retirement_date(Date date_of_birth, Date date_of_retirement, int64_t age) {
  if (date_of_retirement != kNoDate) return date_of_retirement;
  const CivilDate b = civil_from_days(date_of_birth);
  const int32_t year = b.year + int32_t(age);
  // Born on the 1st: reaches the age the day before, so retires at the previous month's end.
  if (b.day == 1) return days_from_civil(year, b.month, 1) - 1;
  return days_from_civil(year, b.month, days_in_month(year, b.month));
}

// rules §3: payable days P = max(0, service_days - lwp_days).
inline int32_t payable_days(const MonthRules& rules, Date joining, Date retirement,
                            int32_t lwp_days) {
  const Date start = joining > rules.first ? joining : rules.first;
  const Date end = retirement < rules.last ? retirement : rules.last;
  const int32_t service = end >= start ? end - start + 1 : 0;
  return service > lwp_days ? service - lwp_days : 0;
}

// rules §2 step 3: the master-data reasons of a readable row whose retirement date is
// `retirement` and whose pay_cell and basic_pay are `cell` and `basic` (the master's, or
// projected: core/run/row_kernel.h).
inline uint32_t master_data_reasons(const EmployeeTable& t, const TableIndex& index,
                                    const MonthRules& rules, size_t r, Date retirement,
                                    int64_t cell, Money basic) {
  uint32_t reasons = 0;
  const uint8_t checks = index.checks[r];
  if (checks & kDuplicateEmployeeId) reasons |= kDuplicateEmployeeIdReason;
  const auto status = EmploymentStatus(t.status[r]);
  if (status != EmploymentStatus::kActive && status != EmploymentStatus::kSuspended) {
    reasons |= kStatusNotPayable;
  } else if (retirement < rules.first) {
    reasons |= kRetiredBeforeMonth;
  }
  if (t.date_of_joining[r] > rules.last) reasons |= kNotJoinedYet;
  const Dictionary::Code level = t.pay_level.codes[r];
  const int32_t cells = rules.level_cells[level];
  if (cells < 0) {
    reasons |= kUnknownPayLevel;
  } else if (cell < 1 || cell > cells) {
    reasons |= kInvalidPayCell;
  } else if (rules.level_matrix[level][cell - 1] != basic) {
    reasons |= kBasicPayMismatch;
  }
  if (!(checks & kPanValid)) reasons |= kInvalidPan;
  if (!(checks & kBankAccountValid)) reasons |= kInvalidBankAccount;
  if (!(checks & kIfscValid)) reasons |= kInvalidIfsc;
  if (checks & kDuplicateBankAccount) reasons |= kDuplicateBankAccountReason;
  const auto scheme = PensionScheme(t.pension_scheme[r]);
  if (scheme == PensionScheme::kGpf && !(checks & kGpfAccountPresent)) reasons |= kGpfAccountMissing;
  if (scheme == PensionScheme::kNps && !(checks & kPranValid)) reasons |= kPranMissing;
  return reasons;
}

// rules §6 S (and §5's last months of service): the months from this month to the month
// of `retirement`, both counted, capped at 13 (beyond, S bounds nothing).
// REQUIRES: retirement >= rules.first (rows retired before the month are not computed).
inline int32_t service_months_left(const MonthRules& rules, Date retirement) {
  if (retirement >= rules.service_horizon) return 13;
  const CivilDate d = civil_from_days(retirement);
  return make_month(d.year, d.month) - rules.month + 1;
}

// rules §2 step 4: the reasons found after computing a row whose payable days are > 0 and
// whose GPF subscription this month is `gpf_subscription`.
inline uint32_t computed_reasons(const PayInputs& in, Money gpf_subscription, Money net,
                                 const MonthRules& rules) {
  uint32_t reasons = 0;
  if (gpf_subscribes(in)) {
    if (gpf_subscription < gpf_minimum(rules, in.level, in.gpf_basis)) reasons |= kGpfBelowMinimum;
    if (gpf_subscription > in.matrix_basic) reasons |= kGpfAboveMaximum;
  }
  if (net < 0) reasons |= kNegativeNet;
  return reasons;
}

}  // namespace vetan
