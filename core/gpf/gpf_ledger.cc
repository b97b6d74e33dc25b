#include "core/gpf/gpf_ledger.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <utility>

namespace vetan {
namespace {

struct Posting {
  Month month;
  PostingKind kind;
  Money amount;
};

constexpr Posting unpack(uint64_t packed) {
  return Posting{Month((packed >> 40) & 0x1FFFF), PostingKind(packed >> 57),
                 Money(packed & ((uint64_t(1) << 40) - 1))};
}

// Sorts positions [b, e) of the ledger's posting columns by month (the order within a month
// plays no part in any figure). Short runs (the usual account) by insertion; long ones
// through `scratch`, reused across accounts.
void sort_by_month(GpfLedger* l, uint64_t b, uint64_t e, std::vector<Posting>* scratch) {
  Month* month = l->month.data();
  PostingKind* kind = l->kind.data();
  Money* amount = l->amount.data();
  if (e - b <= 32) {
    for (uint64_t i = b + 1; i < e; ++i) {
      const Posting p{month[i], kind[i], amount[i]};
      uint64_t j = i;
      for (; j > b && month[j - 1] > p.month; --j) {
        month[j] = month[j - 1];
        kind[j] = kind[j - 1];
        amount[j] = amount[j - 1];
      }
      month[j] = p.month;
      kind[j] = p.kind;
      amount[j] = p.amount;
    }
    return;
  }
  scratch->clear();
  for (uint64_t i = b; i < e; ++i) scratch->push_back(Posting{month[i], kind[i], amount[i]});
  std::stable_sort(scratch->begin(), scratch->end(),
                   [](const Posting& x, const Posting& y) { return x.month < y.month; });
  for (uint64_t i = b; i < e; ++i) {
    const Posting& p = (*scratch)[size_t(i - b)];
    month[i] = p.month;
    kind[i] = p.kind;
    amount[i] = p.amount;
  }
}

// The codes of `names` in byte order of their values. Sorted on the values' first 16
// bytes (big-endian words, so integer order is byte order) and the values only on a tie.
std::vector<Dictionary::Code> byte_order(const Dictionary& names) {
  struct Key {
    uint64_t high, low;
    Dictionary::Code code;
  };
  std::vector<Key> keys(names.size());
  tbb::parallel_for(size_t(0), names.size(), [&](size_t a) {
    char bytes[16] = {};
    const std::string_view v = names.value(Dictionary::Code(a));
    std::memcpy(bytes, v.data(), std::min<size_t>(16, v.size()));
    uint64_t high, low;
    std::memcpy(&high, bytes, 8);
    std::memcpy(&low, bytes + 8, 8);
    keys[a] = Key{__builtin_bswap64(high), __builtin_bswap64(low), Dictionary::Code(a)};
  });
  tbb::parallel_sort(keys.begin(), keys.end(), [&names](const Key& x, const Key& y) {
    if (x.high != y.high) return x.high < y.high;
    if (x.low != y.low) return x.low < y.low;
    return names.value(x.code) < names.value(y.code);
  });
  std::vector<Dictionary::Code> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].code;
  return order;
}

}  // namespace

void GpfLedgerBuilder::build(std::vector<GpfLineProblem> problems, GpfLedger* ledger) {
  GpfLedger& l = *ledger;
  l = GpfLedger();
  // Partition p's postings go to [base[p], base[p + 1]) of the columns.
  std::vector<uint64_t> base(kPartitions + 1, 0);
  for (size_t p = 0; p < kPartitions; ++p) {
    base[p + 1] = base[p];
    for (size_t c = 0; c < chunks_; ++c) base[p + 1] += run(c, p).size();
  }
  const uint64_t total = base[kPartitions];
  l.month.resize(total);
  l.kind.resize(total);
  l.amount.resize(total);

  // Per partition: codes in file order, then a stable counting sort by code into the
  // columns, then each account's postings by month.
  std::vector<Dictionary> dictionaries(kPartitions);
  std::vector<std::vector<uint64_t>> starts(kPartitions);  // by code in the partition
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    Dictionary& d = dictionaries[p];
    std::vector<Dictionary::Code> code(base[p + 1] - base[p]);
    size_t i = 0;
    for (size_t c = 0; c < chunks_; ++c) {
      const Run& r = run(c, p);
      const char* at = r.accounts_.data();
      for (size_t j = 0; j < r.size(); ++j) {
        uint32_t size;
        std::memcpy(&size, at, 4);
        code[i++] = d.add(std::string_view(at + 4, size));
        at += 4 + size;
      }
    }
    std::vector<uint64_t>& start = starts[p];
    start.assign(d.size() + 1, 0);
    for (Dictionary::Code k : code) ++start[k + 1];
    start[0] = base[p];
    for (size_t k = 0; k < d.size(); ++k) start[k + 1] += start[k];
    std::vector<uint64_t> cursor(start.begin(), start.end() - 1);
    i = 0;
    for (size_t c = 0; c < chunks_; ++c) {
      Run& r = run(c, p);
      for (uint64_t packed : r.postings_) {
        const uint64_t at = cursor[code[i++]]++;
        const Posting posting = unpack(packed);
        l.month[at] = posting.month;
        l.kind[at] = posting.kind;
        l.amount[at] = posting.amount;
      }
      r.clear();  // consumed: give its memory back as we go
    }
    std::vector<Posting> scratch;
    for (size_t k = 0; k < d.size(); ++k) sort_by_month(&l, start[k], start[k + 1], &scratch);
  });
  runs_.clear();

  // The ledger's dictionary: the partitions' accounts in turn, then those named only by
  // unreadable lines (file order).
  size_t accounts = problems.size();
  for (const Dictionary& d : dictionaries) accounts += d.size();
  l.accounts.reserve(accounts);
  std::vector<Dictionary::Code> code_base(kPartitions);
  for (size_t p = 0; p < kPartitions; ++p) {
    code_base[p] = Dictionary::Code(l.accounts.size());
    for (Dictionary::Code k = 0; k < dictionaries[p].size(); ++k) {
      l.accounts.add(dictionaries[p].value(k));
    }
    dictionaries[p] = Dictionary();
  }
  for (const GpfLineProblem& p : problems) {
    if (!p.account.empty()) l.accounts.add(p.account);
  }
  l.begin.assign(l.accounts.size() + 1, total);
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    for (size_t k = 0; k + 1 < starts[p].size(); ++k) l.begin[code_base[p] + k] = starts[p][k];
  });
  l.by_bytes = byte_order(l.accounts);

  l.problems = std::move(problems);
  l.unreadable_line.assign(l.accounts.size(), 0);
  for (const GpfLineProblem& p : l.problems) {
    Dictionary::Code code = 0;
    if (!p.account.empty() && l.accounts.find(p.account, &code) && l.unreadable_line[code] == 0) {
      l.unreadable_line[code] = p.line;
    }
  }
}

}  // namespace vetan
