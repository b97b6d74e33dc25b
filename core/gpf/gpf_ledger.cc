#include "core/gpf/gpf_ledger.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <limits>
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

// An account of a partition's dictionary (or, as partition kPartitions, one named only by
// unreadable lines), keyed for sorting by its first 16 bytes as big-endian words (integer
// order is byte order there); the values are compared only on a tie.
struct AccountKey {
  uint64_t high, low;
  uint32_t partition;
  Dictionary::Code local;
};

AccountKey key_of(std::string_view v, uint32_t partition, Dictionary::Code local) {
  char bytes[16] = {};
  std::memcpy(bytes, v.data(), std::min<size_t>(16, v.size()));
  uint64_t high, low;
  std::memcpy(&high, bytes, 8);
  std::memcpy(&low, bytes + 8, 8);
  return AccountKey{__builtin_bswap64(high), __builtin_bswap64(low), partition, local};
}

}  // namespace

void GpfLedgerBuilder::build(std::vector<GpfLineProblem> problems, GpfLedger* ledger) {
  GpfLedger& l = *ledger;
  l = GpfLedger();
  // 1. Per partition, in parallel: its accounts' codes in file order, and their counts.
  std::vector<Dictionary> dictionaries(kPartitions + 1);  // the last: unreadable-only accounts
  std::vector<std::vector<Dictionary::Code>> codes(kPartitions);
  std::vector<std::vector<uint64_t>> counts(kPartitions + 1);
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    Dictionary& d = dictionaries[p];
    size_t lines = 0;
    for (size_t c = 0; c < chunks_; ++c) lines += run(c, p).size();
    std::vector<Dictionary::Code>& code = codes[p];
    code.resize(lines);
    size_t i = 0;
    for (size_t c = 0; c < chunks_; ++c) {
      const Run& r = run(c, p);
      const char* at = r.accounts_.data();
      for (size_t j = 0; j < r.size(); ++j) {
        uint32_t size = uint8_t(*at++);
        if (size == 255) {
          std::memcpy(&size, at, 4);
          at += 4;
        }
        code[i++] = d.add(std::string_view(at, size));
        at += size;
      }
      std::string().swap(run(c, p).accounts_);
    }
    counts[p].assign(d.size(), 0);
    for (Dictionary::Code k : code) ++counts[p][k];
  });
  Dictionary& extra = dictionaries[kPartitions];
  for (const GpfLineProblem& p : problems) {
    Dictionary::Code k = 0;
    if (!p.account.empty() &&
        !dictionaries[partition_of(p.account)].find(p.account, &k)) {
      extra.add(p.account);
    }
  }
  counts[kPartitions].assign(extra.size(), 0);

  // 2. All accounts in byte order: an account's code is its rank.
  std::vector<size_t> key_base(kPartitions + 2, 0);
  for (size_t p = 0; p <= kPartitions; ++p) key_base[p + 1] = key_base[p] + dictionaries[p].size();
  const size_t accounts = key_base[kPartitions + 1];
  std::vector<AccountKey> keys(accounts);
  tbb::parallel_for(size_t(0), kPartitions + 1, [&](size_t p) {
    for (Dictionary::Code k = 0; k < dictionaries[p].size(); ++k) {
      keys[key_base[p] + k] = key_of(dictionaries[p].value(k), uint32_t(p), k);
    }
  });
  tbb::parallel_sort(keys.begin(), keys.end(), [&](const AccountKey& x, const AccountKey& y) {
    if (x.high != y.high) return x.high < y.high;
    if (x.low != y.low) return x.low < y.low;
    return dictionaries[x.partition].value(x.local) < dictionaries[y.partition].value(y.local);
  });
  std::vector<std::vector<Dictionary::Code>> rank(kPartitions + 1);
  for (size_t p = 0; p <= kPartitions; ++p) rank[p].resize(dictionaries[p].size());
  l.accounts.reserve(accounts);
  l.begin.resize(accounts + 1);
  uint64_t total = 0;
  for (size_t r = 0; r < accounts; ++r) {
    const AccountKey& k = keys[r];
    l.accounts.add(dictionaries[k.partition].value(k.local));
    rank[k.partition][k.local] = Dictionary::Code(r);
    l.begin[r] = total;
    total += counts[k.partition][k.local];
  }
  l.begin[accounts] = total;
  keys = std::vector<AccountKey>();
  dictionaries.clear();

  // 3. The postings to their places, each account's by month and in file order within a
  // month: per partition, its postings counting-sorted by month (stable), then placed by
  // account in that order. A partition whose months span more than kMonthSpan is placed in
  // file order and its accounts sorted by month afterwards (the same order).
  constexpr Month kMonthSpan = 4096;
  l.month.resize(total);
  l.kind.resize(total);
  l.amount.resize(total);
  std::vector<uint8_t> unsorted(kPartitions, 0);
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    std::vector<uint64_t> cursor(rank[p].size());
    for (size_t k = 0; k < cursor.size(); ++k) cursor[k] = l.begin[rank[p][k]];
    const std::vector<Dictionary::Code>& code = codes[p];
    if (code.empty()) return;
    auto place = [&](uint64_t packed, Dictionary::Code k) {
      const uint64_t at = cursor[k]++;
      const Posting posting = unpack(packed);
      l.month[at] = posting.month;
      l.kind[at] = posting.kind;
      l.amount[at] = posting.amount;
    };
    Month low = std::numeric_limits<Month>::max(), high = std::numeric_limits<Month>::min();
    for (size_t c = 0; c < chunks_; ++c) {
      for (uint64_t packed : run(c, p).postings_) {
        const Month m = unpack(packed).month;
        low = std::min(low, m);
        high = std::max(high, m);
      }
    }
    if (high - low < kMonthSpan) {
      std::vector<uint32_t> next(size_t(high - low) + 2, 0);
      for (size_t c = 0; c < chunks_; ++c) {
        for (uint64_t packed : run(c, p).postings_) ++next[size_t(unpack(packed).month - low) + 1];
      }
      for (size_t m = 1; m < next.size(); ++m) next[m] += next[m - 1];
      std::vector<uint64_t> by_month(code.size());
      std::vector<Dictionary::Code> code_by_month(code.size());
      size_t i = 0;
      for (size_t c = 0; c < chunks_; ++c) {
        Run& r = run(c, p);
        for (uint64_t packed : r.postings_) {
          const uint32_t at = next[size_t(unpack(packed).month - low)]++;
          by_month[at] = packed;
          code_by_month[at] = code[i++];
        }
        r.clear();  // consumed: give its memory back as we go
      }
      for (size_t j = 0; j < by_month.size(); ++j) place(by_month[j], code_by_month[j]);
    } else {
      unsorted[p] = 1;
      size_t i = 0;
      for (size_t c = 0; c < chunks_; ++c) {
        Run& r = run(c, p);
        for (uint64_t packed : r.postings_) place(packed, code[i++]);
        r.clear();
      }
    }
    std::vector<Dictionary::Code>().swap(codes[p]);
  });
  runs_.clear();
  if (std::find(unsorted.begin(), unsorted.end(), 1) != unsorted.end()) {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, accounts, 4096),
                      [&](const tbb::blocked_range<size_t>& range) {
                        std::vector<Posting> scratch;
                        for (size_t a = range.begin(); a < range.end(); ++a) {
                          sort_by_month(&l, l.begin[a], l.begin[a + 1], &scratch);
                        }
                      });
  }

  l.problems = std::move(problems);
  l.unreadable_line.assign(accounts, 0);
  for (const GpfLineProblem& p : l.problems) {
    Dictionary::Code code = 0;
    if (!p.account.empty() && l.accounts.find(p.account, &code) && l.unreadable_line[code] == 0) {
      l.unreadable_line[code] = p.line;
    }
  }
}

}  // namespace vetan
