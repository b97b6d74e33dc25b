#include "core/gpf/gpf_ledger.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <functional>
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

}  // namespace

GpfLedgerBuilder::GpfLedgerBuilder(size_t chunks, std::vector<std::string> splitters)
    : chunks_(chunks), runs_(chunks * kPartitions) {
  const bool usable = splitters.size() < kPartitions &&
                      std::adjacent_find(splitters.begin(), splitters.end(),
                                         std::greater_equal<>()) == splitters.end();
  if (usable) splitters_ = std::move(splitters);
  for (const std::string& s : splitters_) splitter_keys_.push_back(key_of(s));
  // Padded to kPartitions with keys after every account's (UTF-8 text never holds 0xFF).
  padded_keys_ = splitter_keys_;
  padded_keys_.resize(kPartitions, Key{~uint64_t(0), ~uint64_t(0)});
}

size_t GpfLedgerBuilder::partition_of(std::string_view account) const {
  const Key key = key_of(account);
  auto less = [&key](const Key& s) {  // s before key, without a branch
    return size_t(s.high < key.high) | (size_t(s.high == key.high) & size_t(s.low < key.low));
  };
  // The splitters whose 16 bytes come before the account's, counted in two steps of 16
  // independent comparisons (no branch to mispredict, no chain of dependent loads): the
  // groups of 16 whose last comes before, then those before in the account's group ...
  const Key* keys = padded_keys_.data();
  size_t group = 0;
  for (size_t g = 0; g < 16; ++g) group += less(keys[16 * g + 15]);
  size_t p = 16 * group;
  for (size_t j = 0; j < 16; ++j) p += less(keys[16 * group + j]);
  // ... and those with the same 16 bytes at or before it.
  while (p < splitters_.size() && splitter_keys_[p].high == key.high &&
         splitter_keys_[p].low == key.low && std::string_view(splitters_[p]) <= account) {
    ++p;
  }
  return p;
}

void GpfLedgerBuilder::build(std::vector<GpfLineProblem> problems, GpfLedger* ledger) {
  GpfLedger& l = *ledger;
  l = GpfLedger();
  // 1. Per partition, in parallel: its accounts' codes in file order, and their counts.
  std::vector<Dictionary> dictionaries(kPartitions);
  std::vector<std::vector<Dictionary::Code>> codes(kPartitions);
  std::vector<std::vector<uint64_t>> counts(kPartitions);
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
  // The accounts named only by unreadable lines, without postings.
  for (const GpfLineProblem& p : problems) {
    if (p.account.empty()) continue;
    const size_t partition = partition_of(p.account);
    Dictionary::Code k = 0;
    if (!dictionaries[partition].find(p.account, &k)) {
      dictionaries[partition].add(p.account);
      counts[partition].push_back(0);
    }
  }

  // 2. Each partition's accounts in byte order, in parallel; partitions follow byte order,
  // so an account's code, its rank among all, is its partition's base plus its rank there.
  std::vector<std::vector<Dictionary::Code>> order(kPartitions), rank(kPartitions);
  tbb::parallel_for(size_t(0), kPartitions, [&](size_t p) {
    const Dictionary& d = dictionaries[p];
    std::vector<std::pair<Key, Dictionary::Code>> keys(d.size());
    for (Dictionary::Code k = 0; k < d.size(); ++k) keys[k] = {key_of(d.value(k)), k};
    std::sort(keys.begin(), keys.end(), [&](const auto& x, const auto& y) {
      if (x.first.high != y.first.high) return x.first.high < y.first.high;
      if (x.first.low != y.first.low) return x.first.low < y.first.low;
      return d.value(x.second) < d.value(y.second);
    });
    order[p].resize(d.size());
    rank[p].resize(d.size());
    for (size_t r = 0; r < keys.size(); ++r) order[p][r] = keys[r].second;
  });
  size_t accounts = 0;
  for (size_t p = 0; p < kPartitions; ++p) accounts += dictionaries[p].size();
  l.accounts.reserve(accounts);
  l.begin.resize(accounts + 1);
  uint64_t total = 0;
  size_t r = 0;
  for (size_t p = 0; p < kPartitions; ++p) {
    for (Dictionary::Code k : order[p]) {
      l.accounts.add(dictionaries[p].value(k));
      rank[p][k] = Dictionary::Code(r);
      l.begin[r++] = total;
      total += counts[p][k];
    }
  }
  l.begin[accounts] = total;
  order.clear();
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
      // The stretch of the columns this partition's postings go to is its own: in cache.
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
