#include "core/gpf/account_walk.h"

#include <algorithm>

#include "core/gpf/gpf_months.h"

namespace vetan {
namespace {

GpfWalkResult refused(GpfRefusal reason, Month month, int64_t value,
                      OpeningFault fault = OpeningFault::kSeveral) {
  GpfWalkResult r;
  r.end = GpfWalkResult::End::kRefused;
  r.refused = GpfRefused{reason, fault, month, value};
  return r;
}

GpfWalkResult overflow() {
  GpfWalkResult r;
  r.end = GpfWalkResult::End::kOverflow;
  return r;
}

}  // namespace

std::string gpf_refusal_detail(const GpfRefused& r, std::string_view payable,
                               std::string_view payment) {
  switch (r.reason) {
    case GpfRefusal::kNone:
      return "";
    case GpfRefusal::kUnreadableLine:
      return "line " + std::to_string(r.value) + " cannot be read";
    case GpfRefusal::kNegativeBalance:
      return "balance " + std::to_string(r.value) + " in " + gpf_month_name(r.month);
    case GpfRefusal::kOpeningNotFirst:
      switch (r.fault) {
        case OpeningFault::kSeveral:
          return std::to_string(r.value) + " OPENING lines";
        case OpeningFault::kNotApril:
          return "OPENING in " + gpf_month_name(r.month) + ", not an April";
        case OpeningFault::kNotEarliest:
          return "OPENING in " + gpf_month_name(r.month) + " but a posting in " +
                 gpf_month_name(Month(r.value));
      }
      return "";
    case GpfRefusal::kPaymentBeforePayable:
      return "payment " + std::string(payment) + " before payable " + std::string(payable);
    case GpfRefusal::kLineAfterPayment:
      return "a posting in " + gpf_month_name(r.month);
    case GpfRefusal::kUnknownAccount:
      return "no ledger line for this account";
  }
  return "";
}

GpfWalkResult walk_gpf_account(const GpfLedger& ledger, Dictionary::Code code,
                               const GpfRates& rates, const GpfWalk& walk, GpfMonths* months) {
  const bool statement = walk.through == INT32_MIN;
  const Month* month = ledger.month.data();
  const PostingKind* kind = ledger.kind.data();
  const Money* amount = ledger.amount.data();
  const uint64_t b = ledger.begin[code];
  uint64_t e = ledger.begin[code + 1];
  if (statement) {  // gpf.md §4: lines dated after the FY play no part
    while (e > b && month[e - 1] >= walk.last_fy + 12) --e;
  }
  if (b == e) {
    GpfWalkResult r;
    r.end = GpfWalkResult::End::kAbsent;
    return r;
  }

  // gpf.md §2: at most one OPENING, in an April, the earliest line.
  int64_t openings = 0;
  uint64_t opening = e;
  for (uint64_t p = b; p < e; ++p) {
    if (kind[p] == PostingKind::kOpening && openings++ == 0) opening = p;
  }
  if (openings > 1) return refused(GpfRefusal::kOpeningNotFirst, 0, openings);
  if (openings == 1) {
    const Month m = month[opening];
    if (m - gpf_month_year(m) * 12 != 3) {
      return refused(GpfRefusal::kOpeningNotFirst, m, 0, OpeningFault::kNotApril);
    }
    if (m != month[b]) {
      return refused(GpfRefusal::kOpeningNotFirst, m, month[b], OpeningFault::kNotEarliest);
    }
  }
  // gpf.md §5: nothing may be posted after the payment month.
  if (!statement && month[e - 1] > walk.through) {
    uint64_t p = b;
    while (month[p] <= walk.through) ++p;
    return refused(GpfRefusal::kLineAfterPayment, month[p], 0);
  }

  // gpf.md §3 (and §5 for the FY of E): FY by FY from the account's first.
  int64_t balance = 0;
  uint64_t p = b;
  for (Month fy = std::min(gpf_fy_start(month[b]), walk.last_fy);; fy += 12) {
    if (openings == 1 && month[opening] == fy &&
        __builtin_add_overflow(balance, amount[opening], &balance)) {
      return overflow();
    }
    GpfYear year;
    year.opening = balance;
    Int128 product = 0;
    const bool last = fy == walk.last_fy;
    const Month end = statement || !last ? fy + 11 : std::max(walk.through, fy + 11);
    for (Month i = fy; i <= end; ++i) {
      Money c = 0, d = 0;
      for (; p < e && month[p] == i; ++p) {
        const PostingKind k = kind[p];
        // An OPENING dated after E's FY counts as a credit (gpf.md §5); at the FY's start
        // it is the opening, added above.
        if (k == PostingKind::kOpening && i == fy) continue;
        Money* sum = k == PostingKind::kOpening || is_credit(k) ? &c : &d;
        if (__builtin_add_overflow(*sum, amount[p], sum)) return overflow();
      }
      if (__builtin_add_overflow(year.credits, c, &year.credits) ||
          __builtin_add_overflow(year.debits, d, &year.debits) ||
          __builtin_add_overflow(balance, c, &balance) ||
          __builtin_sub_overflow(balance, d, &balance)) {
        return overflow();
      }
      if (balance < 0) return refused(GpfRefusal::kNegativeBalance, i, balance);
      if (i > fy + 11) continue;  // after E's FY (gpf.md §5): counted, earns nothing
      const BasisPoints rate = rates.at(i);
      if (rate == GpfRates::kNoRate) {
        GpfWalkResult r;
        r.end = GpfWalkResult::End::kNoRate;
        r.no_rate_month = i;
        return r;
      }
      if (i <= walk.interest_to) product += Int128(balance) * rate;
      if (months != nullptr && last) {
        months->credits[i - fy] = c;
        months->debits[i - fy] = d;
        months->balance[i - fy] = balance;
      }
    }
    const Int128 interest = rnd_gpf_interest(product);
    if (interest > INT64_MAX || __builtin_add_overflow(balance, int64_t(interest), &balance)) {
      return overflow();
    }
    year.interest = Money(interest);
    year.closing = balance;
    if (last) {
      GpfWalkResult r;
      r.year = year;
      return r;
    }
  }
}

}  // namespace vetan
