#include "core/close/month_close.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>

#include "core/deductions/deductions.h"
#include "core/fate/fate.h"
#include "core/profile/month_rules.h"

namespace vetan {
namespace {

CloseCounts& operator+=(CloseCounts& a, const CloseCounts& b) {
  a.carried += b.carried;
  a.fy_reset += b.fy_reset;
  a.increments += b.increments;
  a.pay_refixed += b.pay_refixed;
  a.gpf_basis_set += b.gpf_basis_set;
  a.gpf_raised += b.gpf_raised;
  a.loans_repaid += b.loans_repaid;
  a.changed_rows += b.changed_rows;
  return a;
}

// rules §2 step 3: the level is in the matrix, the cell within it, basic_pay the cell's.
bool pay_agrees(const MonthRules& rules, Dictionary::Code level, int64_t cell, Money basic) {
  const int32_t cells = rules.level_cells[level];
  return cells >= 1 && cell >= 1 && cell <= cells && rules.level_matrix[level][cell - 1] == basic;
}

// CCS (RP) Rules 2016 rule 10: whether row r draws its annual increment on the first day of
// `next`: its increment month (1 July, or 1 January with increment_month 01), ACTIVE (FR 26:
// suspension earns no increment), in service on the day, and appointed on or before the
// first day of the month six months earlier (rule 10(2)).
bool draws_increment(const EmployeeTable& t, size_t r, Month next, Date retirement) {
  const bool january = (t.flags[r] & kJanuaryIncrement) != 0;
  if (month_number(next) != (january ? 1 : 7)) return false;
  if (EmploymentStatus(t.status[r]) != EmploymentStatus::kActive) return false;
  return retirement >= first_day(next) && t.date_of_joining[r] <= first_day(next - 6);
}

// The close of one row (see month_close.h): writes its next-month values into v and
// returns the bits of the columns that changed.
uint8_t close_row(const EmployeeTable& t, const MonthResult& result, const MonthRules& next,
                  size_t r, int64_t* v, CloseCounts* counts) {
  const bool basis_given = (t.flags[r] & kGpfBasisGiven) != 0;
  const int64_t cell = t.pay_cell[r];
  const Money basic = t.basic_pay[r];
  v[kClosePayCell] = cell;
  v[kCloseBasicPay] = basic;
  v[kCloseGpfSubscription] = t.gpf_subscription[r];
  v[kCloseLwpDays] = t.lwp_days[r];
  v[kCloseLoanBalance] = t.loan_balance[r];
  v[kCloseFyGrossToDate] = t.fy_gross_to_date[r];
  v[kCloseFyTdsToDate] = t.fy_tds_to_date[r];
  v[kCloseGpfBasisPay] = basis_given ? t.gpf_basis_pay[r] : 0;
  if (!t.readable[r]) return 0;
  int64_t old[kCloseColumnCount];
  std::copy(v, v + kCloseColumnCount, old);

  // rules §5, §6: what the month paid, carried.
  if (result.fate_of(r) == Fate::kPaid) {
    const PayslipLayout& layout = result.layout;
    const Money loan = result.amount(layout.loan, r);
    v[kCloseFyGrossToDate] += result.amount(layout.gross, r);
    v[kCloseFyTdsToDate] += result.amount(layout.income_tax, r);
    v[kCloseLoanBalance] -= loan;
    ++counts->carried;
    if (loan > 0 && v[kCloseLoanBalance] == 0) ++counts->loans_repaid;
  }
  const bool new_year = month_number(next.month) == 4;  // rules §6: the FY starts in April
  if (new_year) {
    v[kCloseFyGrossToDate] = 0;
    v[kCloseFyTdsToDate] = 0;
    ++counts->fy_reset;
  }
  v[kCloseLwpDays] = 0;

  const MonthRules& now = result.rules;
  const Dictionary::Code level = t.pay_level.codes[r];
  bool basis_now_given = basis_given;
  if (pay_agrees(now, level, cell, basic)) {
    const int32_t cells = next.level_cells[level];
    if (cells >= 1 && cell <= cells) {
      const Date retirement =
          retirement_date(t.date_of_birth[r], t.date_of_retirement[r], now.profile->retirement_age);
      const bool increment = cell < cells && draws_increment(t, r, next.month, retirement);
      v[kClosePayCell] = cell + (increment ? 1 : 0);
      v[kCloseBasicPay] = next.level_matrix[level][v[kClosePayCell] - 1];
      if (increment) ++counts->increments;
      else if (v[kCloseBasicPay] != basic) ++counts->pay_refixed;
    }
    if (PensionScheme(t.pension_scheme[r]) == PensionScheme::kGpf) {
      // rules §5.1: E is the basic of the 31 March before the FY.
      if (new_year || (!basis_given && v[kCloseBasicPay] != basic)) {
        v[kCloseGpfBasisPay] = basic;
        basis_now_given = true;
      }
      const Money e_now = basis_given ? old[kCloseGpfBasisPay] : basic;
      const Money e_next = basis_now_given ? v[kCloseGpfBasisPay] : v[kCloseBasicPay];
      const Money minimum_now = gpf_minimum(now, level, e_now);
      const Money minimum_next = gpf_minimum(next, level, e_next);
      if (old[kCloseGpfSubscription] >= minimum_now && old[kCloseGpfSubscription] < minimum_next) {
        v[kCloseGpfSubscription] = minimum_next;
        ++counts->gpf_raised;
      }
    }
  }

  uint8_t changed = 0;
  for (int c = 0; c < kCloseColumnCount; ++c) {
    if (c != kCloseGpfBasisPay && v[c] != old[c]) changed |= uint8_t(1u << c);
  }
  if (basis_now_given && (!basis_given || v[kCloseGpfBasisPay] != old[kCloseGpfBasisPay])) {
    changed |= uint8_t(1u << kCloseGpfBasisPay);
    ++counts->gpf_basis_set;
  }
  if (changed != 0) ++counts->changed_rows;
  return changed;
}

struct Reduction {
  CloseCounts counts;
  uint8_t columns = 0;
};

}  // namespace

Status close_month(const EmployeeTable& table, const MonthResult& result, MonthClose* close) {
  MonthRules next;
  if (Status s = resolve_month_rules(*result.rules.profile, result.rules.month + 1,
                                     table.pay_level.dictionary,
                                     table.exempt_deductions.dictionary, &next);
      !s.ok()) {
    return s;
  }
  close->month = result.rules.month;
  close->next = next.month;
  close->rows = table.rows;
  close->changed.assign(table.rows, 0);
  close->values.reset(new int64_t[table.rows * kCloseColumnCount]);  // each row writes its own
  const Reduction total = tbb::parallel_reduce(
      tbb::blocked_range<size_t>(0, table.rows, 4096), Reduction(),
      [&](const tbb::blocked_range<size_t>& range, Reduction sum) {
        for (size_t r = range.begin(); r < range.end(); ++r) {
          const uint8_t changed =
              close_row(table, result, next, r, &close->values[r * kCloseColumnCount], &sum.counts);
          close->changed[r] = changed;
          sum.columns |= changed;
        }
        return sum;
      },
      [](Reduction a, const Reduction& b) {
        a.counts += b.counts;
        a.columns |= b.columns;
        return a;
      });
  close->counts = total.counts;
  close->columns_changed = total.columns;
  return Status();
}

void set_close_value(const EmployeeTable& t, size_t r, int c, int64_t value, MonthClose* close) {
  const int64_t table_value = c == kCloseFyGrossToDate ? t.fy_gross_to_date[r]
                              : c == kCloseFyTdsToDate ? t.fy_tds_to_date[r]
                                                       : t.loan_balance[r];
  close->values[r * kCloseColumnCount + size_t(c)] = value;
  const uint8_t bit = uint8_t(1u << c);
  const uint8_t before = close->changed[r];
  const uint8_t now = value != table_value ? uint8_t(before | bit) : uint8_t(before & ~bit);
  close->changed[r] = now;
  close->columns_changed |= now;
  if (before == 0 && now != 0) ++close->counts.changed_rows;
  if (before != 0 && now == 0) --close->counts.changed_rows;
}

void carry_payment(const EmployeeTable& t, size_t r, Month paid_month, Money gross, Money income_tax, Money loan,
                   MonthClose* close) {
  const auto financial_year = [](Month m) { return month_number(m) >= 4 ? month_year(m) : month_year(m) - 1; };
  if (month_number(close->next) != 4 && financial_year(paid_month) == financial_year(close->month)) {
    set_close_value(t, r, kCloseFyGrossToDate, close->value(r, kCloseFyGrossToDate) + gross, close);
    set_close_value(t, r, kCloseFyTdsToDate, close->value(r, kCloseFyTdsToDate) + income_tax, close);
  }
  if (loan > 0) {
    const int64_t balance = std::max<int64_t>(0, close->value(r, kCloseLoanBalance) - loan);
    if (balance == 0 && close->value(r, kCloseLoanBalance) > 0) ++close->counts.loans_repaid;
    set_close_value(t, r, kCloseLoanBalance, balance, close);
  }
}

}  // namespace vetan
