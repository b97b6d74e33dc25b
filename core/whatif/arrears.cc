#include "core/whatif/arrears.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/run/row_kernel.h"
#include "core/whatif/whatif.h"

namespace vetan {
namespace {

constexpr size_t kRowsPerChunk = 8192;

bool same_allowances(const Profile& a, const Profile& b) {
  if (a.allowances.size() != b.allowances.size()) return false;
  for (size_t i = 0; i < a.allowances.size(); ++i) {
    if (a.allowances[i].code != b.allowances[i].code) return false;
  }
  return true;
}

// Where each arrears column sits in a payslip of `layout`.
std::vector<size_t> arrear_slots(const PayslipLayout& layout) {
  std::vector<size_t> slots;
  for (size_t c = 0; c <= layout.special_pay; ++c) slots.push_back(c);
  slots.push_back(layout.gross);
  slots.push_back(layout.employer_nps);
  return slots;
}

}  // namespace

Status run_arrears(const EmployeeTable& t, const TableIndex& index, const Profile& drawn,
                   const Profile& due, Month from, Month to, ArrearsResult* result) {
  if (!same_allowances(drawn, due)) {
    return Status::invalid_argument("the two profiles must have the same allowances");
  }
  ArrearsResult& out = *result;
  const PayslipLayout drawn_layout(drawn), due_layout(due);
  const std::vector<size_t> drawn_slots = arrear_slots(drawn_layout);
  const std::vector<size_t> due_slots = arrear_slots(due_layout);
  out.columns.clear();
  for (size_t slot : drawn_slots) out.columns.push_back(drawn_layout.names[slot]);
  const size_t width = out.columns.size();
  out.months.clear();
  out.bills.clear();
  for (Month m = from; m <= to; ++m) {
    MonthRules drawn_rules, due_rules;
    if (Status s = resolve_month_rules(drawn, m, t, &drawn_rules); !s.ok()) {
      return s;
    }
    if (Status s = resolve_month_rules(due, m, t, &due_rules); !s.ok()) {
      return s;
    }
    const Projection projection = projection_for(from, m, false);
    ArrearsMonth& month = out.months.emplace_back();
    month.month = m;
    month.drawn_fate.resize(t.rows);
    month.due_fate.resize(t.rows);
    month.deltas.reset(t.rows, width);
    std::vector<PayslipAmounts::Wide> wide;  // every chunk's amounts past 32 bits
    std::mutex wide_mutex;
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, t.rows, kRowsPerChunk),
        [&](const tbb::blocked_range<size_t>& range) {
          std::vector<Money> a(drawn_layout.columns), b(due_layout.columns);  // once per chunk
          std::vector<Money> d(width);
          std::vector<PayslipAmounts::Wide> chunk_wide;
          for (size_t r = range.begin(); r < range.end(); ++r) {
            // Only fates and earnings are reported: income tax only when it decides a fate.
            const RowDecision x = decide_row(t, index, drawn_rules, drawn_layout, projection, r,
                                             a.data(), TaxMode::kWhenDecisive);
            const RowDecision y = decide_row(t, index, due_rules, due_layout, projection, r,
                                             b.data(), TaxMode::kWhenDecisive);
            month.drawn_fate[r] = uint8_t(x.fate);
            month.due_fate[r] = uint8_t(y.fate);
            if (month.paid_in_both(r)) {
              for (size_t c = 0; c < width; ++c) d[c] = b[due_slots[c]] - a[drawn_slots[c]];
            } else {
              std::fill(d.begin(), d.end(), Money(0));
            }
            month.deltas.store(r, d.data(), &chunk_wide);
          }
          if (!chunk_wide.empty()) {
            std::lock_guard lock(wide_mutex);
            wide.insert(wide.end(), chunk_wide.begin(), chunk_wide.end());
          }
        });
    month.deltas.set_wide(std::move(wide));  // sorted there: the same for any chunking
    // arrear_bills.csv: this month's bills, in bill order (so in bill id order overall).
    std::vector<ArrearBill> bills(index.bills.size());
    tbb::parallel_for(size_t(0), index.bills.size(), [&](size_t bill) {
      ArrearBill& b = bills[bill];
      b = ArrearBill{m, uint32_t(bill), 0, std::vector<Money>(width, 0)};
      for (uint32_t i = index.bill_begin[bill]; i < index.bill_begin[bill + 1]; ++i) {
        const uint32_t r = index.rows_by_bill[i];
        if (!month.paid_in_both(r)) continue;
        ++b.employees;
        const PayslipRow d = month.deltas.row(r);
        for (size_t c = 0; c < width; ++c) b.amounts[c] += d[c];
      }
    });
    for (ArrearBill& b : bills) {
      if (b.employees > 0) out.bills.push_back(std::move(b));
    }
  }
  return Status();
}

}  // namespace vetan
