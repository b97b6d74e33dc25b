#include <algorithm>
#include <array>
#include <numeric>

#include "core/table/dictionary.h"
#include "core/table/employee_table.h"
#include "core/table/string_column.h"

namespace vetan {

void StringColumn::append(const StringColumn& other) {
  const uint32_t base = uint32_t(bytes_.size());
  bytes_.append(other.bytes_);
  for (size_t i = 1; i < other.offsets_.size(); ++i) offsets_.push_back(base + other.offsets_[i]);
}

std::vector<uint32_t> Dictionary::byte_order_ranks() const {
  std::vector<uint32_t> order(values_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [this](uint32_t a, uint32_t b) { return values_[a] < values_[b]; });
  std::vector<uint32_t> rank(values_.size());
  for (uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  return rank;
}

void DictColumn::append(const DictColumn& other) {
  std::vector<Dictionary::Code> recode(other.dictionary.size());
  for (Dictionary::Code c = 0; c < recode.size(); ++c) {
    recode[c] = dictionary.add(other.dictionary.value(c));
  }
  for (Dictionary::Code c : other.codes) codes.push_back(recode[c]);
}

template <typename T>
static void append_vector(std::vector<T>* to, const std::vector<T>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

void EmployeeTable::append(const EmployeeTable& other) {
  const uint32_t base = static_cast<uint32_t>(rows);
  for (const RowProblem& p : other.problems) {
    problems.push_back(RowProblem{p.row + base, p.text});
  }
  append_vector(&readable, other.readable);
  employee_id.append(other.employee_id);
  name.append(other.name);
  gpf_account.append(other.gpf_account);
  pran.append(other.pran);
  bank_account.append(other.bank_account);
  ifsc.append(other.ifsc);
  pan.append(other.pan);
  append_vector(&date_of_birth, other.date_of_birth);
  append_vector(&date_of_joining, other.date_of_joining);
  append_vector(&date_of_retirement, other.date_of_retirement);
  append_vector(&status, other.status);
  append_vector(&fund_type, other.fund_type);
  append_vector(&pension_scheme, other.pension_scheme);
  append_vector(&hra_class, other.hra_class);
  append_vector(&flags, other.flags);
  append_vector(&lwp_days, other.lwp_days);
  treasury_code.append(other.treasury_code);
  ddo_code.append(other.ddo_code);
  bill_group.append(other.bill_group);
  department.append(other.department);
  budget_head.append(other.budget_head);
  pay_level.append(other.pay_level);
  stop_reason.append(other.stop_reason);
  append_vector(&pay_cell, other.pay_cell);
  append_vector(&basic_pay, other.basic_pay);
  append_vector(&gpf_subscription, other.gpf_subscription);
  append_vector(&special_pay, other.special_pay);
  append_vector(&loan_installment, other.loan_installment);
  append_vector(&loan_balance, other.loan_balance);
  append_vector(&income_tax_declared, other.income_tax_declared);
  append_vector(&fy_gross_to_date, other.fy_gross_to_date);
  append_vector(&fy_tds_to_date, other.fy_tds_to_date);
  rows += other.rows;
}

Status EmployeeTable::concatenate(std::vector<EmployeeTable>* parts, EmployeeTable* table) {
  EmployeeTable out;
  size_t rows = 0;
  std::array<size_t, 7> bytes{};
  for (const EmployeeTable& p : *parts) {
    rows += p.rows;
    const StringColumn* columns[7] = {&p.employee_id, &p.name, &p.gpf_account, &p.pran,
                                      &p.bank_account, &p.ifsc, &p.pan};
    for (size_t i = 0; i < 7; ++i) bytes[i] += columns[i]->byte_size();
  }
  for (size_t b : bytes) {
    if (b > StringColumn::kMaxBytes) return Status::invalid_argument("too large: a text column exceeds 4 GiB");
  }
  // Reserve once, so that appending part after part copies each value once.
  out.readable.reserve(rows);
  StringColumn* columns[7] = {&out.employee_id, &out.name, &out.gpf_account, &out.pran,
                              &out.bank_account, &out.ifsc, &out.pan};
  for (size_t i = 0; i < 7; ++i) columns[i]->reserve(rows, bytes[i]);
  for (auto* v : {&out.date_of_birth, &out.date_of_joining, &out.date_of_retirement}) v->reserve(rows);
  for (auto* v : {&out.status, &out.fund_type, &out.pension_scheme, &out.hra_class, &out.flags,
                  &out.lwp_days}) {
    v->reserve(rows);
  }
  for (auto* c : {&out.treasury_code, &out.ddo_code, &out.bill_group, &out.department,
                  &out.budget_head, &out.pay_level, &out.stop_reason}) {
    c->codes.reserve(rows);
  }
  for (auto* v : {&out.pay_cell, &out.basic_pay, &out.gpf_subscription, &out.special_pay,
                  &out.loan_installment, &out.loan_balance, &out.income_tax_declared,
                  &out.fy_gross_to_date, &out.fy_tds_to_date}) {
    v->reserve(rows);
  }
  for (EmployeeTable& p : *parts) {
    out.append(p);
    p = EmployeeTable();  // give the part's memory back as soon as it is copied
  }
  *table = std::move(out);
  return Status();
}

template <typename T>
static size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
static size_t bytes_of(const DictColumn& c) {
  size_t n = bytes_of(c.codes);
  for (size_t i = 0; i < c.dictionary.size(); ++i) n += c.dictionary.value(i).size() + 64;
  return n;
}

size_t EmployeeTable::memory_bytes() const {
  size_t n = bytes_of(readable) + employee_id.memory_bytes() + name.memory_bytes() +
             gpf_account.memory_bytes() + pran.memory_bytes() + bank_account.memory_bytes() +
             ifsc.memory_bytes() + pan.memory_bytes() + bytes_of(date_of_birth) +
             bytes_of(date_of_joining) + bytes_of(date_of_retirement) + bytes_of(status) +
             bytes_of(fund_type) + bytes_of(pension_scheme) + bytes_of(hra_class) +
             bytes_of(flags) + bytes_of(lwp_days) + bytes_of(treasury_code) +
             bytes_of(ddo_code) + bytes_of(bill_group) + bytes_of(department) +
             bytes_of(budget_head) + bytes_of(pay_level) + bytes_of(stop_reason) +
             bytes_of(pay_cell) + bytes_of(basic_pay) + bytes_of(gpf_subscription) +
             bytes_of(special_pay) + bytes_of(loan_installment) + bytes_of(loan_balance) +
             bytes_of(income_tax_declared) + bytes_of(fy_gross_to_date) +
             bytes_of(fy_tds_to_date);
  for (const RowProblem& p : problems) n += sizeof p + p.text.capacity();
  return n;
}

}  // namespace vetan
