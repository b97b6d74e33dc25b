#include "core/tax_returns/tax_returns.h"

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "core/tax/income_tax.h"

namespace vetan {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A scaled tax amount (kTaxScale) rounded half up to the rupee.
Money to_rupees(Int128 scaled) { return Money((scaled + kTaxScale / 2) / kTaxScale); }

// Ranks of the DDOs in (treasury_code, ddo_code) order.
std::vector<uint32_t> ddo_ranks(const std::vector<ReturnsDdo>& ddos) {
  std::vector<uint32_t> order(ddos.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&ddos](uint32_t a, uint32_t b) {
    if (ddos[a].treasury_code != ddos[b].treasury_code) {
      return ddos[a].treasury_code < ddos[b].treasury_code;
    }
    return ddos[a].ddo_code < ddos[b].ddo_code;
  });
  std::vector<uint32_t> rank(ddos.size());
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

// Ranks of the persons in employee_id order.
std::vector<uint32_t> person_ranks(const std::vector<ReturnsPerson>& persons) {
  std::vector<uint32_t> order(persons.size());
  std::iota(order.begin(), order.end(), 0u);
  tbb::parallel_sort(order.begin(), order.end(), [&persons](uint32_t a, uint32_t b) {
    return persons[a].employee_id < persons[b].employee_id;
  });
  std::vector<uint32_t> rank(persons.size());
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

// rules §6 steps 2-7 on the year's salary, split as Form 16 Part B prints it.
void compute_part_b(const ReturnsPerson& person, const IncomeTaxYear& year, Form16PartB* b) {
  const TaxRegime& regime = person.old_regime ? year.old_regime : year;
  b->standard_deduction = std::min(std::max<Money>(b->gross_salary, 0), regime.standard_deduction);
  b->income_under_salaries = b->gross_salary - b->standard_deduction;
  b->chapter_via_deductions =
      person.old_regime
          ? std::min(std::max<Money>(b->income_under_salaries, 0), person.chapter_via_deductions)
          : 0;
  b->taxable_income = rnd10(std::max<Money>(0, b->income_under_salaries - b->chapter_via_deductions));
  // Each figure is the rupee rounding of the exact running total, so that
  // tax_on_income - rebate_87a + surcharge + cess is the exact total rounded to the rupee.
  const Int128 slab = slab_tax(regime, b->taxable_income);
  const Int128 after_rebate = tax_after_rebate(regime, b->taxable_income);
  const Int128 before_cess = tax_with_surcharge(regime, b->taxable_income, nullptr);
  const Int128 total = with_cess(regime, before_cess);
  b->tax_on_income = to_rupees(slab);
  b->rebate_87a = b->tax_on_income - to_rupees(after_rebate);
  b->surcharge = to_rupees(before_cess) - to_rupees(after_rebate);
  b->cess = to_rupees(total) - to_rupees(before_cess);
  b->tax_payable = round_annual_tax(total);
  b->relief_89 = 0;
  b->net_tax_payable = b->tax_payable - b->relief_89;
  b->balance = b->net_tax_payable - b->tds;
}

}  // namespace

bool parse_tax_quarter(std::string_view text, TaxQuarter* quarter) {
  // YYYY-YYQn
  if (text.size() != 9 || text[4] != '-' || text[7] != 'Q') return false;
  const std::string_view first = text.substr(0, 4), second = text.substr(5, 2);
  if (!all_digits(first) || !all_digits(second) || text[8] < '1' || text[8] > '4') return false;
  const int32_t start = std::stoi(std::string(first));
  if (start < 1900 || (start + 1) % 100 != std::stoi(std::string(second))) return false;
  quarter->fy_start = start;
  quarter->quarter = text[8] - '0';
  return true;
}

std::string format_financial_year(int32_t fy_start) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", int(fy_start), int((fy_start + 1) % 100));
  return text;
}

std::string format_tax_quarter(const TaxQuarter& quarter) {
  return format_financial_year(quarter.fy_start) + "Q" + std::to_string(quarter.quarter);
}

std::string deductee_pan(std::string_view pan) {
  if (pan.empty()) return "PANNOTAVBL";
  bool ok = pan.size() == 10;
  for (size_t i = 0; ok && i < pan.size(); ++i) {
    const char c = pan[i];
    ok = (i >= 5 && i <= 8) ? (c >= '0' && c <= '9') : (c >= 'A' && c <= 'Z');
  }
  return ok ? std::string(pan) : "PANINVALID";
}

Status compute_tax_returns(const ReturnsInput& in, TaxReturns* out) {
  const TaxQuarter& q = in.quarter;
  if (q.quarter < 1 || q.quarter > 4) return Status::invalid_argument("quarter must be 1 to 4");
  if (in.tax == nullptr || in.tax->from != q.fy_first_month()) {
    return Status::invalid_argument("the profile has no income_tax entry for the financial year " +
                                    format_financial_year(q.fy_start));
  }
  const Month first = q.fy_first_month(), last = q.last_month();
  std::vector<int> given(size_t(last - first + 1), -1);
  for (size_t i = 0; i < in.months.size(); ++i) {
    const Month m = in.months[i].month;
    if (m < first || m > last) {
      return Status::invalid_argument("a run of " + format_month(m) + " is not of " +
                                      format_financial_year(q.fy_start) + " up to " +
                                      format_tax_quarter(q) + " (" + format_month(first) + " to " +
                                      format_month(last) + ")");
    }
    if (given[size_t(m - first)] >= 0) {
      return Status::invalid_argument("two runs of " + format_month(m) + " are given");
    }
    given[size_t(m - first)] = int(i);
  }
  for (size_t k = 0; k < given.size(); ++k) {
    if (given[k] < 0) {
      return Status::invalid_argument(
          "no run of " + format_month(first + Month(k)) + " is given: " + format_tax_quarter(q) +
          " needs every month from " + format_month(first) + " to " + format_month(last) +
          " (Form 16 Part B is the year's salary)");
    }
  }
  for (const ReturnsPerson& p : in.persons) {
    if (p.old_regime && !in.tax->has_old_regime) {
      return Status::invalid_argument(
          "employee " + p.employee_id + " chooses tax_regime OLD, but the income_tax entry of " +
          format_financial_year(q.fy_start) + " has no old_regime (rules §6.1)");
    }
  }
  for (const MonthPayslips& m : in.months) {
    const size_t n = m.person.size();
    if (m.ddo.size() != n || m.gross.size() != n || m.tds.size() != n) {
      return Status::invalid_argument(format_month(m.month) + ": payslip columns of unequal length");
    }
    for (size_t i = 0; i < n; ++i) {
      if (m.person[i] >= in.persons.size() || m.ddo[i] >= in.ddos.size()) {
        return Status::invalid_argument(format_month(m.month) + ": payslip " +
                                        std::to_string(i + 1) + " names no person or DDO");
      }
    }
  }

  TaxReturns r;
  r.quarter = q;
  const std::vector<uint32_t> ddo_rank = ddo_ranks(in.ddos);
  const std::vector<uint32_t> person_rank = person_ranks(in.persons);

  // Form 16 Part B: the year's payslips, month by month in order.
  std::vector<Form16PartB> part_b(in.persons.size());
  std::vector<uint8_t> paid(in.persons.size(), 0);
  for (size_t k = 0; k < given.size(); ++k) {
    const MonthPayslips& m = in.months[size_t(given[k])];
    for (size_t i = 0; i < m.person.size(); ++i) {
      Form16PartB& b = part_b[m.person[i]];
      if (!paid[m.person[i]]) {
        paid[m.person[i]] = 1;
        b.person = m.person[i];
        b.first_month = m.month;
      }
      b.last_month = m.month;
      b.ddo = m.ddo[i];
      ++b.months;
      b.gross_salary += m.gross[i];
      b.tds += m.tds[i];
    }
  }
  // The part paid on other DDOs' bills than the issuer's.
  for (size_t k = 0; k < given.size(); ++k) {
    const MonthPayslips& m = in.months[size_t(given[k])];
    for (size_t i = 0; i < m.person.size(); ++i) {
      Form16PartB& b = part_b[m.person[i]];
      if (m.ddo[i] != b.ddo) b.gross_from_other_ddos += m.gross[i];
    }
  }
  for (size_t p = 0; p < part_b.size(); ++p) {
    if (!paid[p]) continue;
    compute_part_b(in.persons[p], *in.tax, &part_b[p]);
    r.form16.push_back(part_b[p]);
  }
  std::sort(r.form16.begin(), r.form16.end(), [&](const Form16PartB& a, const Form16PartB& b) {
    return person_rank[a.person] < person_rank[b.person];
  });

  // Form 24Q Annexure I: the quarter's payslips by DDO, employee, month.
  for (Month month = q.first_month(); month <= last; ++month) {
    const MonthPayslips& m = in.months[size_t(given[size_t(month - first)])];
    for (size_t i = 0; i < m.person.size(); ++i) {
      r.form24q.push_back(Form24QRow{m.ddo[i], m.person[i], 0, m.month, m.gross[i], m.tds[i]});
    }
  }
  tbb::parallel_sort(r.form24q.begin(), r.form24q.end(),
                     [&](const Form24QRow& a, const Form24QRow& b) {
                       if (a.ddo != b.ddo) return ddo_rank[a.ddo] < ddo_rank[b.ddo];
                       if (a.person != b.person) return person_rank[a.person] < person_rank[b.person];
                       return a.month < b.month;
                     });
  for (size_t i = 0; i < r.form24q.size(); ++i) {
    Form24QRow& row = r.form24q[i];
    const bool new_ddo = i == 0 || r.form24q[i - 1].ddo != row.ddo;
    if (new_ddo) r.form24q_totals.push_back(Form24QTotal{row.ddo});
    Form24QTotal& t = r.form24q_totals.back();
    row.serial = uint32_t(++t.rows);
    if (new_ddo || r.form24q[i - 1].person != row.person) ++t.deductees;
    t.amount_paid += row.amount_paid;
    t.tds += row.tds;
  }

  // Form 24G: each month of the quarter by DDO.
  for (Month month = q.first_month(); month <= last; ++month) {
    const MonthPayslips& m = in.months[size_t(given[size_t(month - first)])];
    std::vector<Form24GLine> lines(in.ddos.size());
    for (size_t d = 0; d < lines.size(); ++d) lines[d] = Form24GLine{month, uint32_t(d)};
    for (size_t i = 0; i < m.person.size(); ++i) {
      Form24GLine& line = lines[m.ddo[i]];
      ++line.employees;
      line.amount_paid += m.gross[i];
      line.tds += m.tds[i];
    }
    std::sort(lines.begin(), lines.end(), [&](const Form24GLine& a, const Form24GLine& b) {
      return ddo_rank[a.ddo] < ddo_rank[b.ddo];
    });
    for (const Form24GLine& line : lines) {
      if (line.employees > 0) r.form24g.push_back(line);
    }
  }
  *out = std::move(r);
  return Status();
}

}  // namespace vetan
