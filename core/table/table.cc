#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <atomic>
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

bool StringColumn::assign_replaced(const StringColumn& base,
                                   const std::vector<std::pair<uint32_t, std::string_view>>& values) {
  size_t total = base.bytes_.size();
  for (const auto& [row, value] : values) total = total - (base.offsets_[row + 1] - base.offsets_[row]) + value.size();
  if (total > kMaxBytes) return false;
  const size_t rows = base.size();
  std::vector<uint32_t> offsets(rows + 1, 0);
  std::string bytes;
  bytes.reserve(total);
  // Copies base rows [from, to): their bytes in one piece, their offsets shifted.
  auto copy_run = [&](size_t from, size_t to) {
    if (from >= to) return;
    const uint32_t begin = base.offsets_[from];
    const uint32_t at = uint32_t(bytes.size());
    bytes.append(base.bytes_.data() + begin, base.offsets_[to] - begin);
    for (size_t r = from; r < to; ++r) offsets[r + 1] = base.offsets_[r + 1] - begin + at;
  };
  size_t next = 0;
  for (const auto& [row, value] : values) {
    copy_run(next, row);
    bytes.append(value.data(), value.size());
    offsets[size_t(row) + 1] = uint32_t(bytes.size());
    next = size_t(row) + 1;
  }
  copy_run(next, rows);
  offsets_ = std::move(offsets);
  bytes_ = std::move(bytes);
  return true;
}

void DictColumn::assign_replaced(const DictColumn& base,
                                 const std::vector<std::pair<uint32_t, std::string_view>>& values) {
  bool same = true;
  for (const auto& [row, value] : values) same = same && base[row] == value;
  if (same) {
    *this = base;
    return;
  }
  // Re-coded as the loader codes: each value's code in order of first appearance.
  Dictionary dictionary_out;
  CodeColumn codes_out;
  const size_t rows = base.codes.size();
  codes_out.reserve(rows);
  constexpr Dictionary::Code kUnseen = UINT32_MAX;
  std::vector<Dictionary::Code> recode(base.dictionary.size(), kUnseen);
  size_t next = 0;  // into values
  for (size_t r = 0; r < rows; ++r) {
    if (next < values.size() && values[next].first == r) {
      codes_out.push_back(dictionary_out.add(values[next].second));
      ++next;
      continue;
    }
    const Dictionary::Code c = base.codes[r];
    if (recode[c] == kUnseen) recode[c] = dictionary_out.add(base.dictionary.value(c));
    codes_out.push_back(recode[c]);
  }
  dictionary = std::move(dictionary_out);
  codes = std::move(codes_out);
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

EmployeeRow EmployeeTable::row(size_t r) const {
  EmployeeRow e;
  e.readable = readable[r] != 0;
  if (!e.readable) {
    auto it = std::lower_bound(problems.begin(), problems.end(), r,
                               [](const RowProblem& p, size_t row) { return p.row < row; });
    if (it != problems.end() && it->row == r) e.problem = it->text;
  }
  e.employee_id = employee_id[r];
  e.name = name[r];
  e.gpf_account = gpf_account[r];
  e.pran = pran[r];
  e.bank_account = std::string(bank_account[r]);
  e.ifsc = std::string(ifsc[r]);
  e.pan = std::string(pan[r]);
  e.date_of_birth = date_of_birth[r];
  e.date_of_joining = date_of_joining[r];
  e.date_of_retirement = date_of_retirement[r];
  e.status = status[r];
  e.fund_type = fund_type[r];
  e.pension_scheme = pension_scheme[r];
  e.hra_class = hra_class[r];
  e.flags = flags[r];
  e.lwp_days = lwp_days[r];
  e.treasury_code = treasury_code[r];
  e.ddo_code = ddo_code[r];
  e.bill_group = bill_group[r];
  e.department = department[r];
  e.budget_head = budget_head[r];
  e.pay_level = pay_level[r];
  e.stop_reason = stop_reason[r];
  e.exempt_deductions = exempt_deductions[r];
  e.pay_cell = pay_cell[r];
  e.basic_pay = basic_pay[r];
  e.gpf_subscription = gpf_subscription[r];
  e.special_pay = special_pay[r];
  e.loan_installment = loan_installment[r];
  e.loan_balance = loan_balance[r];
  e.income_tax_declared = income_tax_declared[r];
  e.fy_gross_to_date = fy_gross_to_date[r];
  e.fy_tds_to_date = fy_tds_to_date[r];
  e.gpf_basis_pay = gpf_basis_pay[r];
  e.chapter_via_deductions = chapter_via_deductions[r];
  return e;
}

namespace {

using Replacements = std::vector<std::pair<uint32_t, const EmployeeRow*>>;

// The replaced rows' values of one column: (row, value) in row order.
template <typename Value, typename Field>
std::vector<std::pair<uint32_t, Value>> values_of(const Replacements& replacements, Field field) {
  std::vector<std::pair<uint32_t, Value>> out;
  out.reserve(replacements.size());
  for (const auto& [row, values] : replacements) out.emplace_back(row, Value(values->*field));
  return out;
}

template <typename T, typename Field>
void replace_plain(std::vector<T>* to, const std::vector<T>& from, const Replacements& replacements,
                   Field field) {
  *to = from;
  for (const auto& [row, values] : replacements) (*to)[row] = values->*field;
}

}  // namespace

Status EmployeeTable::with_rows(const EmployeeTable& base, const Replacements& replacements,
                                EmployeeTable* out) {
  for (size_t i = 0; i < replacements.size(); ++i) {
    if (replacements[i].first >= base.rows || replacements[i].second == nullptr ||
        (i > 0 && replacements[i].first <= replacements[i - 1].first)) {
      return Status::invalid_argument("replaced rows out of order or range");
    }
  }
  using T = EmployeeTable;
  using R = EmployeeRow;
  EmployeeTable t;
  t.rows = base.rows;
  // One job per column (columns are independent), run in parallel as concatenate's are.
  std::vector<std::function<void()>> jobs;
  std::atomic<bool> too_large{false};
  // Text columns, rebuilt once each.
  const std::pair<StringColumn T::*, std::string R::*> strings[] = {
      {&T::employee_id, &R::employee_id}, {&T::name, &R::name},
      {&T::gpf_account, &R::gpf_account}, {&T::pran, &R::pran}};
  for (const auto& [column, field] : strings) {
    jobs.push_back([&, column = column, field = field] {
      if (!(t.*column).assign_replaced(base.*column, values_of<std::string_view>(replacements, field))) too_large = true;
    });
  }
  jobs.push_back([&] {
    if (!t.bank_account.assign_replaced(base.bank_account, values_of<std::string_view>(replacements, &R::bank_account))) {
      too_large = true;
    }
  });
  jobs.push_back([&] {
    if (!t.ifsc.assign_replaced(base.ifsc, values_of<std::string_view>(replacements, &R::ifsc))) too_large = true;
  });
  jobs.push_back([&] {
    if (!t.pan.assign_replaced(base.pan, values_of<std::string_view>(replacements, &R::pan))) too_large = true;
  });
  // Plain columns: copied, the rows set.
  const std::pair<std::vector<Date> T::*, Date R::*> dates[] = {{&T::date_of_birth, &R::date_of_birth},
                                                                {&T::date_of_joining, &R::date_of_joining},
                                                                {&T::date_of_retirement, &R::date_of_retirement}};
  for (const auto& [column, field] : dates) {
    jobs.push_back([&, column = column, field = field] { replace_plain(&(t.*column), base.*column, replacements, field); });
  }
  jobs.push_back([&] {
    const std::pair<std::vector<uint8_t> T::*, uint8_t R::*> bytes[] = {
        {&T::status, &R::status},       {&T::fund_type, &R::fund_type}, {&T::pension_scheme, &R::pension_scheme},
        {&T::hra_class, &R::hra_class}, {&T::flags, &R::flags},         {&T::lwp_days, &R::lwp_days}};
    for (const auto& [column, field] : bytes) replace_plain(&(t.*column), base.*column, replacements, field);
    t.readable = base.readable;
    for (const auto& [row, values] : replacements) t.readable[row] = values->readable ? 1 : 0;
  });
  // Dictionaries: re-coded when a value changes.
  const std::pair<DictColumn T::*, std::string R::*> dictionaries[] = {
      {&T::treasury_code, &R::treasury_code}, {&T::ddo_code, &R::ddo_code},
      {&T::bill_group, &R::bill_group},       {&T::department, &R::department},
      {&T::budget_head, &R::budget_head},     {&T::pay_level, &R::pay_level},
      {&T::stop_reason, &R::stop_reason},     {&T::exempt_deductions, &R::exempt_deductions}};
  for (const auto& [column, field] : dictionaries) {
    jobs.push_back([&, column = column, field = field] {
      (t.*column).assign_replaced(base.*column, values_of<std::string_view>(replacements, field));
    });
  }
  // Packed numbers: copied, the rows set, the wide lists merged.
  const std::pair<IntColumn T::*, int64_t R::*> ints[] = {
      {&T::gpf_subscription, &R::gpf_subscription},
      {&T::special_pay, &R::special_pay},
      {&T::loan_installment, &R::loan_installment},
      {&T::loan_balance, &R::loan_balance},
      {&T::income_tax_declared, &R::income_tax_declared},
      {&T::fy_gross_to_date, &R::fy_gross_to_date},
      {&T::fy_tds_to_date, &R::fy_tds_to_date}};
  for (const auto& [column, field] : ints) {
    jobs.push_back([&, column = column, field = field] {
      (t.*column).assign_replaced(base.*column, values_of<int64_t>(replacements, field));
    });
  }
  const std::pair<HundredsColumn T::*, int64_t R::*> hundreds[] = {
      {&T::basic_pay, &R::basic_pay},
      {&T::gpf_basis_pay, &R::gpf_basis_pay},
      {&T::chapter_via_deductions, &R::chapter_via_deductions}};
  for (const auto& [column, field] : hundreds) {
    jobs.push_back([&, column = column, field = field] {
      (t.*column).assign_replaced(base.*column, values_of<int64_t>(replacements, field));
    });
  }
  jobs.push_back([&] { t.pay_cell.assign_replaced(base.pay_cell, values_of<int64_t>(replacements, &R::pay_cell)); });
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t j) { jobs[j](); });
  if (too_large) return Status::invalid_argument("too large: a text column exceeds 4 GiB");
  // Problems, by row: the base's of rows not replaced, the replacements' of unreadable rows.
  t.problems.reserve(base.problems.size() + replacements.size());
  size_t i = 0;
  for (const auto& [row, values] : replacements) {
    for (; i < base.problems.size() && base.problems[i].row < row; ++i) t.problems.push_back(base.problems[i]);
    if (i < base.problems.size() && base.problems[i].row == row) ++i;
    if (!values->readable) t.problems.push_back(RowProblem{row, values->problem});
  }
  t.problems.insert(t.problems.end(), base.problems.begin() + ptrdiff_t(i), base.problems.end());
  t.recovery_due = base.recovery_due;
  *out = std::move(t);
  return Status();
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
