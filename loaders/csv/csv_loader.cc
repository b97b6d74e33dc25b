#include "loaders/csv/csv_loader.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "loaders/csv/csv_file.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/file_shape.h"
#include "loaders/csv/master_schema.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// The master's columns, kinds and enumerations (the one schema the service reads too).
using enum master_schema::Column;
using master_schema::ColumnSpec;
using master_schema::kColumns;
using master_schema::Kind;
using master_schema::kKnownUnread;
using master_schema::kRequiredCount;
using master_schema::read_boolean;

// a == b for the short values of a row, compared byte by byte in line (a library call
// costs more than the comparison).
inline bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Where each column of formats.md stands in the file (-1: absent).
struct Header {
  size_t fields = 0;
  int position[kColumnCount];
};

// One parsed value per column; text values are views valid while the record is.
struct RowValues {
  std::string_view text[kColumnCount];
  int64_t number[kColumnCount];
};

// Parses records of one chunk into a table of its own (dictionaries local to the chunk).
class ChunkParser {
 public:
  ChunkParser(std::string_view data, const Header& header,
              const std::vector<std::string>& deduction_codes)
      : data_(data), header_(header), deduction_codes_(deduction_codes) {}

  // Parses the records that start in [begin, limit); returns where the next record starts.
  size_t parse(size_t begin, size_t limit, EmployeeTable* table) {
    size_t position = begin;
    bool reserved = false;
    while (position < limit) {
      if (!reader_.next(data_, &position)) break;
      if (reader_.blank()) continue;
      add_row(table);
      if (!reserved && table->rows == kSampleRows) {
        // Room for the rest of the chunk at the sample's bytes per row (and a margin), so
        // columns are not grown by doubling: less memory while chunks wait to be joined.
        reserved = true;
        const double scale = 1.05 * double(limit - begin) / double(position - begin);
        if (scale > 1.0) table->reserve(scale);
      }
    }
    return position;
  }

 private:
  void problem(const std::string& text) {
    if (!problems_.empty()) problems_ += "; ";
    problems_ += text;
  }

  std::string_view raw(int column) const {
    const int p = header_.position[column];
    const auto& fields = reader_.fields();
    return p >= 0 && size_t(p) < fields.size() ? trim(fields[size_t(p)]) : std::string_view();
  }

  // rules §2 step 0: reads one column's value, or records its problem. Returns false on a
  // problem.
  bool read_column(int c, RowValues* v) {
    const ColumnSpec& spec = kColumns[c];
    std::string_view value = header_.position[c] >= 0 ? raw(c) : std::string_view();
    if (spec.upper) value = upper(value, &upper_[c]);
    if (value.empty()) {
      if (c >= kRequiredCount) {
        value = spec.fallback;
      } else if (c != kBankAccount && c != kIfsc && c != kPan) {
        problem(std::string(spec.name) + ": required field is empty");
        return false;
      }
    }
    v->text[c] = value;
    Kind kind = spec.kind;
    if (kind == Kind::kOptionalEnum || kind == Kind::kOptionalInteger) {
      if (value.empty()) {
        v->number[c] = -1;
        return true;
      }
      kind = kind == Kind::kOptionalEnum ? Kind::kEnum : Kind::kInteger;
    }
    switch (kind) {
      case Kind::kText:
      case Kind::kRequiredText:
        return true;
      case Kind::kOptionalEnum:
      case Kind::kOptionalInteger:
        return false;  // mapped above
      case Kind::kEnum:
        for (const std::string_view* e = spec.values; !e->empty(); ++e) {
          if (same_text(value, *e)) {
            v->number[c] = e - spec.values;
            return true;
          }
        }
        {
          std::string allowed;
          for (const std::string_view* e = spec.values; !e->empty(); ++e) {
            if (!allowed.empty()) allowed.push_back('/');
            allowed.append(*e);
          }
          problem(std::string(spec.name) + ": '" + std::string(value) + "' is not one of " +
                  allowed);
        }
        return false;
      case Kind::kDeductionCodes:
        return read_deduction_codes(value, v);
      case Kind::kInteger:
        if (!parse_integer(value, &v->number[c])) {
          problem(std::string(spec.name) + ": '" + std::string(value) +
                  "' is not a non-negative integer of at most 12 digits");
          return false;
        }
        if (c == kPayCell && v->number[c] < 1) {
          problem("pay_cell: must be >= 1");
          return false;
        }
        if (c == kLwpDays && v->number[c] > 31) {
          problem("lwp_days: must be 0..31");
          return false;
        }
        return true;
      case Kind::kBoolean: {
        bool b = false;
        if (!read_boolean(upper(value, &upper_[c]), &b)) {
          problem(std::string(spec.name) + ": '" + std::string(value) + "' is not a boolean");
          return false;
        }
        v->number[c] = b ? 1 : 0;
        return true;
      }
      case Kind::kDate:
      case Kind::kOptionalDate: {
        if (value.empty()) {
          v->number[c] = kNoDate;
          return true;
        }
        Date d = 0;
        if (!parse_date(value, &d)) {
          problem(std::string(spec.name) + ": '" + std::string(value) +
                  "' is not a date YYYY-MM-DD");
          return false;
        }
        v->number[c] = d;
        return true;
      }
    }
    return false;
  }

  // formats.md exempt_deductions: codes separated by ';', trimmed, case-insensitive (already
  // upper-cased), empty pieces ignored; each must be a deduction of the profile. The value
  // becomes the canonical set (sorted, no repeats, joined by ';').
  bool read_deduction_codes(std::string_view value, RowValues* v) {
    codes_.clear();
    while (!value.empty()) {
      const size_t end = std::min(value.find(';'), value.size());
      const std::string_view code = trim(value.substr(0, end));
      value.remove_prefix(std::min(end + 1, value.size()));
      if (code.empty()) continue;
      if (std::find(deduction_codes_.begin(), deduction_codes_.end(), code) ==
          deduction_codes_.end()) {
        problem("exempt_deductions: '" + std::string(code) + "' is not a deduction of the profile");
        return false;
      }
      codes_.push_back(code);
    }
    std::sort(codes_.begin(), codes_.end());
    codes_.erase(std::unique(codes_.begin(), codes_.end()), codes_.end());
    exempt_.clear();
    for (std::string_view code : codes_) {
      if (!exempt_.empty()) exempt_.push_back(';');
      exempt_.append(code);
    }
    v->text[kExemptDeductions] = exempt_;
    return true;
  }

  void add_row(EmployeeTable* t) {
    problems_.clear();
    RowValues v;
    bool readable = true;
    const size_t fields = reader_.fields().size();
    if (fields != header_.fields) {
      problem("row has " + std::to_string(fields) + " fields, header has " +
              std::to_string(header_.fields));
      readable = false;
    } else {
      for (int c = 0; c < kColumnCount; ++c) readable = read_column(c, &v) && readable;
    }
    if (!readable) {
      t->problems.push_back(RowProblem{uint32_t(t->rows), problems_});
      for (int c = 0; c < kColumnCount; ++c) {
        v.text[c] = std::string_view();
        v.number[c] = 0;
      }
      v.text[kEmployeeId] = raw(kEmployeeId);
      v.text[kDdoCode] = raw(kDdoCode);
      v.number[kDateOfRetirement] = kNoDate;
      v.number[kAllowanceClass] = -1;
      v.number[kGpfBasisPay] = -1;
    }
    t->readable.push_back(readable ? 1 : 0);
    t->employee_id.push_back(v.text[kEmployeeId]);
    t->name.push_back(v.text[kName]);
    t->gpf_account.push_back(v.text[kGpfAccount]);
    t->pran.push_back(v.text[kPran]);
    t->bank_account.push_back(v.text[kBankAccount]);
    t->ifsc.push_back(v.text[kIfsc]);
    t->pan.push_back(v.text[kPan]);
    t->date_of_birth.push_back(Date(v.number[kDateOfBirth]));
    t->date_of_joining.push_back(Date(v.number[kDateOfJoining]));
    t->date_of_retirement.push_back(Date(v.number[kDateOfRetirement]));
    t->status.push_back(uint8_t(v.number[kStatus]));
    t->fund_type.push_back(uint8_t(v.number[kFundType]));
    t->pension_scheme.push_back(uint8_t(v.number[kPensionScheme]));
    t->hra_class.push_back(uint8_t(v.number[kHraClass]));
    const int64_t allowance_class =
        v.number[kAllowanceClass] >= 0 ? v.number[kAllowanceClass] : v.number[kHraClass];
    t->flags.push_back(uint8_t((v.number[kGovtQuarters] ? RowFlag::kGovtQuarters : 0) |
                               (v.number[kNpaEligible] ? RowFlag::kNpaEligible : 0) |
                               (v.number[kStopPayment] ? RowFlag::kStopPayment : 0) |
                               (v.number[kGpfBasisPay] >= 0 ? RowFlag::kGpfBasisGiven : 0) |
                               (v.number[kTaxRegime] == 1 ? RowFlag::kOldTaxRegime : 0) |
                               (v.number[kIncrementMonth] == 1 ? RowFlag::kJanuaryIncrement : 0) |
                               (allowance_class << kAllowanceClassShift)));
    t->lwp_days.push_back(uint8_t(v.number[kLwpDays]));
    push_code(&t->treasury_code, v.text[kTreasuryCode], 0);
    push_code(&t->ddo_code, v.text[kDdoCode], 1);
    push_code(&t->bill_group, v.text[kBillGroup], 2);
    push_code(&t->department, v.text[kDepartment], 3);
    push_code(&t->budget_head, v.text[kBudgetHead], 4);
    push_code(&t->pay_level, v.text[kPayLevel], 5);
    push_code(&t->stop_reason, v.text[kStopReason], 6);
    push_code(&t->exempt_deductions, v.text[kExemptDeductions], 7);
    t->pay_cell.push_back(v.number[kPayCell]);
    t->basic_pay.push_back(v.number[kBasicPay]);
    t->gpf_subscription.push_back(v.number[kGpfSubscription]);
    t->special_pay.push_back(v.number[kSpecialPay]);
    t->loan_installment.push_back(v.number[kLoanInstallment]);
    t->loan_balance.push_back(v.number[kLoanBalance]);
    t->income_tax_declared.push_back(v.number[kIncomeTaxDeclared]);
    t->fy_gross_to_date.push_back(v.number[kFyGrossToDate]);
    t->fy_tds_to_date.push_back(v.number[kFyTdsToDate]);
    t->gpf_basis_pay.push_back(std::max<int64_t>(0, v.number[kGpfBasisPay]));
    t->chapter_via_deductions.push_back(v.number[kChapterViaDeductions]);
    ++t->rows;
  }

  // Neighbouring rows often share a DDO or treasury: remember the last value per column
  // (a view of the dictionary's copy, which never moves).
  void push_code(DictColumn* column, std::string_view value, int slot) {
    LastCode& last = last_[slot];
    if (!last.valid || !same_text(last.value, value)) {
      last.code = column->dictionary.add(value);
      last.value = column->dictionary.value(last.code);
      last.valid = true;
    }
    column->codes.push_back(last.code);
  }

  struct LastCode {
    Dictionary::Code code = 0;
    std::string_view value;
    bool valid = false;
  };

  static constexpr size_t kSampleRows = 256;

  std::string_view data_;
  const Header& header_;
  const std::vector<std::string>& deduction_codes_;
  CsvRecordReader reader_;
  std::string problems_;
  std::string upper_[kColumnCount];
  std::vector<std::string_view> codes_;  // exempt_deductions pieces of the current row
  std::string exempt_;                   // its canonical set
  LastCode last_[8];
};

// The code points of UTF-8 text (already validated), ASCII letters lower-cased.
std::vector<char32_t> lower_code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    const size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); ++k) c = (c << 6) | (s[i + k] & 0x3F);
    out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    i += n;
  }
  return out;
}

// Levenshtein distance between `a` and the ASCII name `b`, in code points.
size_t edit_distance(const std::vector<char32_t>& a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a[i - 1] != char32_t(b[j - 1]) ? 1 : 0)});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// formats.md: a header name that is a column of the master but for letter case, or within
// two edits of a column name of five or more letters, would silently change pay if it were
// ignored: the file is refused, naming the column meant (the first in name order).
Status check_near_misses(const std::vector<std::string_view>& names, const std::string& file) {
  std::vector<std::string_view> known;
  for (const ColumnSpec& spec : kColumns) known.emplace_back(spec.name);
  for (const char* name : kKnownUnread) known.emplace_back(name);
  std::sort(known.begin(), known.end());
  for (std::string_view h : names) {
    if (std::find(known.begin(), known.end(), h) != known.end()) continue;
    const std::vector<char32_t> lowered = lower_code_points(h);
    for (std::string_view k : known) {
      const bool same_but_case =
          lowered.size() == k.size() && std::equal(k.begin(), k.end(), lowered.begin(),
                                                   [](char x, char32_t y) { return char32_t(x) == y; });
      if (same_but_case || (k.size() >= 5 && edit_distance(lowered, k) <= 2)) {
        return Status::invalid_argument(file + ": column '" + std::string(h) +
                                        "' is not a column of the master; did you mean '" +
                                        std::string(k) + "'?");
      }
    }
  }
  return Status();
}

Status read_header(std::string_view data, const std::string& name, size_t* body, Header* header) {
  CsvRecordReader reader;
  size_t position = *body;
  while (reader.next(data, &position)) {
    if (reader.blank()) continue;
    const auto& fields = reader.fields();
    std::vector<std::string_view> trimmed;
    for (std::string_view field : fields) trimmed.push_back(trim(field));
    if (Status s = check_near_misses(trimmed, name); !s.ok()) return s;
    header->fields = fields.size();
    std::fill(std::begin(header->position), std::end(header->position), -1);
    std::vector<std::string_view> names;
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view h = trim(fields[i]);
      if (std::find(names.begin(), names.end(), h) != names.end()) {
        return Status::invalid_argument(name + ": the header repeats column '" + std::string(h) +
                                        "'");
      }
      names.push_back(h);
      for (int c = 0; c < kColumnCount; ++c) {
        if (h == kColumns[c].name) header->position[c] = int(i);
      }
    }
    for (int c = 0; c < kRequiredCount; ++c) {
      if (header->position[c] < 0) {
        return Status::invalid_argument(name + ": the header lacks required column '" +
                                        kColumns[c].name + "'");
      }
    }
    *body = position;
    return Status();
  }
  return Status::invalid_argument(name + ": no header");
}

// Parses `data` into tables of consecutive chunks, in file order. They hold copies of all
// text, so the caller may release `data` before joining them.
// When `mapped` is set, `data` is a private read-only file mapping: each chunk's pages are
// dropped once it is parsed (a later re-parse reads them from the file again), so the
// file's pages do not add to the peak memory.
Status parse_parts(std::string_view data, const std::string& name, const CsvLoadOptions& options,
                   const MappedFile* mapped, std::vector<EmployeeTable>* parts_out) {
  if (Status s = check_file_shape(data, name); !s.ok()) return s;  // docs/input.md
  size_t body = bom_length(data);
  Header header;
  if (Status s = read_header(data, name, &body, &header); !s.ok()) return s;

  std::vector<size_t> starts = chunk_starts(data, body, options.chunk_bytes);
  std::vector<EmployeeTable> parts(starts.size() - 1);
  std::atomic<size_t> done{0};
  parse_chunks(&starts, [&](size_t i, size_t begin, size_t limit, bool again) {
    ChunkParser parser(data, header, options.deduction_codes);
    if (again) {
      parts[i] = EmployeeTable();
      return parser.parse(begin, limit, &parts[i]);
    }
    const size_t end = parser.parse(begin, limit, &parts[i]);
    if (mapped != nullptr) mapped->drop_pages(begin, std::min(end, limit));
    if (options.progress) options.progress(done += limit - begin, data.size() - body);
    return end;
  });
  *parts_out = std::move(parts);
  return Status();
}

Status join_parts(std::vector<EmployeeTable>* parts, const std::string& name,
                  const CsvLoadOptions& options, EmployeeTable* table) {
  if (Status s = EmployeeTable::concatenate(parts, table, options.release_memory); !s.ok()) {
    return Status::invalid_argument(name + ": " + s.message());
  }
  return Status();
}

}  // namespace

Status parse_employees_csv(std::string_view data, const std::string& name, EmployeeTable* table,
                           const CsvLoadOptions& options) {
  std::vector<EmployeeTable> parts;
  if (Status s = parse_parts(data, name, options, nullptr, &parts); !s.ok()) return s;
  return join_parts(&parts, name, options, table);
}

Status load_employees_csv(const std::string& path, EmployeeTable* table,
                          const CsvLoadOptions& options) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  std::vector<EmployeeTable> parts;
  Status status = parse_parts(file.data(), path, options, &file, &parts);
  file.close();  // the parts hold copies: give the file's pages back before joining
  if (!status.ok()) return status;
  return join_parts(&parts, path, options, table);
}

}  // namespace vetan
