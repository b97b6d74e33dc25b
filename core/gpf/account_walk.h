// The arithmetic of one account (gpf.md §3, §5): its FYs walked month by month from its
// first to a last one, balances, the interest product and the rule checks of §2-§3.
// Allocation-free; called for many accounts at once from TBB tasks.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/gpf/gpf_ledger.h"
#include "core/gpf/gpf_rates.h"

namespace vetan {

// gpf.md §4-§5: why an account (or a final-payment case) is refused.
enum class GpfRefusal : uint8_t {
  kNone,
  kUnreadableLine,
  kNegativeBalance,
  kOpeningNotFirst,
  kPaymentBeforePayable,
  kLineAfterPayment,
  kUnknownAccount,
};
inline constexpr const char* kGpfRefusalNames[] = {
    "",  "UNREADABLE_LINE", "NEGATIVE_BALANCE", "OPENING_NOT_FIRST", "PAYMENT_BEFORE_PAYABLE",
    "LINE_AFTER_PAYMENT", "UNKNOWN_ACCOUNT"};

// Which OPENING_NOT_FIRST (gpf.md §2).
enum class OpeningFault : uint8_t { kSeveral, kNotApril, kNotEarliest };

// A refusal and the values its detail text names (built only for the refused, after the
// walk): NEGATIVE_BALANCE (month, balance); OPENING_NOT_FIRST (fault, opening month, count
// or earliest month); LINE_AFTER_PAYMENT (the earliest later month); UNREADABLE_LINE (line).
struct GpfRefused {
  GpfRefusal reason = GpfRefusal::kNone;
  OpeningFault fault = OpeningFault::kSeveral;
  Month month = 0;
  int64_t value = 0;
};

// gpf.md §4-§5: the detail column of a refusal ("balance -1000 in 2025-05", …).
// `payable` and `payment` are the case's month texts (PAYMENT_BEFORE_PAYABLE only).
std::string gpf_refusal_detail(const GpfRefused& refused, std::string_view payable = {},
                               std::string_view payment = {});

// One FY's figures (gpf.md §4).
struct GpfYear {
  Money opening = 0, credits = 0, debits = 0, interest = 0, closing = 0;
};

// The twelve months of the last FY (gpf.md §4 monthly.csv).
struct GpfMonths {
  Money credits[12], debits[12], balance[12];
};

// What to walk. The statement (§3-§4): up to the FY starting `last_fy`, lines after it
// left out, interest on every month. The final payment (§5): also `interest_to` (E) and
// `through` (the payment month): the last FY runs on to `through`, interest only up to E.
struct GpfWalk {
  Month last_fy;
  Month interest_to = INT32_MAX;
  Month through = INT32_MIN;  // INT32_MIN: a statement
};

// The walk's end: done (year holds the last FY), refused, or stopped because a month has
// no rate in force (`no_rate_month`: the command cannot go on, gpf.md §1), or because a sum
// leaves 64 bits.
struct GpfWalkResult {
  enum class End : uint8_t { kDone, kAbsent, kRefused, kNoRate, kOverflow } end = End::kDone;
  GpfRefused refused;
  Month no_rate_month = 0;
  GpfYear year;
};

// Walks account `code` of `ledger` (gpf.md §3, §5). kAbsent: a statement for an account
// with no line in or before the FY. Fills *months (when not null) with the last FY's
// months of a statement.
GpfWalkResult walk_gpf_account(const GpfLedger& ledger, Dictionary::Code code,
                               const GpfRates& rates, const GpfWalk& walk, GpfMonths* months);

}  // namespace vetan
