// recoveries.csv: the over-payment recovery schedules (core/recovery, docs/close.md §2), one
// record per schedule: recovery_id, employee_id, month_found, months_over_paid, amount,
// instalments, instalment, balance, waived (0 or 1), reason. `vetan run --recoveries` reads
// it; `vetan close --recoveries` reads it and writes the next month's.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/recovery/recovery.h"

namespace vetan {

// The columns, in the order format_recoveries_csv writes them.
inline constexpr const char* kRecoveryColumns[] = {"recovery_id", "employee_id", "month_found", "months_over_paid",
                                                   "amount",      "instalments", "instalment",  "balance",
                                                   "waived",      "reason"};

// Reads `path` into *schedules in the file's order (every column required; fields trimmed;
// months YYYY-MM; amounts whole rupees). Refuses, naming the file, line and column, a
// malformed field, a schedule check_recovery() refuses, or a recovery_id used twice.
Status read_recoveries_csv(const std::string& path, std::vector<RecoverySchedule>* schedules);

// The file's bytes for `schedules` (header, then one LF-ended record each, sorted by
// recovery_id; `reason` quoted when it must be).
std::string format_recoveries_csv(const std::vector<RecoverySchedule>& schedules);

}  // namespace vetan
