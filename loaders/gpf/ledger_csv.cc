#include "loaders/gpf/ledger_csv.h"

#include <tbb/parallel_for.h>

#include <atomic>
#include <deque>
#include <set>

#include "loaders/csv/csv_file.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

enum LedgerColumn : size_t { kAccount, kMonth, kKind, kAmount, kReference };
const std::vector<std::string_view> kLedgerColumns = {"gpf_account", "month", "kind", "amount",
                                                      "reference"};
constexpr size_t kLedgerRequired = 4;

// Accounts are dictionary-encoded in this many partitions (by the top bits of their hash),
// each by one task: small dictionaries that stay in cache.
constexpr size_t kPartitions = 256;

std::string kinds_text() {
  std::string text;
  for (const char* k : kPostingKindNames) text += (text.empty() ? "" : ", ") + std::string(k);
  return text;
}

// The readable lines of one chunk, in file order, before their accounts have codes.
struct LedgerChunk {
  std::vector<std::string_view> account;  // into the file's bytes, or into `quoted`
  std::deque<std::string> quoted;         // accounts that were quoted fields (unescaped)
  std::vector<uint8_t> partition;
  std::vector<Month> month;
  std::vector<PostingKind> kind;
  std::vector<Money> amount;
  std::vector<GpfLineProblem> problems;  // line: the record's index in the chunk, for now
  uint32_t records = 0;
  // Lines by partition: bucket[bucket_begin[p] .. bucket_begin[p + 1]).
  std::vector<uint32_t> bucket_begin, bucket;
  std::vector<Dictionary::Code> code;  // by line: its code in its partition's dictionary
};

class LedgerChunkParser {
 public:
  LedgerChunkParser(std::string_view data, const CsvHeader& header)
      : data_(data), header_(header), kinds_(kinds_text()) {}

  // Parses the records that start in [begin, limit); returns where the next one starts.
  size_t parse(size_t begin, size_t limit, LedgerChunk* chunk) {
    size_t position = begin;
    while (position < limit) {
      if (!reader_.next(data_, &position)) break;
      if (reader_.empty_line()) continue;
      add_line(chunk);
      ++chunk->records;
    }
    return position;
  }

 private:
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
      for (int i = 0; i < kPostingKindCount; ++i) {
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
    const bool in_file = account.data() >= data_.data() &&
                         account.data() + account.size() <= data_.data() + data_.size();
    c->account.push_back(in_file ? account : std::string_view(c->quoted.emplace_back(account)));
    c->partition.push_back(uint8_t(Dictionary::hash(account) >> 24));
    c->month.push_back(month);
    c->kind.push_back(PostingKind(kind));
    c->amount.push_back(amount);
  }

  std::string_view data_;
  const CsvHeader& header_;
  CsvRecordReader reader_;
  std::string problems_, upper_;
  const std::string kinds_;
};

// Orders a chunk's lines by partition (a counting sort of their indices).
void bucket_by_partition(LedgerChunk* c) {
  c->bucket_begin.assign(kPartitions + 1, 0);
  for (uint8_t p : c->partition) ++c->bucket_begin[size_t(p) + 1];
  for (size_t p = 0; p < kPartitions; ++p) c->bucket_begin[p + 1] += c->bucket_begin[p];
  std::vector<uint32_t> at(c->bucket_begin.begin(), c->bucket_begin.end() - 1);
  c->bucket.resize(c->partition.size());
  for (uint32_t i = 0; i < c->partition.size(); ++i) c->bucket[at[c->partition[i]]++] = i;
  c->code.resize(c->partition.size());
}

// Codes every chunk's accounts: one dictionary per partition, each filled in file order by
// one task; then the partitions' values in turn make the ledger's dictionary, so an
// account's code is its partition's base plus its code there.
void encode_accounts(std::vector<LedgerChunk>* chunks, GpfLedgerLines* lines) {
  std::vector<Dictionary> partitions(kPartitions);
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    Dictionary& d = partitions[p];
    for (LedgerChunk& c : *chunks) {
      for (uint32_t j = c.bucket_begin[p]; j < c.bucket_begin[p + 1]; ++j) {
        const uint32_t line = c.bucket[j];
        c.code[line] = d.add(c.account[line]);
      }
    }
  });
  std::vector<Dictionary::Code> base(kPartitions);
  for (size_t p = 0; p < kPartitions; ++p) {
    base[p] = Dictionary::Code(lines->accounts.size());
    for (Dictionary::Code k = 0; k < partitions[p].size(); ++k) {
      lines->accounts.add(partitions[p].value(k));
    }
    partitions[p] = Dictionary();
  }
  lines->blocks.resize(chunks->size());
  tbb::parallel_for(size_t(0), chunks->size(), [&](size_t i) {
    LedgerChunk& c = (*chunks)[i];
    GpfLineBlock& b = lines->blocks[i];
    b.account.resize(c.code.size());
    for (size_t j = 0; j < c.code.size(); ++j) b.account[j] = base[c.partition[j]] + c.code[j];
    b.month = std::move(c.month);
    b.kind = std::move(c.kind);
    b.amount = std::move(c.amount);
    std::vector<std::string_view>().swap(c.account);
    std::vector<uint8_t>().swap(c.partition);
    std::vector<uint32_t>().swap(c.bucket);
    std::vector<Dictionary::Code>().swap(c.code);
  });
}

}  // namespace

Status parse_gpf_ledger(std::string_view data, const std::string& name, GpfLedger* ledger,
                        const GpfLoadOptions& options) {
  if (Status s = check_utf8(data, name); !s.ok()) return s;
  size_t body = bom_length(data);
  CsvHeader header;
  if (Status s = read_csv_header(data, name, kLedgerColumns, kLedgerRequired, &body, &header);
      !s.ok()) {
    return s;
  }
  std::vector<size_t> starts = chunk_starts(data, body, options.chunk_bytes);
  std::vector<LedgerChunk> chunks(starts.size() - 1);
  std::atomic<size_t> done{0};
  parse_chunks(&starts, [&](size_t i, size_t begin, size_t limit, bool again) {
    if (again) chunks[i] = LedgerChunk();
    LedgerChunkParser parser(data, header);
    const size_t end = parser.parse(begin, limit, &chunks[i]);
    bucket_by_partition(&chunks[i]);
    if (!again && options.progress) options.progress(done += limit - begin, data.size() - body);
    return end;
  });

  GpfLedgerLines lines;
  encode_accounts(&chunks, &lines);
  // Problems in file order with their numbers among all records; their accounts join the
  // dictionary (an account named only by unreadable lines is refused too).
  uint32_t records = 0;
  for (LedgerChunk& c : chunks) {
    for (GpfLineProblem& p : c.problems) {
      p.line += records + 1;
      if (!p.account.empty()) lines.accounts.add(p.account);
      lines.problems.push_back(std::move(p));
    }
    records += c.records;
  }
  chunks.clear();
  build_gpf_ledger(&lines, ledger);
  return Status();
}

Status load_gpf_ledger(const std::string& path, GpfLedger* ledger,
                       const GpfLoadOptions& options) {
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
  if (Status s = read_csv_header(data, name, kCaseColumns, kCaseColumns.size(), &position,
                                 &header);
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
