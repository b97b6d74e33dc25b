#include "loaders/csv/csv_loader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// The columns of formats.md, required ones first, in the order problems are reported.
enum Column : int {
  kEmployeeId, kName, kDateOfBirth, kDateOfJoining, kStatus, kTreasuryCode, kDdoCode,
  kBillGroup, kPayLevel, kPayCell, kBasicPay, kPensionScheme, kHraClass, kBankAccount, kIfsc,
  kPan,
  kDateOfRetirement, kDepartment, kBudgetHead, kFundType, kGpfAccount, kGpfSubscription, kPran,
  kGovtQuarters, kNpaEligible, kSpecialPay, kLwpDays, kLoanInstallment, kLoanBalance,
  kIncomeTaxDeclared, kFyGrossToDate, kFyTdsToDate, kStopPayment, kStopReason,
  kAllowanceClass, kGpfBasisPay, kExemptDeductions,
  kColumnCount
};

// Columns of formats.md that the table does not hold (used by the service, not by the run):
// known, so that their names are not mistaken for near misses, and otherwise ignored.
const char* const kKnownUnread[] = {"mobile"};
constexpr int kRequiredCount = kPan + 1;

enum class Kind {
  kText, kRequiredText, kDate, kOptionalDate, kEnum, kInteger, kBoolean,
  kOptionalEnum,     // empty: -1 (allowance_class: the row's hra_class)
  kOptionalInteger,  // empty: -1 (gpf_basis_pay: the current basic)
  kDeductionCodes,   // ';'-separated codes of the profile's deductions (exempt_deductions)
};

struct ColumnSpec {
  const char* name;
  Kind kind;
  bool upper;
  const char* fallback;  // the default of an optional column given empty
  const char* const* values;  // enumeration values, null-terminated
};

const char* const kStatusValues[] = {"ACTIVE", "SUSPENDED", "RETIRED", "DECEASED", "VRS",
                                     "TERMINATED", nullptr};
const char* const kFundValues[] = {"SF", "CA", nullptr};
const char* const kSchemeValues[] = {"GPF", "NPS", nullptr};
const char* const kClassValues[] = {"X", "Y", "Z", nullptr};

const ColumnSpec kColumns[kColumnCount] = {
    {"employee_id", Kind::kRequiredText, false, "", nullptr},
    {"name", Kind::kRequiredText, false, "", nullptr},
    {"date_of_birth", Kind::kDate, false, "", nullptr},
    {"date_of_joining", Kind::kDate, false, "", nullptr},
    {"status", Kind::kEnum, true, "", kStatusValues},
    {"treasury_code", Kind::kRequiredText, false, "", nullptr},
    {"ddo_code", Kind::kRequiredText, false, "", nullptr},
    {"bill_group", Kind::kRequiredText, false, "", nullptr},
    {"pay_level", Kind::kRequiredText, false, "", nullptr},
    {"pay_cell", Kind::kInteger, false, "", nullptr},
    {"basic_pay", Kind::kInteger, false, "", nullptr},
    {"pension_scheme", Kind::kEnum, true, "", kSchemeValues},
    {"hra_class", Kind::kEnum, true, "", kClassValues},
    {"bank_account", Kind::kText, false, "", nullptr},
    {"ifsc", Kind::kText, true, "", nullptr},
    {"pan", Kind::kText, true, "", nullptr},
    {"date_of_retirement", Kind::kOptionalDate, false, "", nullptr},
    {"department", Kind::kText, false, "", nullptr},
    {"budget_head", Kind::kText, false, "", nullptr},
    {"fund_type", Kind::kEnum, true, "SF", kFundValues},
    {"gpf_account", Kind::kText, false, "", nullptr},
    {"gpf_subscription", Kind::kInteger, false, "0", nullptr},
    {"pran", Kind::kText, false, "", nullptr},
    {"govt_quarters", Kind::kBoolean, false, "0", nullptr},
    {"npa_eligible", Kind::kBoolean, false, "0", nullptr},
    {"special_pay", Kind::kInteger, false, "0", nullptr},
    {"lwp_days", Kind::kInteger, false, "0", nullptr},
    {"loan_installment", Kind::kInteger, false, "0", nullptr},
    {"loan_balance", Kind::kInteger, false, "0", nullptr},
    {"income_tax_declared", Kind::kInteger, false, "0", nullptr},
    {"fy_gross_to_date", Kind::kInteger, false, "0", nullptr},
    {"fy_tds_to_date", Kind::kInteger, false, "0", nullptr},
    {"stop_payment", Kind::kBoolean, false, "0", nullptr},
    {"stop_reason", Kind::kText, false, "", nullptr},
    {"allowance_class", Kind::kOptionalEnum, true, "", kClassValues},
    {"gpf_basis_pay", Kind::kOptionalInteger, false, "", nullptr},
    {"exempt_deductions", Kind::kDeductionCodes, true, "", nullptr},
};

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
        for (const char* const* e = spec.values; *e != nullptr; ++e) {
          if (value == *e) {
            v->number[c] = e - spec.values;
            return true;
          }
        }
        {
          std::string allowed;
          for (const char* const* e = spec.values; *e != nullptr; ++e) {
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
        const std::string_view u = upper(value, &upper_[c]);
        if (u == "1" || u == "Y" || u == "TRUE") {
          v->number[c] = 1;
        } else if (u == "0" || u == "N" || u == "FALSE") {
          v->number[c] = 0;
        } else {
          problem(std::string(spec.name) + ": '" + std::string(value) + "' is not a boolean");
          return false;
        }
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
    t->allowance_class.push_back(
        uint8_t(v.number[kAllowanceClass] >= 0 ? v.number[kAllowanceClass] : v.number[kHraClass]));
    t->flags.push_back(uint8_t((v.number[kGovtQuarters] ? RowFlag::kGovtQuarters : 0) |
                               (v.number[kNpaEligible] ? RowFlag::kNpaEligible : 0) |
                               (v.number[kStopPayment] ? RowFlag::kStopPayment : 0)));
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
    t->gpf_basis_pay.push_back(v.number[kGpfBasisPay] + 1);
    ++t->rows;
  }

  // Neighbouring rows often share a DDO or treasury: remember the last value per column.
  void push_code(DictColumn* column, std::string_view value, int slot) {
    LastCode& last = last_[slot];
    if (!last.valid || column->dictionary.value(last.code) != value) {
      last.code = column->dictionary.add(value);
      last.valid = true;
    }
    column->codes.push_back(last.code);
  }

  struct LastCode {
    Dictionary::Code code = 0;
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

// Position of the first byte of a UTF-8 error, found slowly (only once validation failed).
size_t first_invalid_utf8(std::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    const auto b = static_cast<uint8_t>(data[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > data.size()) return i;
    if (!simdjson::validate_utf8(data.data() + i, n)) return i;
    i += n;
  }
  return i;
}

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

// The first record start at or after `from`: just after the next line end. A guess, since
// that line end may be inside a quoted field; the parse checks it (see below).
size_t next_line_start(std::string_view data, size_t from) {
  for (size_t i = from; i < data.size(); ++i) {
    if (data[i] == '\n') return i + 1;
    if (data[i] == '\r') return i + 1 < data.size() && data[i + 1] == '\n' ? i + 2 : i + 1;
  }
  return data.size();
}

// Gives back the whole pages of data[begin, end) (a private read-only file mapping).
void drop_pages(std::string_view data, size_t begin, size_t end) {
  const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  const uintptr_t from = (uintptr_t(data.data()) + begin + page - 1) / page * page;
  const uintptr_t to = (uintptr_t(data.data()) + end) / page * page;
  if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

// Parses `data` into tables of consecutive chunks, in file order. They hold copies of all
// text, so the caller may release `data` before joining them.
// When `mapped` is set, `data` is a private read-only file mapping: each chunk's pages are
// dropped once it is parsed (a later re-parse reads them from the file again), so the
// file's pages do not add to the peak memory.
Status parse_parts(std::string_view data, const std::string& name, const CsvLoadOptions& options,
                   bool mapped, std::vector<EmployeeTable>* parts_out) {
  if (!simdjson::validate_utf8(data.data(), data.size())) {
    return Status::invalid_argument(name + ": not UTF-8 text (byte " +
                                    std::to_string(first_invalid_utf8(data)) + ")");
  }
  size_t body = data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  Header header;
  if (Status s = read_header(data, name, &body, &header); !s.ok()) return s;

  // Chunk starts are guesses at record boundaries; chunk i parses the records starting
  // before chunk i + 1's start.
  const size_t chunk = std::max<size_t>(options.chunk_bytes, 1);
  std::vector<size_t> starts{body};
  for (size_t at = body + chunk; at < data.size(); at += chunk) {
    const size_t s = next_line_start(data, at);
    if (s > starts.back() && s < data.size()) starts.push_back(s);
  }
  const size_t n = starts.size();
  starts.push_back(data.size());
  std::vector<EmployeeTable> parts(n);
  std::vector<size_t> ends(n);
  std::atomic<size_t> done{0};
  tbb::parallel_for(size_t(0), n, [&](size_t i) {
    ChunkParser parser(data, header, options.deduction_codes);
    ends[i] = parser.parse(starts[i], starts[i + 1], &parts[i]);
    if (mapped) drop_pages(data, starts[i], std::min(ends[i], starts[i + 1]));
    if (options.progress) {
      options.progress(done += starts[i + 1] - starts[i], data.size() - body);
    }
  });
  // A chunk whose guessed start was inside a quoted field shows as its predecessor ending
  // elsewhere: parse it again from where the predecessor really ended.
  for (size_t i = 0; i + 1 < n; ++i) {
    if (ends[i] != starts[i + 1]) {
      starts[i + 1] = ends[i];
      parts[i + 1] = EmployeeTable();
      ChunkParser parser(data, header, options.deduction_codes);
      ends[i + 1] = parser.parse(starts[i + 1], std::max(starts[i + 1], starts[i + 2]),
                                 &parts[i + 1]);
    }
  }
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
  if (Status s = parse_parts(data, name, options, false, &parts); !s.ok()) return s;
  return join_parts(&parts, name, options, table);
}

Status load_employees_csv(const std::string& path, EmployeeTable* table,
                          const CsvLoadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io_error(path + ": cannot read (not a regular file)");
  }
  const size_t size = size_t(st.st_size);
  if (size == 0) {
    ::close(fd);
    return parse_employees_csv(std::string_view(), path, table, options);
  }
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (mapped == MAP_FAILED) {
    return Status::io_error(path + ": cannot read (" + std::strerror(map_errno) + ")");
  }
  ::madvise(mapped, size, MADV_SEQUENTIAL | MADV_WILLNEED);
  std::vector<EmployeeTable> parts;
  Status status =
      parse_parts(std::string_view(static_cast<const char*>(mapped), size), path, options, true,
                  &parts);
  ::munmap(mapped, size);  // the parts hold copies: give the file's pages back before joining
  if (!status.ok()) return status;
  return join_parts(&parts, path, options, table);
}

}  // namespace vetan
