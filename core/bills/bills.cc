#include "core/bills/bills.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

namespace vetan {

void compute_bills(const EmployeeTable& table, const TableIndex& index, MonthResult* result) {
  const size_t bill_count = index.bills.size();
  const size_t columns = result->layout.columns;
  const PayslipLayout& layout = result->layout;
  std::vector<BillTotals> bills(bill_count);
  std::vector<std::vector<BillHeadTotals>> heads(bill_count);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, bill_count, 64),
                    [&](const tbb::blocked_range<size_t>& range) {
    for (size_t b = range.begin(); b != range.end(); ++b) {
      BillTotals& bill = bills[b];
      bill.bill = uint32_t(b);
      bill.employees = 0;
      bill.first_row = 0;
      bill.amounts.assign(columns, 0);
      BillHeadTotals* head = nullptr;
      for (uint32_t i = index.bill_begin[b]; i < index.bill_begin[b + 1]; ++i) {
        const uint32_t r = index.rows_by_bill[i];
        if (result->fate_of(r) != Fate::kPaid) continue;
        if (bill.employees == 0 || r < bill.first_row) bill.first_row = r;
        ++bill.employees;
        const PayslipRow slip = result->payslip(r);
        for (size_t c = 0; c < columns; ++c) bill.amounts[c] += slip[c];
        // Rows of a bill come grouped by (budget_head, fund_type): a new pair starts a head.
        const Dictionary::Code budget_head = table.budget_head.codes[r];
        const uint8_t fund = table.fund_type[r];
        if (head == nullptr || head->budget_head != budget_head || head->fund_type != fund) {
          heads[b].push_back(BillHeadTotals{uint32_t(b), budget_head, fund, 0, 0, 0, 0});
          head = &heads[b].back();
        }
        ++head->employees;
        head->gross += slip[layout.gross];
        head->total_deductions += slip[layout.total_deductions];
        head->net += slip[layout.net];
      }
    }
  });
  result->bills.clear();
  result->bill_heads.clear();
  RunSummary& s = result->summary;
  for (size_t b = 0; b < bill_count; ++b) {
    if (bills[b].employees == 0) continue;
    s.gross += bills[b].amounts[layout.gross];
    s.total_deductions += bills[b].amounts[layout.total_deductions];
    s.net += bills[b].amounts[layout.net];
    s.employer_nps += bills[b].amounts[layout.employer_nps];
    result->bills.push_back(std::move(bills[b]));
    for (const BillHeadTotals& h : heads[b]) result->bill_heads.push_back(h);
  }
  s.bills = int64_t(result->bills.size());

  // Rows by fate and by reason.
  struct Counts {
    std::array<int64_t, 3> fates{};
    std::array<int64_t, kReasonCount> reasons{};
  };
  const Counts counts = tbb::parallel_reduce(
      tbb::blocked_range<size_t>(0, result->rows, 65536), Counts{},
      [&](const tbb::blocked_range<size_t>& range, Counts c) {
        for (size_t r = range.begin(); r != range.end(); ++r) {
          ++c.fates[result->fate[r]];
          for (uint32_t bits = result->reasons[r]; bits != 0; bits &= bits - 1) {
            ++c.reasons[size_t(__builtin_ctz(bits))];
          }
        }
        return c;
      },
      [](Counts a, const Counts& b) {
        for (size_t i = 0; i < a.fates.size(); ++i) a.fates[i] += b.fates[i];
        for (size_t i = 0; i < a.reasons.size(); ++i) a.reasons[i] += b.reasons[i];
        return a;
      });
  s.rows = int64_t(result->rows);
  s.paid = counts.fates[size_t(Fate::kPaid)];
  s.stopped = counts.fates[size_t(Fate::kStopped)];
  s.mismatched = counts.fates[size_t(Fate::kMismatch)];
  s.reasons = counts.reasons;
}

}  // namespace vetan
