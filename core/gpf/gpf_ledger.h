// The GPF ledger (gpf.md §2) as columns: accounts dictionary-encoded, postings grouped by
// account and sorted by month within it, and the lines that could not be read.
//
// A loader hands the readable lines to a GpfLedgerBuilder in runs (one per chunk of the
// file and partition of the accounts), which groups them in parallel. Thread-safety: a
// built GpfLedger is read-only and may be read from many threads at once.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/table/dictionary.h"

namespace vetan {

// gpf.md §2: the kinds of a ledger line.
enum class PostingKind : uint8_t { kOpening, kSubscription, kRefund, kDeposit, kAdvance, kWithdrawal };
inline constexpr int kPostingKindCount = 6;
inline constexpr std::string_view kPostingKindNames[kPostingKindCount] = {
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

struct GpfLedger {
  // Account codes follow the byte order of the account text (gpf.md §4's sort order), and
  // so do the postings' places: walking accounts in code order reads the columns in order.
  Dictionary accounts;
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

// Groups ledger lines into a GpfLedger. The lines come in runs: run (chunk, partition)
// holds, in file order, the lines of one chunk of the file whose account falls in that
// partition (partition_of). Each partition is dictionary-encoded by one task, in cache; the
// accounts are then put in byte order and the postings placed by account, in parallel. The
// result never depends on the chunks or on the thread count.
//
// Thread-safety: distinct runs may be filled from distinct threads at once.
class GpfLedgerBuilder {
 public:
  static constexpr size_t kPartitions = 256;
  static size_t partition_of(std::string_view account) {
    return Dictionary::hash(account) >> 24;
  }

  // Lines of one run: each account as its length (one byte below 255, else 255 and 4
  // bytes) then its bytes, and each posting packed in 64 bits.
  class Run {
   public:
    // REQUIRES: 0 <= month < 2^17 (years 0..9999), 0 <= amount < 2^40 (12 digits).
    void add(std::string_view account, Month month, PostingKind kind, Money amount) {
      if (account.size() < 255) {
        accounts_ += char(uint8_t(account.size()));
      } else {
        const uint32_t size = uint32_t(account.size());
        accounts_ += char(uint8_t(255));
        accounts_.append(reinterpret_cast<const char*>(&size), 4);
      }
      accounts_.append(account);
      postings_.push_back(uint64_t(amount) | uint64_t(month) << 40 | uint64_t(kind) << 57);
    }
    // Room for about `lines` lines of `account_bytes` bytes of account in all (a hint).
    void reserve(size_t lines, size_t account_bytes) {
      postings_.reserve(lines);
      accounts_.reserve(account_bytes + lines);
    }
    size_t size() const { return postings_.size(); }
    void clear() { *this = Run(); }

   private:
    friend class GpfLedgerBuilder;
    std::string accounts_;
    std::vector<uint64_t> postings_;
  };

  explicit GpfLedgerBuilder(size_t chunks) : chunks_(chunks), runs_(chunks * kPartitions) {}
  Run& run(size_t chunk, size_t partition) { return runs_[chunk * kPartitions + partition]; }

  // Builds *ledger from the runs (consumed) and the file's problems (sorted by line); every
  // account a problem names is in the ledger too, refused (unreadable_line).
  void build(std::vector<GpfLineProblem> problems, GpfLedger* ledger);

 private:
  size_t chunks_;
  std::vector<Run> runs_;
};

}  // namespace vetan
