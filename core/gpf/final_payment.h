// gpf.md §5: the amount due on Form PF-9 for each final-payment case.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/gpf/account_walk.h"
#include "core/gpf/gpf_ledger.h"
#include "core/gpf/gpf_rates.h"

namespace vetan {

// One line of the cases file: the texts as given (trimmed) and the months they name.
struct GpfCase {
  std::string case_id;
  std::string account;
  std::string payable_text, payment_text;
  Month payable = 0, payment = 0;
};

struct GpfFinalResult {
  std::vector<GpfWalkResult> walks;  // by case
  std::vector<Month> interest_to;    // by case: E
  std::vector<uint32_t> paid;        // cases of final_payments.csv, by case_id's bytes
  std::vector<uint32_t> refused;     // cases of refused.csv, by case_id's bytes
  Int128 amount_due = 0;             // the sum over `paid`
};

// gpf.md §5: E = min(payment - 1, payable + 6); every FY before E's as in §3; E's FY with
// interest up to E and its lines up to the payment month. Fails (nothing computed) when a
// month the walk needs has no rate in force or a sum leaves 64 bits, naming the first such
// case in file order. Cases are computed in parallel; the result does not depend on it.
Status compute_gpf_final(const GpfLedger& ledger, const GpfRates& rates,
                         const std::vector<GpfCase>& cases, GpfFinalResult* result);

}  // namespace vetan
