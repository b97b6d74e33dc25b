#include "loaders/gpf/ledger_csv.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "loaders/csv/byte_mask.h"
#include "loaders/csv/csv_file.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

enum LedgerColumn : size_t { kAccount, kMonth, kKind, kAmount, kReference };
const std::vector<std::string_view> kLedgerColumns = {"gpf_account", "month", "kind", "amount",
                                                      "reference"};
constexpr size_t kLedgerRequired = 4;

std::string kinds_text() {
  std::string text;
  for (std::string_view k : kPostingKindNames) text += (text.empty() ? "" : ", ") + std::string(k);
  return text;
}

// Finds the first of ',', '"', '\r', '\n' at or after a position; with SSE2 a block of 16
// bytes at a time, its mask kept for the next fields of the line.
class SpecialScanner {
 public:
  const char* find(const char* p, const char* end) {
#if defined(__SSE2__)
    while (end - p >= 16) {
      if (p < block_ || p >= block_ + 16) {
        mask_ = byte_mask16<',', '"', '\n', '\r'>(p);
        block_ = p;
      }
      const uint32_t m = mask_ & (~uint32_t(0) << (p - block_));
      if (m != 0) return block_ + __builtin_ctz(m);
      p = block_ + 16;
    }
#endif
    return find_any<',', '"', '\n', '\r'>(p, end);
  }

 private:
#if defined(__SSE2__)
  const char* block_ = nullptr;  // mask_ describes [block_, block_ + 16)
  uint32_t mask_ = 0;
#endif
};

// What one chunk keeps besides its lines (which go to the builder's runs).
struct LedgerChunk {
  std::vector<GpfLineProblem> problems;  // line: the record's index in the chunk, for now
  uint32_t records = 0;
};

class LedgerChunkParser {
 public:
  LedgerChunkParser(std::string_view data, const CsvHeader& header, GpfLedgerBuilder* builder,
                    size_t chunk)
      : data_(data), header_(header), builder_(builder), chunk_(chunk), kinds_(kinds_text()) {}

  // Parses the records that start in [begin, limit); returns where the next one starts.
  size_t parse(size_t begin, size_t limit, LedgerChunk* chunk) {
    size_t position = begin;
    while (position < limit) {
      if (fast_line(&position)) {
        ++chunk->records;
        continue;
      }
      if (!reader_.next(data_, &position)) break;
      if (reader_.empty_line()) continue;
      add_line(chunk);
      ++chunk->records;
    }
    return position;
  }

 private:
  static constexpr size_t kFastFields = 16;

  // The usual line, read without CsvRecordReader: no quote, as many fields as the header,
  // an account that trims to itself, an ASCII month YYYY-MM, a kind spelt in capitals and
  // an amount of 1-12 ASCII digits. Adds it and advances *position past its line end, as
  // add_line would for the same record; returns false, touching nothing, for any other line
  // (then the general reader reads it).
  bool fast_line(size_t* position) {
    const size_t n_fields = header_.fields;
    if (n_fields > kFastFields) return false;
    const char* const end = data_.data() + data_.size();
    const char* s = data_.data() + *position;
    // Each field's first byte and its end (left uninitialised: zeroing them cost more than
    // the rest of the line).
    const char* field_begin[kFastFields];
    const char* field_end[kFastFields];
    size_t n = 0;
    const char* e;
    while (true) {
      e = scanner_.find(s, end);
      if (e < end && *e == '"') return false;
      if (n == n_fields) return false;
      field_begin[n] = s;
      field_end[n++] = e;
      if (e < end && *e == ',') {
        s = e + 1;
        continue;
      }
      break;
    }
    if (n != n_fields) return false;
    auto field = [&](size_t column) {
      const int at = header_.position[column];
      return std::string_view(field_begin[at], size_t(field_end[at] - field_begin[at]));
    };
    const std::string_view account = field(kAccount);
    if (account.empty()) return false;
    const auto first = static_cast<unsigned char>(account.front());
    const auto last = static_cast<unsigned char>(account.back());
    if (!(first > ' ' && first < 0x80 && last > ' ' && last < 0x80)) return false;
    const std::string_view m = field(kMonth);
    if (m.size() != 7 || m[4] != '-') return false;
    int32_t year = 0;
    for (size_t i = 0; i < 4; ++i) {
      if (m[i] < '0' || m[i] > '9') return false;
      year = year * 10 + (m[i] - '0');
    }
    const char a = m[5], b = m[6];
    if (!((a == '0' && b >= '1' && b <= '9') || (a == '1' && b >= '0' && b <= '2'))) return false;
    const int kind = kind_of(field(kKind));
    if (kind < 0) return false;
    const std::string_view amount_text = field(kAmount);
    if (amount_text.empty() || amount_text.size() > 12) return false;
    int64_t amount = 0;
    for (char c : amount_text) {
      if (c < '0' || c > '9') return false;
      amount = amount * 10 + (c - '0');
    }
    builder_->run(chunk_, builder_->partition_of(account))
        .add(account, make_month(year, (a - '0') * 10 + (b - '0')), PostingKind(kind), amount);
    const char* next = e;
    if (e < end) next += (*e == '\r' && e + 1 < end && e[1] == '\n') ? 2 : 1;
    *position = size_t(next - data_.data());
    return true;
  }

  // The kind spelt exactly as gpf.md §2 names it, or -1.
  static int kind_of(std::string_view k) {
    for (int i = 0; i < kPostingKindCount; ++i) {
      if (k == kPostingKindNames[i]) return i;
    }
    return -1;
  }

  std::string_view raw(size_t column) const {
    const int p = header_.position[column];
    const auto& fields = reader_.fields();
    return p >= 0 && size_t(p) < fields.size() ? trim(fields[size_t(p)]) : std::string_view();
  }

  void problem(const std::string& text) {
    if (!problems_.empty()) problems_ += "; ";
    problems_ += text;
  }

  // gpf.md §2: one line, readable or a problem.
  void add_line(LedgerChunk* c) {
    problems_.clear();
    const std::string_view account = raw(kAccount);
    const size_t fields = reader_.fields().size();
    Month month = 0;
    int kind = -1;
    int64_t amount = 0;
    if (fields != header_.fields) {
      problem("line has " + std::to_string(fields) + " fields, header has " +
              std::to_string(header_.fields));
    } else {
      if (account.empty()) problem("gpf_account is empty");
      const std::string_view m = raw(kMonth);
      if (!parse_month_text(m, &month)) problem("month '" + std::string(m) + "' is not YYYY-MM");
      const std::string_view k = raw(kKind);
      const std::string_view upper_kind = upper(k, &upper_);
      for (int i = 0; i < kPostingKindCount && kind < 0; ++i) {
        if (upper_kind == kPostingKindNames[i]) kind = i;
      }
      if (kind < 0) problem("kind '" + std::string(k) + "' is not one of " + kinds_);
      const std::string_view a = raw(kAmount);
      if (!parse_integer(a, &amount)) {
        problem("amount '" + std::string(a) + "' is not a whole number of rupees");
      }
    }
    if (!problems_.empty()) {
      c->problems.push_back(GpfLineProblem{c->records, std::string(account), problems_});
      return;
    }
    builder_->run(chunk_, builder_->partition_of(account))
        .add(account, month, PostingKind(kind), amount);
  }

  std::string_view data_;
  const CsvHeader& header_;
  GpfLedgerBuilder* builder_;
  size_t chunk_;
  CsvRecordReader reader_;
  SpecialScanner scanner_;
  std::string problems_, upper_;
  const std::string kinds_;
};

// check_utf8 in parallel: pieces split just after line ends are split at character
// boundaries, so the data is UTF-8 iff every piece is; the whole is then checked again only
// to name the first bad byte.
Status check_utf8_in_parallel(std::string_view data, const std::string& name, size_t chunk_bytes) {
  const std::vector<size_t> starts = chunk_starts(data, 0, chunk_bytes);
  std::atomic<bool> bad{false};
  tbb::parallel_for(size_t(0), starts.size() - 1, [&](size_t i) {
    if (!check_utf8(data.substr(starts[i], starts[i + 1] - starts[i]), name).ok()) bad = true;
  });
  return bad ? check_utf8(data, name) : Status();
}

// The partitions' splitters for GpfLedgerBuilder: the account fields (split at commas,
// quotes left in: the splitters only spread the work, the ledger never depends on them) of
// the lines at evenly spaced places of the body, at every 1/kPartitions of their byte order.
std::vector<std::string> sample_splitters(std::string_view data, size_t body,
                                          const CsvHeader& header) {
  constexpr size_t kSamples = 8192;
  const size_t column = size_t(header.position[kAccount]);
  std::vector<std::string> samples;
  const size_t size = data.size() - body;
  for (size_t i = 0; i < kSamples; ++i) {
    size_t at = body + size_t(uint64_t(size) * i / kSamples);
    if (at > body) {
      while (at < data.size() && data[at - 1] != '\n' && data[at - 1] != '\r') ++at;
    }
    size_t field = 0, begin = at, end = at;
    for (; end < data.size() && data[end] != '\n' && data[end] != '\r'; ++end) {
      if (data[end] != ',') continue;
      if (field == column) break;
      ++field;
      begin = end + 1;
    }
    const std::string_view account = trim(data.substr(begin, end - begin));
    if (field == column && !account.empty()) samples.emplace_back(account);
  }
  std::sort(samples.begin(), samples.end());
  samples.erase(std::unique(samples.begin(), samples.end()), samples.end());
  std::vector<std::string> splitters;
  const size_t parts = GpfLedgerBuilder::kPartitions;
  for (size_t j = 1; j < parts && !samples.empty(); ++j) {
    const std::string& s = samples[j * samples.size() / parts];
    if (splitters.empty() || s > splitters.back()) splitters.push_back(s);
  }
  return splitters;
}

}  // namespace

Status parse_gpf_ledger(std::string_view data, const std::string& name, GpfLedger* ledger,
                        const GpfLoadOptions& options) {
  if (Status s = check_utf8_in_parallel(data, name, options.chunk_bytes); !s.ok()) return s;
  size_t body = bom_length(data);
  CsvHeader header;
  if (Status s = read_csv_header(data, name, kLedgerColumns, kLedgerRequired, &body, &header);
      !s.ok()) {
    return s;
  }
  std::vector<size_t> starts = chunk_starts(data, body, options.chunk_bytes);
  // Each run's room, from the first lines: the lines a chunk holds, spread over the
  // partitions, with a margin (a hint only; the ledger never depends on it).
  size_t sample_lines = 0, sample_account_bytes = 0;
  {
    const std::string_view sample = data.substr(body, size_t(1) << 16);
    for (size_t at = 0, end;
         sample_lines < 1024 && (end = sample.find('\n', at)) != std::string_view::npos;
         at = end + 1) {
      const size_t comma = sample.find(',', at);
      sample_account_bytes += (comma < end ? comma : end) - at;
      ++sample_lines;
    }
  }
  const size_t sample_bytes = sample_lines == 0 ? 0 : std::min(data.size() - body, size_t(1) << 16);
  std::vector<LedgerChunk> chunks(starts.size() - 1);
  GpfLedgerBuilder builder(chunks.size(), sample_splitters(data, body, header));
  std::atomic<size_t> done{0};
  parse_chunks(&starts, [&](size_t i, size_t begin, size_t limit, bool again) {
    if (again) {
      chunks[i] = LedgerChunk();
      for (size_t p = 0; p < GpfLedgerBuilder::kPartitions; ++p) builder.run(i, p).clear();
    }
    if (!again && sample_lines > 0) {
      const size_t lines = (limit - begin) * sample_lines / sample_bytes;
      const size_t per_run = lines * 5 / 4 / GpfLedgerBuilder::kPartitions + 8;
      const size_t account = sample_account_bytes / sample_lines + 1;
      for (size_t p = 0; p < GpfLedgerBuilder::kPartitions; ++p)
        builder.run(i, p).reserve(per_run, per_run * account);
    }
    LedgerChunkParser parser(data, header, &builder, i);
    const size_t end = parser.parse(begin, limit, &chunks[i]);
    if (!again && options.progress) options.progress(done += limit - begin, data.size() - body);
    return end;
  });
  // Problems in file order, numbered among all records.
  std::vector<GpfLineProblem> problems;
  uint32_t records = 0;
  for (LedgerChunk& c : chunks) {
    for (GpfLineProblem& p : c.problems) {
      p.line += records + 1;
      problems.push_back(std::move(p));
    }
    records += c.records;
  }
  builder.build(std::move(problems), ledger);
  return Status();
}

Status load_gpf_ledger(const std::string& path, GpfLedger* ledger, const GpfLoadOptions& options) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  return parse_gpf_ledger(file.data(), path, ledger, options);
}

namespace {

enum CaseColumn : size_t { kCaseId, kCaseAccount, kPayable, kPayment };
const std::vector<std::string_view> kCaseColumns = {"case_id", "gpf_account", "payable_month",
                                                    "payment_month"};

}  // namespace

Status parse_gpf_cases(std::string_view data, const std::string& name, GpfCases* out) {
  if (Status s = check_utf8(data, name); !s.ok()) return s;
  size_t position = bom_length(data);
  CsvHeader header;
  if (Status s = read_csv_header(data, name, kCaseColumns, kCaseColumns.size(), &position, &header);
      !s.ok()) {
    return s;
  }
  GpfCases result;
  std::set<std::string, std::less<>> seen;
  CsvRecordReader reader;
  uint32_t line = 0;
  auto unusable = [&](const std::string& what) {
    result.unusable = Status::invalid_argument(name + ": line " + std::to_string(line) + what);
  };
  while (reader.next(data, &position)) {
    if (reader.empty_line()) continue;
    ++line;
    const auto& fields = reader.fields();
    if (fields.size() != header.fields) {  // gpf.md §5: the file is unusable
      unusable(" has " + std::to_string(fields.size()) + " fields, header has " +
               std::to_string(header.fields));
      break;
    }
    auto raw = [&](size_t c) { return trim(fields[size_t(header.position[c])]); };
    GpfCase c;
    c.case_id = raw(kCaseId);
    c.account = raw(kCaseAccount);
    c.payable_text = raw(kPayable);
    c.payment_text = raw(kPayment);
    if (c.case_id.empty() || !seen.insert(c.case_id).second) {
      unusable(": case_id '" + c.case_id + "' is empty or repeated");
      break;
    }
    if (!parse_month_text(c.payable_text, &c.payable)) {
      unusable(": payable_month '" + c.payable_text + "' is not YYYY-MM");
      break;
    }
    if (!parse_month_text(c.payment_text, &c.payment)) {
      unusable(": payment_month '" + c.payment_text + "' is not YYYY-MM");
      break;
    }
    result.cases.push_back(std::move(c));
  }
  *out = std::move(result);
  return Status();
}

Status load_gpf_cases(const std::string& path, GpfCases* cases) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  return parse_gpf_cases(file.data(), path, cases);
}

}  // namespace vetan
