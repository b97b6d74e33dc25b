// Writes the income-tax returns of core/tax_returns (docs/returns.md) into a folder, each
// form as CSV and JSON with the same fields: form24q.csv/.json (Annexure I deductee rows),
// form24q_ddos.csv/.json (each DDO's quarter), form16_partb.csv/.json and form24g.csv/.json.
// Each file is written whole or not at all.
#pragma once

#include <string>

#include "core/common/status.h"
#include "core/tax_returns/tax_returns.h"

namespace vetan {

Status write_tax_returns(const std::string& folder, const ReturnsInput& in,
                         const TaxReturns& returns);

}  // namespace vetan
