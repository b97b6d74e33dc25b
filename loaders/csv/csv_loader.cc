#include "loaders/csv/csv_loader.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
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

// The bytes of a value of at most 8 bytes as a zero-padded little-endian word.
constexpr uint64_t word_of(std::string_view s) {
  uint64_t w = 0;
  for (size_t i = s.size(); i-- > 0;) w = (w << 8) | static_cast<unsigned char>(s[i]);
  return w;
}

// Sets *word to word_of(value) and returns true iff value has at most 8 bytes. A value
// inside `data` with 8 bytes after its start is read with one load.
inline bool load_word(std::string_view value, std::string_view data, uint64_t* word) {
  const size_t n = value.size();
  if (n > 8) return false;
  const auto at = reinterpret_cast<uintptr_t>(value.data());
  const auto from = reinterpret_cast<uintptr_t>(data.data());
  if (at >= from && at - from + 8 <= data.size()) {
    uint64_t w = 0;
    std::memcpy(&w, value.data(), 8);
    *word = n == 8 ? w : n == 0 ? 0 : w & (~uint64_t(0) >> (64 - 8 * n));
  } else {
    *word = word_of(value);
  }
  return true;
}

// Sets *w0, *w1 to the bytes of `value` (at most 16) as two zero-padded little-endian
// words. A value inside `data` with 16 bytes after its start is read with two loads.
inline void load_words(std::string_view value, std::string_view data, uint64_t* w0, uint64_t* w1) {
  const auto at = reinterpret_cast<uintptr_t>(value.data());
  const auto from = reinterpret_cast<uintptr_t>(data.data());
  if (at >= from && at - from + 16 <= data.size()) {
    std::memcpy(w0, value.data(), 8);
    std::memcpy(w1, value.data() + 8, 8);
    const size_t n = value.size();
    *w0 = n >= 8 ? *w0 : n == 0 ? 0 : *w0 & (~uint64_t(0) >> (64 - 8 * n));
    *w1 = n >= 16 ? *w1 : n <= 8 ? 0 : *w1 & (~uint64_t(0) >> (64 - 8 * (n - 8)));
  } else {
    char bytes[16] = {};
    if (!value.empty()) std::memcpy(bytes, value.data(), value.size());
    std::memcpy(w0, bytes, 8);
    std::memcpy(w1, bytes + 8, 8);
  }
}

// True iff no byte of the word is a lower-case ASCII letter or non-ASCII (eight at once).
inline bool plain_upper_word(uint64_t w) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t x = w & ~kHigh;
  const uint64_t at_least_a = x + 0x1f1f1f1f1f1f1f1full;  // bit 7 of a byte: x >= 'a'
  const uint64_t past_z = x + 0x0505050505050505ull;      // bit 7 of a byte: x > 'z'
  return ((w | (at_least_a & ~past_z)) & kHigh) == 0;
}

// The enumeration's value of `word` (word_of of a value of `size` bytes) among the values
// of at most 8 bytes, or -1. The values are upper-case ASCII: a match is the value the
// generic path (case folding, then comparing) finds.
template <int c>
inline int64_t enum_of_word(uint64_t word, size_t size) {
  constexpr const std::string_view* values = kColumns[c].values;
  for (const std::string_view* e = values; !e->empty(); ++e) {
    if (e->size() <= 8 && e->size() == size && word_of(*e) == word) return e - values;
  }
  return -1;
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

// What one chunk keeps of its own while it writes its rows in place into the table: the
// columns whose size per row is not fixed, lists of the rare values that do not fit a
// narrow column, and its own dictionaries (codes in order of first appearance in the
// chunk; joined into the table's once every chunk is parsed).
struct ChunkOut {
  static constexpr int kStrings = 4;       // employee_id, name, gpf_account, pran
  static constexpr int kDictionaries = 8;  // treasury_code ... exempt_deductions
  static constexpr int kWideLists = 11;    // the PackedIntColumns, in add_row's order

  size_t base = 0;                   // the table row of the chunk's first row
  size_t rows = 0;                   // rows counted in the chunk
  std::vector<RowProblem> problems;  // rows numbered in the table
  StringColumn strings[kStrings];
  SideValues pan_side, ifsc_side, bank_side;
  WideValues wide[kWideLists];
  Dictionary dictionary[kDictionaries];
  // (table row, code) of the rows whose code in this chunk's dictionary exceeds
  // CodeColumn::kNarrowMax: their narrow slot holds kNarrowMax.
  std::vector<std::pair<uint32_t, uint32_t>> big_codes[kDictionaries];
};

// The codes of a chunk's dictionary by value, for the values of at most 16 bytes (DDO,
// treasury, pay level, bill group ...), each held as two zero-padded words and its size:
// a lookup hashes the words and compares them, with no byte-by-byte compare and no call.
// Every such value of the column goes through here, so a value not found is new to the
// dictionary too: added there, it gets the same code as without this table.
class ShortCodes {
 public:
  static constexpr size_t kMaxBytes = 16;

  // The code of `value` (at most kMaxBytes) in *dictionary, added if new. `data` is the
  // chunk's text: a value inside it with 16 bytes after its start is read in place.
  Dictionary::Code code(std::string_view value, std::string_view data, Dictionary* dictionary) {
    uint64_t w0 = 0, w1 = 0;
    load_words(value, data, &w0, &w1);
    const uint32_t size = uint32_t(value.size());
    if (entries_.empty()) grow(256);
    const size_t mask = entries_.size() - 1;
    for (size_t i = slot_of(w0, w1, size);; i = (i + 1) & mask) {
      Entry& e = entries_[i];
      if (e.size == kEmpty) {
        e = Entry{w0, w1, size, dictionary->add(value)};
        const Dictionary::Code code = e.code;
        if (2 * ++count_ > entries_.size()) grow(2 * entries_.size());  // load <= 1/2
        return code;
      }
      if (e.w0 == w0 && e.w1 == w1 && e.size == size) return e.code;
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Entry {
    uint64_t w0 = 0, w1 = 0;
    uint32_t size = kEmpty;
    Dictionary::Code code = 0;
  };

  size_t slot_of(uint64_t w0, uint64_t w1, uint32_t size) const {
    const uint64_t h = (w0 ^ ((w1 << 29) | (w1 >> 35)) ^ size) * 0x9e3779b97f4a7c15ull;
    return size_t(h >> shift_);
  }
  void grow(size_t slots) {
    std::vector<Entry> old(slots);
    old.swap(entries_);
    shift_ = 64 - __builtin_ctzll(slots);
    for (const Entry& e : old) {
      if (e.size == kEmpty) continue;
      size_t i = slot_of(e.w0, e.w1, e.size);
      while (entries_[i].size != kEmpty) i = (i + 1) & (slots - 1);
      entries_[i] = e;
    }
  }

  std::vector<Entry> entries_;  // open addressing, linear probing; size a power of 2
  size_t count_ = 0;
  int shift_ = 64;
};

// Parses the records of one chunk straight into the rows [out->base, out->base +
// out->rows) of a table whose fixed-width columns are already sized.
class ChunkParser {
 public:
  ChunkParser(std::string_view data, const Header& header,
              const std::vector<std::string>& deduction_codes)
      : data_(data), header_(header), deduction_codes_(deduction_codes) {}

  // Parses the records that start in [begin, limit) into *table and *out; returns where the
  // next record starts, and sets *rows to the rows written.
  size_t parse(size_t begin, size_t limit, EmployeeTable* table, ChunkOut* out, size_t* rows) {
    size_t position = begin;
    bool reserved = false;
    size_t row = out->base;
    const size_t end_row = out->base + out->rows;
    for (StringColumn& c : out->strings) c.reserve(out->rows, 0);
    while (position < limit) {
      if (!reader_.next(data_, &position)) break;
      if (reader_.blank()) continue;
      if (row == end_row) {  // more rows than counted: the caller reports it
        ++row;
        break;
      }
      add_row(table, out, row++);
      if (!reserved && row - out->base == kSampleRows) {
        // Room for the chunk's text at the sample's bytes per row (and a margin), so the
        // text columns are not grown by doubling.
        reserved = true;
        const double scale = 1.05 * double(out->rows) / double(kSampleRows);
        for (StringColumn& c : out->strings) {
          c.reserve(out->rows, size_t(double(c.byte_size()) * scale) + 1);
        }
      }
    }
    *rows = row - out->base;
    return position;
  }

 private:
  void problem(const std::string& text) {
    if (!problems_.empty()) problems_ += "; ";
    problems_ += text;
  }

  // The problems of read_column, out of its line (rare): each records one and returns false.
  [[gnu::noinline, gnu::cold]] bool problem_text(const char* text) {
    problem(text);
    return false;
  }
  [[gnu::noinline, gnu::cold]] bool problem_required_empty(int c) {
    problem(std::string(kColumns[c].name) + ": required field is empty");
    return false;
  }
  [[gnu::noinline, gnu::cold]] bool problem_value(int c, std::string_view value, const char* what) {
    problem(std::string(kColumns[c].name) + ": '" + std::string(value) + what);
    return false;
  }
  [[gnu::noinline, gnu::cold]] bool problem_not_enum(int c, std::string_view value) {
    std::string allowed;
    for (const std::string_view* e = kColumns[c].values; !e->empty(); ++e) {
      if (!allowed.empty()) allowed.push_back('/');
      allowed.append(*e);
    }
    problem(std::string(kColumns[c].name) + ": '" + std::string(value) + "' is not one of " +
            allowed);
    return false;
  }

  [[gnu::noinline, gnu::cold]] bool problem_field_count(size_t fields) {
    problem("row has " + std::to_string(fields) + " fields, header has " +
            std::to_string(header_.fields));
    return false;
  }

  std::string_view raw(int column) const {
    const int p = header_.position[column];
    const auto& fields = reader_.fields();
    return p >= 0 && size_t(p) < fields.size() ? trim(fields[size_t(p)]) : std::string_view();
  }

  // rules §2 step 0: reads column c's value of a record with the header's field count, or
  // records its problem. Returns false on a problem. The column is a template argument, so
  // its kind, case folding and default are settled when compiling: a row costs a few
  // instructions per column beyond its value's own bytes.
  template <int c>
  [[gnu::always_inline]] bool read_column(const std::string_view* fields, RowValues* v) {
    constexpr const ColumnSpec& spec = kColumns[c];
    const int position = header_.position[c];
    std::string_view value = position >= 0 ? trim(fields[position]) : std::string_view();
    if constexpr (spec.kind == Kind::kEnum || spec.kind == Kind::kOptionalEnum) {
      // The usual spelling (upper case, at most 8 bytes): one load and a few compares.
      uint64_t word = 0;
      if (!value.empty() && load_word(value, data_, &word)) {
        const int64_t e = enum_of_word<c>(word, value.size());
        if (e >= 0) {
          v->text[c] = value;
          v->number[c] = e;
          return true;
        }
      }
    }
    if constexpr (spec.kind == Kind::kBoolean) {
      if (value.size() == 1 && (value[0] == '0' || value[0] == '1')) {  // the usual spelling
        v->text[c] = value;
        v->number[c] = value[0] == '1' ? 1 : 0;
        return true;
      }
    }
    if constexpr (spec.upper) {
      // PAN, IFSC, deduction codes: usually upper case already, tested 8 bytes at a time.
      bool plain = false;
      if (value.size() <= 16) {
        uint64_t w0 = 0, w1 = 0;
        load_words(value, data_, &w0, &w1);
        plain = plain_upper_word(w0) && plain_upper_word(w1);
      }
      if (!plain) value = upper(value, &upper_[c]);
    }
    if (value.empty()) {
      if constexpr (c >= kRequiredCount) {
        value = spec.fallback;
      } else if constexpr (c != kBankAccount && c != kIfsc && c != kPan) {
        return problem_required_empty(c);
      }
    }
    v->text[c] = value;
    constexpr Kind declared = spec.kind;
    if constexpr (declared == Kind::kOptionalEnum || declared == Kind::kOptionalInteger) {
      if (value.empty()) {
        v->number[c] = -1;
        return true;
      }
    }
    constexpr Kind kind = declared == Kind::kOptionalEnum      ? Kind::kEnum
                          : declared == Kind::kOptionalInteger ? Kind::kInteger
                                                               : declared;
    if constexpr (kind == Kind::kText || kind == Kind::kRequiredText) {
      return true;
    } else if constexpr (kind == Kind::kEnum) {
      for (const std::string_view* e = spec.values; !e->empty(); ++e) {
        if (same_text(value, *e)) {
          v->number[c] = e - spec.values;
          return true;
        }
      }
      return problem_not_enum(c, value);
    } else if constexpr (kind == Kind::kDeductionCodes) {
      return read_deduction_codes(value, v);
    } else if constexpr (kind == Kind::kInteger) {
      if (!parse_integer(value, &v->number[c])) {
        return problem_value(c, value, "' is not a non-negative integer of at most 12 digits");
      }
      if constexpr (c == kPayCell) {
        if (v->number[c] < 1) {
          return problem_text("pay_cell: must be >= 1");
        }
      }
      if constexpr (c == kLwpDays) {
        if (v->number[c] > 31) {
          return problem_text("lwp_days: must be 0..31");
        }
      }
      return true;
    } else if constexpr (kind == Kind::kBoolean) {
      bool b = false;
      if (!read_boolean(upper(value, &upper_[c]), &b)) {
        return problem_value(c, value, "' is not a boolean");
      }
      v->number[c] = b ? 1 : 0;
      return true;
    } else {
      static_assert(kind == Kind::kDate || kind == Kind::kOptionalDate);
      if (value.empty()) {
        v->number[c] = kNoDate;
        return true;
      }
      Date d = 0;
      if (!parse_date(value, &d)) {
        return problem_value(c, value, "' is not a date YYYY-MM-DD");
      }
      v->number[c] = d;
      return true;
    }
  }

  // Every column in order (problems are listed in column order).
  template <int... cs>
  bool read_columns(const std::string_view* fields, RowValues* v,
                    std::integer_sequence<int, cs...>) {
    bool readable = true;
    ((readable = read_column<cs>(fields, v) && readable), ...);
    return readable;
  }

  // formats.md exempt_deductions: codes separated by ';', trimmed, case-insensitive (already
  // upper-cased), empty pieces ignored; each must be a deduction of the profile. The value
  // becomes the canonical set (sorted, no repeats, joined by ';').
  bool read_deduction_codes(std::string_view value, RowValues* v) {
    if (value.find(';') == std::string_view::npos) {
      // One code or none (the usual value), already trimmed: the set is the value itself.
      if (!value.empty() && std::find(deduction_codes_.begin(), deduction_codes_.end(), value) ==
                                deduction_codes_.end()) {
        problem("exempt_deductions: '" + std::string(value) +
                "' is not a deduction of the profile");
        return false;
      }
      v->text[kExemptDeductions] = value;
      return true;
    }
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

  // One row into the table (flattened: the columns' setters and push_code in line; the
  // problem paths are out of line, cold).
  [[gnu::flatten]] void add_row(EmployeeTable* t, ChunkOut* out, size_t r) {
    problems_.clear();
    RowValues v;
    bool readable = true;
    const size_t fields = reader_.fields().size();
    if (fields != header_.fields) {
      readable = problem_field_count(fields);
    } else {
      readable = read_columns(reader_.fields().data(), &v,
                              std::make_integer_sequence<int, kColumnCount>());
    }
    if (!readable) {
      out->problems.push_back(RowProblem{uint32_t(r), problems_});
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
    t->readable[r] = readable ? 1 : 0;
    out->strings[0].push_back(v.text[kEmployeeId]);
    out->strings[1].push_back(v.text[kName]);
    out->strings[2].push_back(v.text[kGpfAccount]);
    out->strings[3].push_back(v.text[kPran]);
    t->bank_account.set(r, v.text[kBankAccount], &out->bank_side);
    t->ifsc.set(r, v.text[kIfsc], &out->ifsc_side);
    t->pan.set(r, v.text[kPan], &out->pan_side);
    t->date_of_birth[r] = Date(v.number[kDateOfBirth]);
    t->date_of_joining[r] = Date(v.number[kDateOfJoining]);
    t->date_of_retirement[r] = Date(v.number[kDateOfRetirement]);
    t->status[r] = uint8_t(v.number[kStatus]);
    t->fund_type[r] = uint8_t(v.number[kFundType]);
    t->pension_scheme[r] = uint8_t(v.number[kPensionScheme]);
    t->hra_class[r] = uint8_t(v.number[kHraClass]);
    const int64_t allowance_class =
        v.number[kAllowanceClass] >= 0 ? v.number[kAllowanceClass] : v.number[kHraClass];
    t->flags[r] = uint8_t((v.number[kGovtQuarters] ? RowFlag::kGovtQuarters : 0) |
                          (v.number[kNpaEligible] ? RowFlag::kNpaEligible : 0) |
                          (v.number[kStopPayment] ? RowFlag::kStopPayment : 0) |
                          (v.number[kGpfBasisPay] >= 0 ? RowFlag::kGpfBasisGiven : 0) |
                          (v.number[kTaxRegime] == 1 ? RowFlag::kOldTaxRegime : 0) |
                          (v.number[kIncrementMonth] == 1 ? RowFlag::kJanuaryIncrement : 0) |
                          (allowance_class << kAllowanceClassShift));
    t->lwp_days[r] = uint8_t(v.number[kLwpDays]);
    push_code(&t->treasury_code, v.text[kTreasuryCode], 0, out, r);
    push_code(&t->ddo_code, v.text[kDdoCode], 1, out, r);
    push_code(&t->bill_group, v.text[kBillGroup], 2, out, r);
    push_code(&t->department, v.text[kDepartment], 3, out, r);
    push_code(&t->budget_head, v.text[kBudgetHead], 4, out, r);
    push_code(&t->pay_level, v.text[kPayLevel], 5, out, r);
    push_code(&t->stop_reason, v.text[kStopReason], 6, out, r);
    push_code(&t->exempt_deductions, v.text[kExemptDeductions], 7, out, r);
    t->pay_cell.set(r, v.number[kPayCell], &out->wide[0]);
    t->basic_pay.set(r, v.number[kBasicPay], &out->wide[1]);
    t->gpf_subscription.set(r, v.number[kGpfSubscription], &out->wide[2]);
    t->special_pay.set(r, v.number[kSpecialPay], &out->wide[3]);
    t->loan_installment.set(r, v.number[kLoanInstallment], &out->wide[4]);
    t->loan_balance.set(r, v.number[kLoanBalance], &out->wide[5]);
    t->income_tax_declared.set(r, v.number[kIncomeTaxDeclared], &out->wide[6]);
    t->fy_gross_to_date.set(r, v.number[kFyGrossToDate], &out->wide[7]);
    t->fy_tds_to_date.set(r, v.number[kFyTdsToDate], &out->wide[8]);
    t->gpf_basis_pay.set(r, std::max<int64_t>(0, v.number[kGpfBasisPay]), &out->wide[9]);
    t->chapter_via_deductions.set(r, v.number[kChapterViaDeductions], &out->wide[10]);
  }

  // Writes the row's code in the chunk's dictionary (join_dictionaries turns it into the
  // table's): values of up to 16 bytes through the column's ShortCodes; longer ones compared
  // with the column's last long value first (a view of the dictionary's copy, which never
  // moves), as neighbouring rows often share it.
  void push_code(DictColumn* column, std::string_view value, int slot, ChunkOut* out, size_t r) {
    Dictionary::Code code = 0;
    if (value.size() <= ShortCodes::kMaxBytes) {
      code = short_codes_[slot].code(value, data_, &out->dictionary[slot]);
    } else {
      LastCode& last = last_[slot];
      if (!last.valid || !same_text(last.value, value)) {
        Dictionary& dictionary = out->dictionary[slot];
        last.code = dictionary.add(value);
        last.value = dictionary.value(last.code);
        last.valid = true;
      }
      code = last.code;
    }
    if (code >= CodeColumn::kNarrowMax) {
      out->big_codes[slot].emplace_back(uint32_t(r), code);
      column->codes.narrow_data()[r] = uint16_t(CodeColumn::kNarrowMax);
    } else {
      column->codes.narrow_data()[r] = uint16_t(code);
    }
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
  LastCode last_[ChunkOut::kDictionaries];
  ShortCodes short_codes_[ChunkOut::kDictionaries];
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

// Sizes every fixed-width column of *table for `rows` rows (one job per column, in
// parallel, so the fresh pages are faulted in on every thread).
void size_columns(EmployeeTable* t, size_t rows) {
  using T = EmployeeTable;
  std::vector<std::function<void()>> jobs;
  jobs.push_back([=] { t->pan.resize(rows); });
  jobs.push_back([=] { t->ifsc.resize(rows); });
  jobs.push_back([=] { t->bank_account.resize(rows); });
  jobs.push_back([=] {
    for (auto member : {&T::readable, &T::status, &T::fund_type, &T::pension_scheme, &T::hra_class,
                        &T::flags, &T::lwp_days}) {
      (t->*member).resize(rows);
    }
  });
  for (auto member : {&T::date_of_birth, &T::date_of_joining, &T::date_of_retirement}) {
    jobs.push_back([=] { (t->*member).resize(rows); });
  }
  for (auto member : {&T::treasury_code, &T::ddo_code, &T::bill_group, &T::department,
                      &T::budget_head, &T::pay_level, &T::stop_reason, &T::exempt_deductions}) {
    jobs.push_back([=] { (t->*member).codes.resize_narrow(rows); });
  }
  for (auto member : {&T::gpf_subscription, &T::special_pay, &T::loan_installment, &T::loan_balance,
                      &T::income_tax_declared, &T::fy_gross_to_date, &T::fy_tds_to_date}) {
    jobs.push_back([=] { (t->*member).resize(rows); });
  }
  jobs.push_back([=] { t->pay_cell.resize(rows); });
  for (auto member : {&T::basic_pay, &T::gpf_basis_pay, &T::chapter_via_deductions}) {
    jobs.push_back([=] { (t->*member).resize(rows); });
  }
  tbb::parallel_for(size_t(0), jobs.size(), [&](size_t j) { jobs[j](); });
}

// Joins the chunks' dictionaries of one column into the table's, in chunk order, so that
// every value gets the code of its first appearance in the file (as if one parser had
// read it all), and rewrites the chunks' codes in place.
void join_dictionaries(std::vector<ChunkOut>* chunks, int slot, DictColumn* column) {
  Dictionary joined = std::move((*chunks)[0].dictionary[slot]);
  std::vector<std::vector<Dictionary::Code>> recodes(chunks->size());
  std::vector<char> identity(chunks->size(), 1);
  for (size_t i = 1; i < chunks->size(); ++i) {
    const Dictionary& d = (*chunks)[i].dictionary[slot];
    std::vector<Dictionary::Code>& recode = recodes[i];
    recode.resize(d.size());
    for (Dictionary::Code c = 0; c < recode.size(); ++c) {
      recode[c] = joined.add(d.value(c));
      if (recode[c] != c) identity[i] = 0;
    }
  }
  const bool wide = joined.size() > size_t(CodeColumn::kNarrowMax) + 1;
  if (wide) column->codes.widen_all();
  tbb::parallel_for(size_t(0), chunks->size(), [&](size_t i) {
    ChunkOut& chunk = (*chunks)[i];
    const auto& big = chunk.big_codes[slot];
    if (identity[i] && big.empty()) return;
    const std::vector<Dictionary::Code>& recode = recodes[i];
    const size_t begin = chunk.base, end = chunk.base + chunk.rows;
    size_t next_big = 0;
    auto code_of = [&](size_t r, Dictionary::Code local) {
      if (local == CodeColumn::kNarrowMax && next_big < big.size() && big[next_big].first == r) {
        local = big[next_big++].second;
      }
      return identity[i] ? local : recode[local];
    };
    if (wide) {
      Dictionary::Code* codes = column->codes.wide_data();
      for (size_t r = begin; r < end; ++r) codes[r] = code_of(r, codes[r]);
    } else {
      uint16_t* codes = column->codes.narrow_data();
      for (size_t r = begin; r < end; ++r) codes[r] = uint16_t(code_of(r, codes[r]));
    }
  });
  column->dictionary = std::move(joined);
}

// Parses `data` into *table: a counting pass over the chunks (the records of each, found as
// the parse finds them, so a guessed chunk start inside a quoted field is corrected here),
// then every chunk parses its rows straight into the table's columns at its first row,
// then the chunks' text, side lists and dictionaries are joined. When `mapped` is set,
// `data` is a private read-only file mapping: each chunk's pages are dropped once it is
// read (a later pass reads them from the file again), so the file's pages do not add to
// the peak memory.
Status parse_into(std::string_view data, const std::string& name, const CsvLoadOptions& options,
                  const MappedFile* mapped, EmployeeTable* table) {
  if (Status s = check_file_shape(data, name); !s.ok()) return s;  // docs/input.md
  size_t body = bom_length(data);
  Header header;
  if (Status s = read_header(data, name, &body, &header); !s.ok()) return s;

  std::vector<size_t> starts = chunk_starts(data, body, options.chunk_bytes);
  std::vector<ChunkOut> chunks(starts.size() - 1);
  parse_chunks(&starts, [&](size_t i, size_t begin, size_t limit, bool again) {
    const size_t end = count_records(data, begin, limit, &chunks[i].rows);
    if (mapped != nullptr && !again) mapped->drop_pages(begin, std::min(end, limit));
    return end;
  });
  size_t rows = 0;
  for (ChunkOut& chunk : chunks) {
    chunk.base = rows;
    rows += chunk.rows;
  }
  EmployeeTable out;
  out.rows = rows;
  size_columns(&out, rows);

  std::atomic<size_t> done{0};
  std::atomic<bool> miscounted{false};
  tbb::parallel_for(size_t(0), chunks.size(), [&](size_t i) {
    ChunkParser parser(data, header, options.deduction_codes);
    size_t parsed = 0;
    const size_t end = parser.parse(starts[i], starts[i + 1], &out, &chunks[i], &parsed);
    if (parsed != chunks[i].rows || (i + 1 < chunks.size() && end != starts[i + 1])) {
      miscounted = true;
    }
    if (mapped != nullptr) mapped->drop_pages(starts[i], starts[i + 1]);
    if (options.progress) options.progress(done += starts[i + 1] - starts[i], data.size() - body);
  });
  if (miscounted) {
    // The mapping is private, but pages not yet read show a change made to the file meanwhile.
    return Status::io_error(name + ": cannot read (the file changed while it was read)");
  }

  // The text columns and side lists must fit their 32-bit offsets.
  size_t bytes[ChunkOut::kStrings] = {}, side_bytes[3] = {};
  for (const ChunkOut& chunk : chunks) {
    for (int c = 0; c < ChunkOut::kStrings; ++c) bytes[c] += chunk.strings[c].byte_size();
    side_bytes[0] += chunk.pan_side.text.byte_size();
    side_bytes[1] += chunk.ifsc_side.text.byte_size();
    side_bytes[2] += chunk.bank_side.text.byte_size();
  }
  for (size_t b : bytes) {
    if (b > StringColumn::kMaxBytes) {
      return Status::invalid_argument(name + ": too large: a text column exceeds 4 GiB");
    }
  }
  for (size_t b : side_bytes) {
    if (b > StringColumn::kMaxBytes) {
      return Status::invalid_argument(name + ": too large: a text column exceeds 4 GiB");
    }
  }

  // The join: text columns copied into place, then the dictionaries (one job per column;
  // the side lists, small, with the first).
  using T = EmployeeTable;
  StringColumn T::*const strings[ChunkOut::kStrings] = {&T::employee_id, &T::name, &T::gpf_account,
                                                        &T::pran};
  DictColumn T::*const dictionaries[ChunkOut::kDictionaries] = {
      &T::treasury_code, &T::ddo_code,  &T::bill_group,  &T::department,
      &T::budget_head,   &T::pay_level, &T::stop_reason, &T::exempt_deductions};
  for (int c = 0; c < ChunkOut::kStrings; ++c) {
    std::vector<StringColumn*> parts;
    for (ChunkOut& chunk : chunks) parts.push_back(&chunk.strings[c]);
    (out.*strings[c]).assign_parts(parts);
    if (options.release_memory) options.release_memory();
  }
  tbb::parallel_for(0, ChunkOut::kDictionaries + 1, [&](int j) {
    if (j < ChunkOut::kDictionaries) {
      join_dictionaries(&chunks, j, &(out.*dictionaries[j]));
      return;
    }
    for (ChunkOut& chunk : chunks) {
      out.problems.insert(out.problems.end(), std::make_move_iterator(chunk.problems.begin()),
                          std::make_move_iterator(chunk.problems.end()));
      out.pan.append_side(chunk.pan_side);
      out.ifsc.append_side(chunk.ifsc_side);
      out.bank_account.append_side(chunk.bank_side);
      out.pay_cell.append_wide(chunk.wide[0]);
      out.basic_pay.append_wide(chunk.wide[1]);
      out.gpf_subscription.append_wide(chunk.wide[2]);
      out.special_pay.append_wide(chunk.wide[3]);
      out.loan_installment.append_wide(chunk.wide[4]);
      out.loan_balance.append_wide(chunk.wide[5]);
      out.income_tax_declared.append_wide(chunk.wide[6]);
      out.fy_gross_to_date.append_wide(chunk.wide[7]);
      out.fy_tds_to_date.append_wide(chunk.wide[8]);
      out.gpf_basis_pay.append_wide(chunk.wide[9]);
      out.chapter_via_deductions.append_wide(chunk.wide[10]);
    }
  });
  chunks.clear();
  if (options.release_memory) options.release_memory();
  *table = std::move(out);
  return Status();
}

}  // namespace

Status parse_employees_csv(std::string_view data, const std::string& name, EmployeeTable* table,
                           const CsvLoadOptions& options) {
  return parse_into(data, name, options, nullptr, table);
}

Status load_employees_csv(const std::string& path, EmployeeTable* table,
                          const CsvLoadOptions& options) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  return parse_into(file.data(), path, options, &file, table);
}

}  // namespace vetan
