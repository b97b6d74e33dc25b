// Writes the files of `vetan gpf statement` and `vetan gpf final` (gpf.md §4-§5) into a
// folder, each whole or not at all (a temporary name, then a rename).
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/gpf/final_payment.h"
#include "core/gpf/gpf_ledger.h"
#include "core/gpf/statement.h"

namespace vetan {

// statements.csv, monthly.csv, refused.csv, problems.csv and summary.json; `fy` is the
// --fy text as given. Rows are formatted in parallel.
Status write_gpf_statement(const std::string& folder, const std::string& fy,
                           const GpfLedger& ledger, const GpfRates& rates,
                           const GpfStatementResult& result);

// final_payments.csv, refused.csv and summary.json.
Status write_gpf_final(const std::string& folder, const std::vector<GpfCase>& cases,
                       const GpfFinalResult& result);

}  // namespace vetan
