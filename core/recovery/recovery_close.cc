#include "core/recovery/recovery_close.h"

#include <algorithm>

namespace vetan {

Status close_recoveries(const EmployeeTable& t, const TableIndex& index, const MonthResult& result,
                        std::vector<RecoverySchedule>* schedules, MonthClose* close, RecoveryCloseCounts* counts) {
  const Month month = result.rules.month;
  const PayslipLayout& layout = result.layout;
  std::vector<RecoverySchedule> next = *schedules;  // changed only on success
  std::vector<RecoverySchedule*> order;
  for (RecoverySchedule& s : next) order.push_back(&s);
  std::sort(order.begin(), order.end(), [](const RecoverySchedule* a, const RecoverySchedule* b) {
    return a->employee_id != b->employee_id ? a->employee_id < b->employee_id : a->recovery_id < b->recovery_id;
  });
  if (!layout.has_recovery()) {
    for (const RecoverySchedule* s : order) {
      if (s->open()) {
        return Status::invalid_argument("recovery " + s->recovery_id + " of " + s->employee_id + " was due in " +
                                        format_month(month) + ", but the run has no recovery column");
      }
    }
    *counts = RecoveryCloseCounts{};
    return Status();
  }
  RecoveryCloseCounts c;
  // Per row, the same-year part to take off fy_gross_to_date.
  std::vector<std::pair<uint32_t, Money>> same_year;
  std::vector<uint8_t> covered(t.rows, 0);
  const std::vector<uint32_t>& by_id = index.rows_by_employee_id;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && order[j]->employee_id == order[i]->employee_id) ++j;
    std::vector<RecoverySchedule*> group(order.begin() + i, order.begin() + j);
    std::vector<bool> open_before;
    for (const RecoverySchedule* s : group) open_before.push_back(s->open());
    const std::string& id = order[i]->employee_id;
    auto it = std::lower_bound(by_id.begin(), by_id.end(), id,
                               [&t](uint32_t row, const std::string& key) { return t.employee_id[row] < key; });
    for (; it != by_id.end() && t.employee_id[*it] == id; ++it) {
      const uint32_t r = *it;
      covered[r] = 1;
      if (result.fate_of(r) != Fate::kPaid) continue;
      const Money recovered = result.amount(layout.recovery, r);
      if (recovered == 0) continue;
      const RecoveryAllocation a = allocate_recovered(recovered, month, group);
      if (a.unallocated > 0) {
        return Status::invalid_argument("line of " + id + " recovered " + std::to_string(recovered) + " in " +
                                        format_month(month) + ", more than its schedules were due");
      }
      ++c.rows;
      c.recovered += recovered;
      if (a.same_year > 0) same_year.emplace_back(r, a.same_year);
    }
    for (size_t k = 0; k < group.size(); ++k) {
      if (open_before[k] && group[k]->balance == 0) ++c.settled;
    }
    i = j;
  }
  for (size_t r = 0; r < t.rows; ++r) {
    if (!covered[r] && result.fate_of(r) == Fate::kPaid && result.amount(layout.recovery, r) != 0) {
      return Status::invalid_argument("row " + std::string(t.employee_id[r]) + " recovered " +
                                      std::to_string(result.amount(layout.recovery, r)) + " in " +
                                      format_month(month) + " but has no recovery schedule");
    }
  }
  const bool new_year = month_number(close->next) == 4;  // the FY figures restart anyway
  if (!new_year) {
    for (const auto& [r, part] : same_year) {
      set_close_value(t, r, kCloseFyGrossToDate, close->value(r, kCloseFyGrossToDate) - part, close);
    }
  }
  *schedules = std::move(next);
  *counts = c;
  return Status();
}

}  // namespace vetan
