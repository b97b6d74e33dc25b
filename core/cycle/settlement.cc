#include "core/cycle/settlement.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

namespace vetan::cycle {

std::vector<RunBill> make_run_bills(const EmployeeTable& t, const TableIndex& index, const MonthResult& r,
                                    Month month, int64_t run_id, const CycleState& state) {
  std::vector<std::vector<uint32_t>> rows(index.bills.size());
  for (size_t row = 0; row < r.rows; ++row) {
    if (r.fate_of(row) != Fate::kPaid) continue;
    if (state.settled_by(month, uint32_t(row)) != nullptr) continue;
    rows[index.bill_of_row[row]].push_back(uint32_t(row));
  }
  std::vector<RunBill> out;
  for (const BillTotals& totals : r.bills) {
    std::vector<uint32_t>& list = rows[totals.bill];
    if (list.empty()) continue;
    const BillKey& key = index.bills[totals.bill];
    RunBill b;
    b.source_suffix = key.id_suffix;
    b.id = format_month(month) + "/" + key.id_suffix;
    if (const Bill* old = state.bill(b.id); old != nullptr && settles(old->state)) {
      b.id += "-S" + std::to_string(run_id);
    }
    b.treasury = std::string(t.treasury_code.dictionary.value(key.treasury_code));
    b.ddo = std::string(t.ddo_code.dictionary.value(key.ddo_code));
    b.group = std::string(t.bill_group.dictionary.value(key.bill_group));
    for (uint32_t row : list) {
      b.amounts.gross += r.amount(r.layout.gross, row);
      b.amounts.total_deductions += r.amount(r.layout.total_deductions, row);
      b.amounts.net += r.amount(r.layout.net, row);
    }
    b.amounts.employees = int64_t(list.size());
    b.rows = std::move(list);
    out.push_back(std::move(b));
  }
  return out;
}

void restrict_bill_totals(const EmployeeTable& t, const TableIndex& index, const std::vector<uint8_t>& billed,
                          MonthResult* r) {
  std::vector<int64_t> position(index.bills.size(), -1);
  for (size_t i = 0; i < r->bills.size(); ++i) position[r->bills[i].bill] = int64_t(i);
  std::map<std::tuple<uint32_t, uint32_t, uint8_t>, size_t> head_of;
  for (size_t i = 0; i < r->bill_heads.size(); ++i) {
    const BillHeadTotals& h = r->bill_heads[i];
    head_of[{h.bill, uint32_t(h.budget_head), h.fund_type}] = i;
  }
  for (size_t row = 0; row < r->rows; ++row) {
    if (r->fate_of(row) != Fate::kPaid || billed[row]) continue;
    const uint32_t bill = index.bill_of_row[row];
    if (position[bill] < 0) continue;
    BillTotals& totals = r->bills[size_t(position[bill])];
    totals.employees -= 1;
    for (size_t col = 0; col < r->layout.columns; ++col) totals.amounts[col] -= r->amount(col, row);
    auto head = head_of.find({bill, uint32_t(t.budget_head.codes[row]), t.fund_type[row]});
    if (head == head_of.end()) continue;
    BillHeadTotals& h = r->bill_heads[head->second];
    h.employees -= 1;
    h.gross -= r->amount(r->layout.gross, row);
    h.total_deductions -= r->amount(r->layout.total_deductions, row);
    h.net -= r->amount(r->layout.net, row);
  }
  std::erase_if(r->bill_heads, [](const BillHeadTotals& h) { return h.employees == 0; });
}

}  // namespace vetan::cycle
