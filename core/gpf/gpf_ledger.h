// The GPF ledger (gpf.md §2) as columns: accounts dictionary-encoded, postings grouped by
// account and sorted by month within it, and the lines that could not be read.
//
// A loader fills GpfLedgerLines (the readable lines in blocks, in file order);
// build_gpf_ledger() groups them. Thread-safety: a built GpfLedger is read-only and may be
// read from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/table/dictionary.h"

namespace vetan {

// gpf.md §2: the kinds of a ledger line.
enum class PostingKind : uint8_t { kOpening, kSubscription, kRefund, kDeposit, kAdvance, kWithdrawal };
inline constexpr int kPostingKindCount = 6;
inline constexpr const char* kPostingKindNames[kPostingKindCount] = {
    "OPENING", "SUBSCRIPTION", "REFUND", "DEPOSIT", "ADVANCE", "WITHDRAWAL"};

// gpf.md §2: SUBSCRIPTION, REFUND and DEPOSIT credit the fund; ADVANCE and WITHDRAWAL debit
// it; an OPENING is neither (it is the balance at an FY's start).
constexpr bool is_credit(PostingKind k) {
  return k == PostingKind::kSubscription || k == PostingKind::kRefund ||
         k == PostingKind::kDeposit;
}
constexpr bool is_debit(PostingKind k) {
  return k == PostingKind::kAdvance || k == PostingKind::kWithdrawal;
}

// A line of the file that cannot be read (gpf.md §2): its number among the file's records
// (1 = the first after the header, blank lines not counted), the account it names ("" when
// that field is unreadable too) and what is wrong.
struct GpfLineProblem {
  uint32_t line;
  std::string account;
  std::string problem;
};

// Readable lines of consecutive parts of the file, in file order.
struct GpfLineBlock {
  std::vector<Dictionary::Code> account;
  std::vector<Month> month;
  std::vector<PostingKind> kind;
  std::vector<Money> amount;
};

// What a loader fills: every account named by a readable or an unreadable line is in
// `accounts`.
struct GpfLedgerLines {
  Dictionary accounts;
  std::vector<GpfLineBlock> blocks;
  std::vector<GpfLineProblem> problems;  // sorted by line
};

struct GpfLedger {
  Dictionary accounts;
  std::vector<Dictionary::Code> by_bytes;  // the account codes in byte order of their text
  // Postings of account code a: [begin[a], begin[a + 1]), sorted by month.
  std::vector<uint64_t> begin;
  std::vector<Month> month;
  std::vector<PostingKind> kind;
  std::vector<Money> amount;
  // By account code: the first unreadable line naming it (gpf.md §2, UNREADABLE_LINE), or 0.
  std::vector<uint32_t> unreadable_line;
  std::vector<GpfLineProblem> problems;  // sorted by line

  size_t account_count() const { return accounts.size(); }
  uint64_t posting_count() const { return month.size(); }
};

// Groups `lines` (consumed) into *ledger: a stable counting sort by account in parallel,
// then each account's postings sorted by month. The result does not depend on how the
// lines were split into blocks, nor on the thread count.
void build_gpf_ledger(GpfLedgerLines* lines, GpfLedger* ledger);

}  // namespace vetan
