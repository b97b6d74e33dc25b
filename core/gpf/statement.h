// gpf.md §4: the statement of every account for one FY, walked per account in parallel.
#pragma once

#include <vector>

#include "core/common/status.h"
#include "core/gpf/account_walk.h"
#include "core/gpf/gpf_ledger.h"
#include "core/gpf/gpf_rates.h"

namespace vetan {

// Sums over the accounts of statements.csv (summary.json), exact beyond 64 bits.
struct GpfTotals {
  Int128 opening = 0, credits = 0, debits = 0, interest = 0, closing = 0;
};

struct GpfStatementResult {
  Month fy = 0;                 // the FY's April
  BasisPoints rate[12] = {};    // the rate in force for each of its months
  std::vector<GpfWalkResult> walks;  // by account code (codes follow byte order)
  std::vector<Dictionary::Code> listed;   // the accounts of statements.csv, in order
  std::vector<Dictionary::Code> refused;  // the accounts of refused.csv, in order
  GpfTotals totals;
};

// gpf.md §3-§4: computes every FY from each account's first to the one starting `fy` (an
// April). Fails (nothing computed) when a month the walk needs has no rate in force
// (gpf.md §1: the FY's own months are checked first, then the accounts in byte order, as
// the oracle meets them) or when an account's sums leave 64 bits. The result does not
// depend on the thread count.
Status compute_gpf_statement(const GpfLedger& ledger, const GpfRates& rates, Month fy,
                             GpfStatementResult* result);

// The FY's twelve months of listed account `code` (monthly.csv), walked again: cheaper than
// keeping twelve months of every account while the statement is computed.
void gpf_statement_months(const GpfLedger& ledger, const GpfRates& rates,
                          const GpfStatementResult& result, Dictionary::Code code,
                          GpfMonths* months);

// The message of a walk that could not finish (kNoRate, kOverflow) for `account`.
std::string gpf_walk_failure(const GpfWalkResult& walk, std::string_view account);

}  // namespace vetan
