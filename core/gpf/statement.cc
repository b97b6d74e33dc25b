#include "core/gpf/statement.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "core/gpf/gpf_months.h"

namespace vetan {

std::string gpf_walk_failure(const GpfWalkResult& walk, std::string_view account) {
  if (walk.end == GpfWalkResult::End::kNoRate) {
    return "profile: no gpf.interest rate in force for " + gpf_month_name(walk.no_rate_month);
  }
  return "ledger: account '" + std::string(account) + "': its sums exceed 64-bit integers";
}

void gpf_statement_months(const GpfLedger& ledger, const GpfRates& rates,
                          const GpfStatementResult& result, Dictionary::Code code,
                          GpfMonths* months) {
  walk_gpf_account(ledger, code, rates, GpfWalk{result.fy}, months);
}

Status compute_gpf_statement(const GpfLedger& ledger, const GpfRates& rates, Month fy,
                             GpfStatementResult* result) {
  GpfStatementResult& r = *result;
  r = GpfStatementResult();
  r.fy = fy;
  for (int m = 0; m < 12; ++m) {
    r.rate[m] = rates.at(fy + m);
    if (r.rate[m] == GpfRates::kNoRate) {
      return Status::invalid_argument("profile: no gpf.interest rate in force for " +
                                      gpf_month_name(fy + m));
    }
  }
  const size_t accounts = ledger.account_count();
  r.walks.resize(accounts);
  const GpfWalk walk{fy};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, accounts, 1024),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t code = range.begin(); code < range.end(); ++code) {
                        GpfWalkResult& w = r.walks[code];
                        if (ledger.unreadable_line[code] != 0) {  // gpf.md §2
                          w.end = GpfWalkResult::End::kRefused;
                          w.refused.reason = GpfRefusal::kUnreadableLine;
                          w.refused.value = ledger.unreadable_line[code];
                          continue;
                        }
                        w = walk_gpf_account(ledger, Dictionary::Code(code), rates, walk, nullptr);
                      }
                    });
  for (Dictionary::Code code = 0; code < accounts; ++code) {
    const GpfWalkResult& w = r.walks[code];
    switch (w.end) {
      case GpfWalkResult::End::kDone:
        r.listed.push_back(code);
        r.totals.opening += w.year.opening;
        r.totals.credits += w.year.credits;
        r.totals.debits += w.year.debits;
        r.totals.interest += w.year.interest;
        r.totals.closing += w.year.closing;
        break;
      case GpfWalkResult::End::kRefused:
        r.refused.push_back(code);
        break;
      case GpfWalkResult::End::kAbsent:
        break;
      case GpfWalkResult::End::kNoRate:
      case GpfWalkResult::End::kOverflow:
        return Status::invalid_argument(
            gpf_walk_failure(w, ledger.accounts.value(code)));
    }
  }
  return Status();
}

}  // namespace vetan
