#include "core/recovery/recovery.h"

#include <algorithm>

namespace vetan {

Status make_recovery(std::string recovery_id, std::string employee_id, Month found, Month over_paid,
                     Money amount, int32_t instalments, std::string reason, RecoverySchedule* out) {
  RecoverySchedule s;
  s.recovery_id = std::move(recovery_id);
  s.employee_id = std::move(employee_id);
  s.month_found = found;
  s.months_over_paid = over_paid;
  s.amount = amount;
  s.instalments = instalments;
  s.reason = std::move(reason);
  if (amount < 1 || amount > kMaxRecoveryAmount) {
    return Status::invalid_argument("recovery amount " + std::to_string(amount) + " is not in 1.." +
                                    std::to_string(kMaxRecoveryAmount));
  }
  if (instalments < 1 || instalments > kMaxRecoveryInstalments) {
    return Status::invalid_argument("instalments " + std::to_string(instalments) + " is not in 1.." +
                                    std::to_string(kMaxRecoveryInstalments));
  }
  s.instalment = recovery_instalment(amount, instalments);
  s.balance = amount;
  *out = std::move(s);
  return Status();
}

Status check_recovery(const RecoverySchedule& s) {
  if (s.recovery_id.empty()) return Status::invalid_argument("recovery_id is empty");
  const std::string what = "recovery " + s.recovery_id + ": ";
  if (s.employee_id.empty()) return Status::invalid_argument(what + "employee_id is empty");
  if (s.amount < 1 || s.amount > kMaxRecoveryAmount) {
    return Status::invalid_argument(what + "amount " + std::to_string(s.amount) + " is not in 1.." +
                                    std::to_string(kMaxRecoveryAmount));
  }
  if (s.instalments < 1 || s.instalments > kMaxRecoveryInstalments) {
    return Status::invalid_argument(what + "instalments " + std::to_string(s.instalments) +
                                    " is not in 1.." + std::to_string(kMaxRecoveryInstalments));
  }
  if (s.instalment != recovery_instalment(s.amount, s.instalments)) {
    return Status::invalid_argument(what + "instalment " + std::to_string(s.instalment) + " is not " +
                                    std::to_string(recovery_instalment(s.amount, s.instalments)) +
                                    " (amount / instalments, rounded up)");
  }
  if (s.balance < 0 || s.balance > s.amount) {
    return Status::invalid_argument(what + "balance " + std::to_string(s.balance) + " is not in 0.." +
                                    std::to_string(s.amount));
  }
  if (s.months_over_paid > s.month_found) {
    return Status::invalid_argument(what + "months_over_paid " + format_month(s.months_over_paid) +
                                    " is after month_found " + format_month(s.month_found));
  }
  return Status();
}

Status recovery_dues(const EmployeeTable& t, const TableIndex& index,
                     const std::vector<RecoverySchedule>& schedules, std::vector<Money>* due) {
  due->assign(t.rows, 0);
  const std::vector<uint32_t>& by_id = index.rows_by_employee_id;
  for (const RecoverySchedule& s : schedules) {
    auto it = std::lower_bound(by_id.begin(), by_id.end(), s.employee_id,
                               [&t](uint32_t row, const std::string& id) { return t.employee_id[row] < id; });
    if (it == by_id.end() || t.employee_id[*it] != s.employee_id) {
      return Status::invalid_argument("recovery " + s.recovery_id + ": employee_id " + s.employee_id +
                                      " is not a readable row of the master");
    }
    for (; it != by_id.end() && t.employee_id[*it] == s.employee_id; ++it) (*due)[*it] += s.due();
  }
  return Status();
}

RecoveryAllocation allocate_recovered(Money recovered, Month month,
                                      const std::vector<RecoverySchedule*>& schedules) {
  RecoveryAllocation a;
  for (RecoverySchedule* s : schedules) {
    if (recovered == 0) break;
    const Money part = std::min(recovered, s->due());
    s->balance -= part;
    recovered -= part;
    if (financial_year(s->months_over_paid) == financial_year(month)) a.same_year += part;
  }
  a.unallocated = recovered;
  return a;
}

}  // namespace vetan
