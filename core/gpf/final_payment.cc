#include "core/gpf/final_payment.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>

#include "core/gpf/gpf_months.h"
#include "core/gpf/statement.h"

namespace vetan {
namespace {

GpfWalkResult refused(GpfRefusal reason, int64_t value = 0) {
  GpfWalkResult w;
  w.end = GpfWalkResult::End::kRefused;
  w.refused.reason = reason;
  w.refused.value = value;
  return w;
}

// gpf.md §5 for one case.
GpfWalkResult final_payment(const GpfLedger& ledger, const GpfRates& rates, const GpfCase& c,
                            Month* interest_to) {
  Dictionary::Code code = 0;
  const bool known = ledger.accounts.find(c.account, &code);
  if (known && ledger.unreadable_line[code] != 0) {
    return refused(GpfRefusal::kUnreadableLine, ledger.unreadable_line[code]);
  }
  if (!known || ledger.begin[code] == ledger.begin[code + 1]) {
    return refused(GpfRefusal::kUnknownAccount);
  }
  if (c.payment < c.payable) return refused(GpfRefusal::kPaymentBeforePayable);
  // rule 11(4): interest to the month before payment, at most six months after payable.
  const Month e = std::min(c.payment - 1, c.payable + 6);
  *interest_to = e;
  return walk_gpf_account(ledger, code, rates, GpfWalk{gpf_fy_start(e), e, c.payment}, nullptr);
}

}  // namespace

Status compute_gpf_final(const GpfLedger& ledger, const GpfRates& rates,
                         const std::vector<GpfCase>& cases, GpfFinalResult* result) {
  GpfFinalResult& r = *result;
  r = GpfFinalResult();
  r.walks.resize(cases.size());
  r.interest_to.assign(cases.size(), 0);
  tbb::parallel_for(size_t(0), cases.size(), [&](size_t i) {
    r.walks[i] = final_payment(ledger, rates, cases[i], &r.interest_to[i]);
  });
  for (uint32_t i = 0; i < cases.size(); ++i) {
    const GpfWalkResult& w = r.walks[i];
    if (w.end == GpfWalkResult::End::kNoRate || w.end == GpfWalkResult::End::kOverflow) {
      return Status::invalid_argument(gpf_walk_failure(w, cases[i].account));
    }
    if (w.end == GpfWalkResult::End::kDone) {
      r.paid.push_back(i);
      r.amount_due += w.year.closing;
    } else {
      r.refused.push_back(i);
    }
  }
  auto by_case_id = [&cases](uint32_t a, uint32_t b) {
    return std::string_view(cases[a].case_id) < std::string_view(cases[b].case_id);
  };
  tbb::parallel_sort(r.paid.begin(), r.paid.end(), by_case_id);
  tbb::parallel_sort(r.refused.begin(), r.refused.end(), by_case_id);
  return Status();
}

}  // namespace vetan
