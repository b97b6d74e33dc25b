#include "core/gpf/gpf_ledger.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <utility>

namespace vetan {
namespace {

// Groups of consecutive blocks, each counted and scattered by one task. A fixed count, so
// the work never depends on the thread count (and a stable sort's result on neither).
constexpr size_t kGroups = 16;

struct Posting {
  Month month;
  PostingKind kind;
  Money amount;
};

// Sorts positions [b, e) of the ledger's posting columns by month. Short runs (the usual
// account) by insertion; long ones through `scratch`, reused across accounts.
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

void build_gpf_ledger(GpfLedgerLines* lines, GpfLedger* ledger) {
  GpfLedger& l = *ledger;
  l = GpfLedger();
  const size_t accounts = lines->accounts.size();
  const size_t blocks = lines->blocks.size();
  const size_t groups = std::min(kGroups, blocks);
  auto group_blocks = [&](size_t g) {
    return std::pair<size_t, size_t>(g * blocks / groups, (g + 1) * blocks / groups);
  };

  // Count each group's lines per account, then turn counts into write positions: account
  // a's lines of group g go after those of the groups before it (a stable sort).
  std::vector<std::vector<uint64_t>> position(groups);
  tbb::parallel_for(size_t(0), groups, [&](size_t g) {
    std::vector<uint64_t>& count = position[g];
    count.assign(accounts, 0);
    const auto [first, last] = group_blocks(g);
    for (size_t b = first; b < last; ++b) {
      for (Dictionary::Code a : lines->blocks[b].account) ++count[a];
    }
  });
  l.begin.assign(accounts + 1, 0);
  uint64_t total = 0;
  for (size_t a = 0; a < accounts; ++a) {
    l.begin[a] = total;
    for (size_t g = 0; g < groups; ++g) {
      const uint64_t n = position[g][a];
      position[g][a] = total;
      total += n;
    }
  }
  l.begin[accounts] = total;
  l.month.resize(total);
  l.kind.resize(total);
  l.amount.resize(total);
  tbb::parallel_for(size_t(0), groups, [&](size_t g) {
    std::vector<uint64_t>& at = position[g];
    const auto [first, last] = group_blocks(g);
    for (size_t b = first; b < last; ++b) {
      GpfLineBlock& block = lines->blocks[b];
      for (size_t i = 0; i < block.account.size(); ++i) {
        const uint64_t p = at[block.account[i]]++;
        l.month[p] = block.month[i];
        l.kind[p] = block.kind[i];
        l.amount[p] = block.amount[i];
      }
      block = GpfLineBlock();  // consumed: give its memory back as we go
    }
  });
  position.clear();
  lines->blocks.clear();

  tbb::parallel_for(tbb::blocked_range<size_t>(0, accounts, 4096),
                    [&](const tbb::blocked_range<size_t>& r) {
                      std::vector<Posting> scratch;
                      for (size_t a = r.begin(); a < r.end(); ++a) {
                        sort_by_month(&l, l.begin[a], l.begin[a + 1], &scratch);
                      }
                    });

  l.accounts = std::move(lines->accounts);
  l.by_bytes.resize(accounts);
  for (size_t a = 0; a < accounts; ++a) l.by_bytes[a] = Dictionary::Code(a);
  const Dictionary& names = l.accounts;
  tbb::parallel_sort(l.by_bytes.begin(), l.by_bytes.end(),
                     [&names](Dictionary::Code x, Dictionary::Code y) {
                       return names.value(x) < names.value(y);
                     });

  l.problems = std::move(lines->problems);
  l.unreadable_line.assign(accounts, 0);
  for (const GpfLineProblem& p : l.problems) {
    Dictionary::Code code = 0;
    if (!p.account.empty() && l.accounts.find(p.account, &code) && l.unreadable_line[code] == 0) {
      l.unreadable_line[code] = p.line;
    }
  }
}

}  // namespace vetan
