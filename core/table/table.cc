#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cstring>
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

void StringColumn::assign_parts(const std::vector<StringColumn*>& parts) {
  std::vector<size_t> row_base(parts.size() + 1, 0), byte_base(parts.size() + 1, 0);
  for (size_t i = 0; i < parts.size(); ++i) {
    row_base[i + 1] = row_base[i] + parts[i]->size();
    byte_base[i + 1] = byte_base[i] + parts[i]->byte_size();
  }
  std::vector<uint32_t>(row_base.back() + 1).swap(offsets_);
  std::string().swap(bytes_);
  bytes_.resize(byte_base.back());
  tbb::parallel_for(size_t(0), parts.size(), [&](size_t i) {
    StringColumn& part = *parts[i];
    if (!part.bytes_.empty()) {
      std::memcpy(bytes_.data() + byte_base[i], part.bytes_.data(), part.bytes_.size());
    }
    const uint32_t base = uint32_t(byte_base[i]);
    uint32_t* to = offsets_.data() + row_base[i];
    for (size_t r = 1; r < part.offsets_.size(); ++r) to[r] = base + part.offsets_[r];
    part = StringColumn();
  });
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

void CodeColumn::widen(size_t capacity) {
  wide_codes_.reserve(std::max(capacity, narrow_codes_.size()));
  wide_codes_.assign(narrow_codes_.begin(), narrow_codes_.end());
  std::vector<uint16_t>().swap(narrow_codes_);
  wide_ = true;
}

void CodeColumn::append_recoded(const CodeColumn& other, const std::vector<Code>& recode) {
  const Code largest = recode.empty() ? 0 : *std::max_element(recode.begin(), recode.end());
  if (!wide_ && largest > kNarrowMax) widen(narrow_codes_.capacity());
  const size_t n = other.size();
  if (wide_) {
    const size_t base = wide_codes_.size();
    wide_codes_.resize(base + n);
    for (size_t i = 0; i < n; ++i) wide_codes_[base + i] = recode[other[i]];
  } else {
    const size_t base = narrow_codes_.size();
    narrow_codes_.resize(base + n);
    if (other.wide_) {
      for (size_t i = 0; i < n; ++i) {
        narrow_codes_[base + i] = uint16_t(recode[other.wide_codes_[i]]);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        narrow_codes_[base + i] = uint16_t(recode[other.narrow_codes_[i]]);
      }
    }
  }
}

bool CodeColumn::operator==(const CodeColumn& other) const {
  if (size() != other.size()) return false;
  for (size_t i = 0; i < size(); ++i) {
    if ((*this)[i] != other[i]) return false;
  }
  return true;
}

void DictColumn::append(const DictColumn& other) {
  std::vector<Dictionary::Code> recode(other.dictionary.size());
  for (Dictionary::Code c = 0; c < recode.size(); ++c) {
    recode[c] = dictionary.add(other.dictionary.value(c));
  }
  codes.append_recoded(other.codes, recode);
}

namespace {

// Joins one column of every part into `out`, releasing each part's column once copied, so
// that the peak stays near one table plus one column.
template <typename T>
void join_column(std::vector<EmployeeTable>* parts, std::vector<T> EmployeeTable::*member,
                 EmployeeTable* out, size_t rows) {
  std::vector<T>& to = out->*member;
  to.reserve(rows);
  for (EmployeeTable& part : *parts) {
    std::vector<T>& from = part.*member;
    to.insert(to.end(), from.begin(), from.end());
    std::vector<T>().swap(from);
  }
}

void join_column(std::vector<EmployeeTable>* parts, StringColumn EmployeeTable::*member,
                 EmployeeTable* out, size_t rows, size_t bytes) {
  StringColumn& to = out->*member;
  to.reserve(rows, bytes);
  for (EmployeeTable& part : *parts) {
    to.append(part.*member);
    part.*member = StringColumn();
  }
}

template <typename Narrow, int64_t kScale>
void join_column(std::vector<EmployeeTable>* parts,
                 PackedIntColumn<Narrow, kScale> EmployeeTable::*member, EmployeeTable* out,
                 size_t rows) {
  PackedIntColumn<Narrow, kScale>& to = out->*member;
  to.reserve(rows);
  for (EmployeeTable& part : *parts) {
    to.append(part.*member);
    part.*member = PackedIntColumn<Narrow, kScale>();
  }
}

template <typename Codec>
void join_column(std::vector<EmployeeTable>* parts,
                 PackedTextColumn<Codec> EmployeeTable::*member, EmployeeTable* out,
                 size_t rows) {
  PackedTextColumn<Codec>& to = out->*member;
  to.reserve(rows);
  for (EmployeeTable& part : *parts) {
    to.append(part.*member);
    part.*member = PackedTextColumn<Codec>();
  }
}

void join_column(std::vector<EmployeeTable>* parts, DictColumn EmployeeTable::*member,
                 EmployeeTable* out, size_t rows) {
  DictColumn& to = out->*member;
  to.codes.reserve(rows);
  for (EmployeeTable& part : *parts) {
    to.append(part.*member);
    part.*member = DictColumn();
  }
}

}  // namespace

Status EmployeeTable::concatenate(std::vector<EmployeeTable>* parts, EmployeeTable* table,
                                 const std::function<void()>& column_done) {
  using T = EmployeeTable;
  StringColumn T::*const strings[] = {&T::employee_id, &T::name, &T::gpf_account, &T::pran};
  size_t rows = 0;
  std::array<size_t, std::size(strings)> bytes{};
  for (const EmployeeTable& p : *parts) {
    rows += p.rows;
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] += (p.*strings[i]).byte_size();
  }
  for (size_t b : bytes) {
    if (b > StringColumn::kMaxBytes) {
      return Status::invalid_argument("too large: a text column exceeds 4 GiB");
    }
  }
  size_t side_bytes[3] = {};
  for (const EmployeeTable& p : *parts) {
    side_bytes[0] += p.pan.side_bytes();
    side_bytes[1] += p.ifsc.side_bytes();
    side_bytes[2] += p.bank_account.side_bytes();
  }
  for (size_t b : side_bytes) {
    if (b > StringColumn::kMaxBytes) {
      return Status::invalid_argument("too large: a text column exceeds 4 GiB");
    }
  }
  auto done = [&column_done] {
    if (column_done) column_done();
  };
  EmployeeTable out;
  for (const EmployeeTable& p : *parts) {
    for (const RowProblem& problem : p.problems) {
      out.problems.push_back(RowProblem{problem.row + uint32_t(out.rows), problem.text});
    }
    out.rows += p.rows;
  }
  // One job per column (columns are independent), run in parallel: each joins its column
  // of every part, releases the parts' copies and reports it done.
  std::vector<std::function<void()>> jobs;
  for (size_t i = 0; i < bytes.size(); ++i) {
    jobs.push_back([&, i] { join_column(parts, strings[i], &out, rows, bytes[i]); });
  }
  jobs.push_back([&] { join_column(parts, &T::pan, &out, rows); });
  jobs.push_back([&] { join_column(parts, &T::ifsc, &out, rows); });
  jobs.push_back([&] { join_column(parts, &T::bank_account, &out, rows); });
  jobs.push_back([&] {
    for (auto member : {&T::readable, &T::status, &T::fund_type, &T::pension_scheme,
                        &T::hra_class, &T::flags, &T::lwp_days}) {
      join_column(parts, member, &out, rows);
    }
  });
  for (auto member : {&T::date_of_birth, &T::date_of_joining, &T::date_of_retirement}) {
    jobs.push_back([&, member] { join_column(parts, member, &out, rows); });
  }
  for (auto member : {&T::treasury_code, &T::ddo_code, &T::bill_group, &T::department,
                      &T::budget_head, &T::pay_level, &T::stop_reason, &T::exempt_deductions}) {
    jobs.push_back([&, member] { join_column(parts, member, &out, rows); });
  }
  for (auto member : {&T::gpf_subscription, &T::special_pay, &T::loan_installment,
                      &T::loan_balance, &T::income_tax_declared, &T::fy_gross_to_date,
                      &T::fy_tds_to_date}) {
    jobs.push_back([&, member] { join_column(parts, member, &out, rows); });
  }
  jobs.push_back([&] { join_column(parts, &T::pay_cell, &out, rows); });
  for (auto member : {&T::basic_pay, &T::gpf_basis_pay, &T::chapter_via_deductions}) {
    jobs.push_back([&, member] { join_column(parts, member, &out, rows); });
  }
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t j) {
    jobs[j]();
    done();
  });
  parts->clear();
  *table = std::move(out);
  return Status();
}

void EmployeeTable::reserve(double scale) {
  const size_t n = size_t(double(rows) * scale) + 1;
  for (StringColumn* c : {&employee_id, &name, &gpf_account, &pran}) {
    c->reserve(n, size_t(double(c->byte_size()) * scale) + 1);
  }
  pan.reserve(n);
  ifsc.reserve(n);
  bank_account.reserve(n);
  for (auto* c : {&readable, &status, &fund_type, &pension_scheme, &hra_class, &flags, &lwp_days}) {
    c->reserve(n);
  }
  for (auto* c : {&date_of_birth, &date_of_joining, &date_of_retirement}) c->reserve(n);
  for (auto* c : {&treasury_code, &ddo_code, &bill_group, &department, &budget_head, &pay_level,
                  &stop_reason, &exempt_deductions}) {
    c->codes.reserve(n);
  }
  for (auto* c : {&gpf_subscription, &special_pay, &loan_installment, &loan_balance,
                  &income_tax_declared, &fy_gross_to_date, &fy_tds_to_date}) {
    c->reserve(n);
  }
  pay_cell.reserve(n);
  for (auto* c : {&basic_pay, &gpf_basis_pay, &chapter_via_deductions}) c->reserve(n);
}

template <typename T>
static size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
template <typename Narrow, int64_t kScale>
static size_t bytes_of(const PackedIntColumn<Narrow, kScale>& c) {
  return c.memory_bytes();
}
template <typename Codec>
static size_t bytes_of(const PackedTextColumn<Codec>& c) {
  return c.memory_bytes();
}
static size_t bytes_of(const DictColumn& c) {
  size_t n = c.codes.memory_bytes();
  for (size_t i = 0; i < c.dictionary.size(); ++i) n += c.dictionary.value(i).size() + 64;
  return n;
}

size_t EmployeeTable::memory_bytes() const {
  size_t n = bytes_of(readable) + employee_id.memory_bytes() + name.memory_bytes() +
             gpf_account.memory_bytes() + pran.memory_bytes() + bytes_of(bank_account) +
             bytes_of(ifsc) + bytes_of(pan) + bytes_of(date_of_birth) +
             bytes_of(date_of_joining) + bytes_of(date_of_retirement) + bytes_of(status) +
             bytes_of(fund_type) + bytes_of(pension_scheme) + bytes_of(hra_class) +
             bytes_of(flags) + bytes_of(lwp_days) + bytes_of(treasury_code) +
             bytes_of(ddo_code) + bytes_of(bill_group) + bytes_of(department) +
             bytes_of(budget_head) + bytes_of(pay_level) + bytes_of(stop_reason) +
             bytes_of(pay_cell) + bytes_of(basic_pay) + bytes_of(gpf_subscription) +
             bytes_of(special_pay) + bytes_of(loan_installment) + bytes_of(loan_balance) +
             bytes_of(income_tax_declared) + bytes_of(fy_gross_to_date) +
             bytes_of(fy_tds_to_date) + bytes_of(exempt_deductions) + bytes_of(gpf_basis_pay) +
             bytes_of(chapter_via_deductions);
  for (const RowProblem& p : problems) n += sizeof p + p.text.capacity();
  return n;
}

}  // namespace vetan
