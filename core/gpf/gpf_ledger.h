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
enum class PostingKind : uint8_t {
  kOpening,
  kSubscription,
  kRefund,
  kDeposit,
  kAdvance,
  kWithdrawal
};
inline constexpr int kPostingKindCount = 6;
inline constexpr std::string_view kPostingKindNames[kPostingKindCount] = {
    "OPENING", "SUBSCRIPTION", "REFUND", "DEPOSIT", "ADVANCE", "WITHDRAWAL"};

// gpf.md §2: SUBSCRIPTION, REFUND and DEPOSIT credit the fund; ADVANCE and WITHDRAWAL debit
// it; an OPENING is neither (it is the balance at an FY's start).
constexpr bool is_credit(PostingKind k) {
  return k == PostingKind::kSubscription || k == PostingKind::kRefund || k == PostingKind::kDeposit;
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
// partition (partition_of). Partitions are ranges of the accounts' byte order, cut at
// `splitters` (a loader samples them from the file: any will do, they only spread the
// work), so each partition's accounts take one stretch of the ledger's codes and postings.
// Each partition is dictionary-encoded and sorted by one task, in cache, and its postings
// placed in its stretch, in parallel. The result never depends on the chunks, the
// splitters or the thread count.
//
// Thread-safety: distinct runs may be filled from distinct threads at once.
class GpfLedgerBuilder {
 public:
  static constexpr size_t kPartitions = 256;

  // `splitters`: at most kPartitions - 1 values, sorted and distinct (else ignored).
  GpfLedgerBuilder(size_t chunks, std::vector<std::string> splitters);

  // The partition of `account`: how many splitters are at or before it in byte order.
  // REQUIRES: `account` is UTF-8 (never holds the byte 0xFF).
  size_t partition_of(std::string_view account) const;

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

  Run& run(size_t chunk, size_t partition) { return runs_[chunk * kPartitions + partition]; }

  // Builds *ledger from the runs (consumed) and the file's problems (sorted by line); every
  // account a problem names is in the ledger too, refused (unreadable_line).
  void build(std::vector<GpfLineProblem> problems, GpfLedger* ledger);

 private:
  // A splitter's first 16 bytes as big-endian words, zero-padded: integer order is byte
  // order there; the text decides only a tie.
  struct Key {
    uint64_t high, low;
  };
  static Key key_of(std::string_view v) {
    // Loaded straight from the text (a copy into a padded buffer read back as words
    // stalls store forwarding, once per ledger line).
    const char* d = v.data();
    const size_t n = v.size();
    uint64_t high = 0, low = 0;
    if (n >= 16) {
      std::memcpy(&high, d, 8);
      std::memcpy(&low, d + 8, 8);
    } else if (n >= 8) {
      std::memcpy(&high, d, 8);
      std::memcpy(&low, d + n - 8, 8);
      low = n == 8 ? 0 : low >> (8 * (16 - n));
    } else {
      for (size_t i = 0; i < n; ++i) high |= uint64_t(uint8_t(d[i])) << (8 * i);
    }
    return Key{__builtin_bswap64(high), __builtin_bswap64(low)};
  }

  size_t chunks_;
  std::vector<Run> runs_;
  std::vector<std::string> splitters_;
  std::vector<Key> splitter_keys_;
  std::vector<Key> padded_keys_;  // splitter_keys_, then keys of 0xFF bytes: kPartitions
};

}  // namespace vetan
