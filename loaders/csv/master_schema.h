// The employee master's schema (formats.md), in one place: its columns, their kinds,
// enumerations and defaults, and the one reading of a boolean. The CSV loader's hot loop
// reads rows by it; the service reads edits, stops and employee fields by it (issue 9 §1),
// so a value means the same thing to every reader.
#pragma once

#include <string>
#include <string_view>

#include "loaders/csv/text.h"

namespace vetan::master_schema {

// The columns of formats.md, required ones first, in the order problems are reported.
enum Column : int {
  kEmployeeId, kName, kDateOfBirth, kDateOfJoining, kStatus, kTreasuryCode, kDdoCode,
  kBillGroup, kPayLevel, kPayCell, kBasicPay, kPensionScheme, kHraClass, kBankAccount, kIfsc,
  kPan,
  kDateOfRetirement, kDepartment, kBudgetHead, kFundType, kGpfAccount, kGpfSubscription, kPran,
  kGovtQuarters, kNpaEligible, kSpecialPay, kLwpDays, kLoanInstallment, kLoanBalance,
  kIncomeTaxDeclared, kFyGrossToDate, kFyTdsToDate, kStopPayment, kStopReason,
  kAllowanceClass, kGpfBasisPay, kExemptDeductions, kTaxRegime, kChapterViaDeductions,
  kIncrementMonth,
  kColumnCount
};
inline constexpr int kRequiredCount = kPan + 1;

enum class Kind {
  kText, kRequiredText, kDate, kOptionalDate, kEnum, kInteger, kBoolean,
  kOptionalEnum,     // empty: -1 (allowance_class: the row's hra_class)
  kOptionalInteger,  // empty: -1 (gpf_basis_pay: the current basic)
  kDeductionCodes,   // ';'-separated codes of the profile's deductions (exempt_deductions)
};

struct ColumnSpec {
  const char* name;
  Kind kind;
  bool upper;
  std::string_view fallback;       // the default of an optional column given empty
  const std::string_view* values;  // enumeration values, ended by an empty one
};

inline constexpr std::string_view kStatusValues[] = {"ACTIVE", "SUSPENDED", "RETIRED", "DECEASED",
                                                     "VRS",    "TERMINATED", {}};
inline constexpr std::string_view kFundValues[] = {"SF", "CA", {}};
inline constexpr std::string_view kSchemeValues[] = {"GPF", "NPS", {}};
inline constexpr std::string_view kClassValues[] = {"X", "Y", "Z", {}};
inline constexpr std::string_view kRegimeValues[] = {"NEW", "OLD", {}};
inline constexpr std::string_view kIncrementValues[] = {"07", "01", {}};

inline constexpr ColumnSpec kColumns[kColumnCount] = {
    {"employee_id", Kind::kRequiredText, false, "", nullptr},
    {"name", Kind::kRequiredText, false, "", nullptr},
    {"date_of_birth", Kind::kDate, false, "", nullptr},
    {"date_of_joining", Kind::kDate, false, "", nullptr},
    {"status", Kind::kEnum, true, "", kStatusValues},
    {"treasury_code", Kind::kRequiredText, false, "", nullptr},
    {"ddo_code", Kind::kRequiredText, false, "", nullptr},
    {"bill_group", Kind::kRequiredText, false, "", nullptr},
    {"pay_level", Kind::kRequiredText, false, "", nullptr},
    {"pay_cell", Kind::kInteger, false, "", nullptr},
    {"basic_pay", Kind::kInteger, false, "", nullptr},
    {"pension_scheme", Kind::kEnum, true, "", kSchemeValues},
    {"hra_class", Kind::kEnum, true, "", kClassValues},
    {"bank_account", Kind::kText, false, "", nullptr},
    {"ifsc", Kind::kText, true, "", nullptr},
    {"pan", Kind::kText, true, "", nullptr},
    {"date_of_retirement", Kind::kOptionalDate, false, "", nullptr},
    {"department", Kind::kText, false, "", nullptr},
    {"budget_head", Kind::kText, false, "", nullptr},
    {"fund_type", Kind::kEnum, true, "SF", kFundValues},
    {"gpf_account", Kind::kText, false, "", nullptr},
    {"gpf_subscription", Kind::kInteger, false, "0", nullptr},
    {"pran", Kind::kText, false, "", nullptr},
    {"govt_quarters", Kind::kBoolean, false, "0", nullptr},
    {"npa_eligible", Kind::kBoolean, false, "0", nullptr},
    {"special_pay", Kind::kInteger, false, "0", nullptr},
    {"lwp_days", Kind::kInteger, false, "0", nullptr},
    {"loan_installment", Kind::kInteger, false, "0", nullptr},
    {"loan_balance", Kind::kInteger, false, "0", nullptr},
    {"income_tax_declared", Kind::kInteger, false, "0", nullptr},
    {"fy_gross_to_date", Kind::kInteger, false, "0", nullptr},
    {"fy_tds_to_date", Kind::kInteger, false, "0", nullptr},
    {"stop_payment", Kind::kBoolean, false, "0", nullptr},
    {"stop_reason", Kind::kText, false, "", nullptr},
    {"allowance_class", Kind::kOptionalEnum, true, "", kClassValues},
    {"gpf_basis_pay", Kind::kOptionalInteger, false, "", nullptr},
    {"exempt_deductions", Kind::kDeductionCodes, true, "", nullptr},
    {"tax_regime", Kind::kEnum, true, "NEW", kRegimeValues},
    {"chapter_via_deductions", Kind::kInteger, false, "0", nullptr},
    {"increment_month", Kind::kEnum, false, "07", kIncrementValues},
};

// Columns of formats.md that the table does not hold (used by the service, not by the run):
// known, so that their names are not mistaken for near misses, and otherwise ignored.
inline constexpr const char* kKnownUnread[] = {"mobile"};

// The column named `name` (exactly, as formats.md spells it), or -1.
inline int find_column(std::string_view name) {
  for (int c = 0; c < kColumnCount; ++c) {
    if (name == kColumns[c].name) return c;
  }
  return -1;
}

inline Kind kind_of(int column) { return kColumns[column].kind; }

// formats.md booleans, of a value already trimmed and upper-cased: 1/Y/TRUE, 0/N/FALSE.
// Returns false for anything else.
inline bool read_boolean(std::string_view upper_value, bool* value) {
  if (upper_value.size() == 1 && (upper_value[0] == '0' || upper_value[0] == '1')) {  // the usual spelling
    *value = upper_value[0] == '1';
    return true;
  }
  if (upper_value == "1" || upper_value == "Y" || upper_value == "TRUE") {
    *value = true;
    return true;
  }
  if (upper_value == "0" || upper_value == "N" || upper_value == "FALSE") {
    *value = false;
    return true;
  }
  return false;
}

// A raw field (as the file or an edit holds it) as a boolean, trimmed and case-folded as the
// loader reads it. Returns false when it is not a boolean.
inline bool parse_boolean(std::string_view raw, bool* value) {
  std::string folded;
  return read_boolean(upper(trim(raw), &folded), value);
}

}  // namespace vetan::master_schema
