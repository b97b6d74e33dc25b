#include "core/table/table_index.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/fate/text_checks.h"
#include "core/table/packed_text_column.h"

namespace vetan {
namespace {

constexpr size_t kGrain = 16384;

// The first eight bytes of `s`, big-endian, zero-padded: comparing these compares the
// strings' byte order, up to ties that a full comparison then breaks.
uint64_t prefix_key(std::string_view s) {
  uint64_t key = 0;
  const size_t n = std::min<size_t>(8, s.size());
  for (size_t i = 0; i < n; ++i) key |= uint64_t(uint8_t(s[i])) << (56 - 8 * i);
  return key;
}

struct KeyedRow {
  uint64_t key;
  uint32_t row;
};

// Sorts `rows` by key, stably (rows of equal keys keep their order): a least-significant-
// digit radix sort, 11 bits a pass, skipping the digits on which every key agrees. Linear
// in the rows, where a comparison sort is n log n.
void radix_sort(std::vector<KeyedRow>* rows) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t(1) << kBits;
  std::vector<KeyedRow>& a = *rows;
  if (a.size() < 2) return;
  uint64_t all_or = 0, all_and = ~uint64_t(0);
  for (const KeyedRow& r : a) {
    all_or |= r.key;
    all_and &= r.key;
  }
  const uint64_t varying = all_or ^ all_and;
  std::vector<KeyedRow> b(a.size());
  std::vector<size_t> count(kBuckets);
  for (int shift = 0; shift < 64; shift += kBits) {
    if (((varying >> shift) & (kBuckets - 1)) == 0) continue;
    std::fill(count.begin(), count.end(), 0);
    for (const KeyedRow& r : a) ++count[(r.key >> shift) & (kBuckets - 1)];
    size_t sum = 0;
    for (size_t& c : count) {
      const size_t n = c;
      c = sum;
      sum += n;
    }
    for (const KeyedRow& r : a) b[count[(r.key >> shift) & (kBuckets - 1)]++] = r;
    a.swap(b);
  }
}

// A hash of three or two codes for the open-addressing tables below (slots use the low
// bits: the final mix brings every input bit there).
uint64_t mix(uint64_t a, uint64_t b, uint64_t c = 0) {
  uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (c * 0x165667B19E3779F9ull);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// The bytes of `s` from `offset` on, as prefix_key reads them.
uint64_t key_at(std::string_view s, size_t offset) {
  return offset < s.size() ? prefix_key(s.substr(offset)) : 0;
}

// True iff a PackedTextColumn code names a value of the codec's shape.
bool is_packed(uint64_t code) { return code != 0 && code != PanColumn::kSideCode; }

// True iff a DigitsColumn code names 9 to 18 digits (rules §2 step 3).
bool is_valid_account_code(uint64_t code) {
  return code >= DigitsCodec::from(9) && code < DigitsCodec::from(19);
}

// Text checks of rules §2 step 3 that do not depend on the profile.
void compute_checks(const EmployeeTable& t, TableIndex* index) {
  index->checks.assign(t.rows, 0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows, kGrain),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t r = range.begin(); r != range.end(); ++r) {
                        if (!t.readable[r]) continue;
                        uint8_t c = 0;
                        // A packed PAN or IFSC is a valid one; an account's code
                        // names its length (packed_text_column.h).
                        if (is_packed(t.pan.code(r))) c |= kPanValid;
                        if (is_valid_account_code(t.bank_account.code(r))) {
                          c |= kBankAccountValid;
                        }
                        if (is_packed(t.ifsc.code(r))) c |= kIfscValid;
                        if (is_valid_pran(t.pran[r])) c |= kPranValid;
                        if (!t.gpf_account[r].empty()) c |= kGpfAccountPresent;
                        index->checks[r] = c;
                      }
                    });
}

// rules §2 step 1: ids on more than one row (readable or not; empty ids never count).
// Also yields the payslip order: readable rows by employee_id bytes.
void order_by_employee_id(const EmployeeTable& t, TableIndex* index) {
  // Ids usually share a long prefix ("E00100…"): the key is the eight bytes after the part
  // every id has in common, so that it tells most ids apart.
  size_t common = SIZE_MAX;
  std::string_view first;
  for (size_t r = 0; r < t.rows && common > 0; ++r) {
    const std::string_view id = t.employee_id[r];
    if (id.empty()) continue;
    if (first.empty()) {
      first = id;
      common = id.size();
      continue;
    }
    size_t n = 0;
    const size_t most = std::min(common, id.size());
    while (n < most && id[n] == first[n]) ++n;
    common = n;
  }
  if (common == SIZE_MAX) common = 0;
  std::vector<KeyedRow> keyed;
  keyed.reserve(t.rows);
  for (size_t r = 0; r < t.rows; ++r) {
    const std::string_view id = t.employee_id[r];
    if (!id.empty()) keyed.push_back(KeyedRow{key_at(id, common), static_cast<uint32_t>(r)});
  }
  radix_sort(&keyed);  // by key, rows in file order within a key
  // Keys tie when ids agree on eight more bytes (or one is a prefix of another, padded
  // with zeros): order each run of a key by the whole id, then the row.
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i + 1;
    while (j < keyed.size() && keyed[j].key == keyed[i].key) ++j;
    if (j - i > 1) {
      std::sort(keyed.begin() + i, keyed.begin() + j, [&t](const KeyedRow& a, const KeyedRow& b) {
        const int c = t.employee_id[a.row].compare(t.employee_id[b.row]);
        return c != 0 ? c < 0 : a.row < b.row;
      });
    }
    i = j;
  }
  index->rows_by_employee_id.reserve(t.rows);
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i + 1;
    while (j < keyed.size() && keyed[j].key == keyed[i].key &&
           t.employee_id[keyed[j].row] == t.employee_id[keyed[i].row]) {
      ++j;
    }
    for (size_t k = i; k < j; ++k) {
      const uint32_t row = keyed[k].row;
      if (!t.readable[row]) continue;
      if (j - i > 1) index->checks[row] |= kDuplicateEmployeeId;
      index->rows_by_employee_id.push_back(row);
    }
    i = j;
  }
}

// rules §2 step 3, DUPLICATE_BANK_ACCOUNT: the well-formed pair (ifsc, bank_account) on
// more than one readable row.
void mark_duplicate_accounts(const EmployeeTable& t, TableIndex* index) {
  // One pass with a hash table of the pairs seen (open addressing, at most half full):
  // a pair met again marks its first row and the current one. Packed codes are equal iff
  // the texts are.
  struct Slot {
    uint64_t ifsc, account;
    uint32_t row;  // kEmpty: unused
  };
  constexpr uint32_t kEmpty = UINT32_MAX;
  size_t candidates = 0;
  auto is_candidate = [&](size_t r) {
    const uint8_t c = index->checks[r];
    return (c & kBankAccountValid) && (c & kIfscValid);
  };
  for (size_t r = 0; r < t.rows; ++r) candidates += is_candidate(r);
  size_t slots = 16;
  while (slots < 2 * candidates) slots *= 2;
  std::vector<Slot> table(slots, Slot{0, 0, kEmpty});
  for (size_t r = 0; r < t.rows; ++r) {
    if (!is_candidate(r)) continue;
    const uint64_t ifsc = t.ifsc.code(r), account = t.bank_account.code(r);
    for (size_t slot = mix(ifsc, account) & (slots - 1);; slot = (slot + 1) & (slots - 1)) {
      Slot& s = table[slot];
      if (s.row == kEmpty) {
        s = Slot{ifsc, account, uint32_t(r)};
        break;
      }
      if (s.ifsc == ifsc && s.account == account) {
        index->checks[s.row] |= kDuplicateBankAccount;
        index->checks[r] |= kDuplicateBankAccount;
        break;
      }
    }
  }
}

// rules §7: bills sorted by id, readable rows grouped by bill, budget head and fund type.
void group_by_bill(const EmployeeTable& t, TableIndex* index) {
  // The distinct triples (treasury, ddo, group) in one pass with a hash table (open
  // addressing, at most half full), numbered as first met; then sorted by their codes,
  // and each row given its triple's place in that order.
  struct Triple {
    uint32_t treasury, ddo, group;
    bool operator==(const Triple& o) const {
      return treasury == o.treasury && ddo == o.ddo && group == o.group;
    }
    bool operator<(const Triple& o) const {
      if (treasury != o.treasury) return treasury < o.treasury;
      return ddo != o.ddo ? ddo < o.ddo : group < o.group;
    }
  };
  constexpr uint32_t kEmpty = UINT32_MAX;
  std::vector<Triple> seen;              // by number as first met
  std::vector<uint32_t> slots(1024, kEmpty);  // numbers in `seen`
  std::vector<uint32_t> triple_of_row(t.rows, 0);
  size_t readable_rows = 0;
  uint32_t last = 0;  // the triple of the last readable row
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    ++readable_rows;
    const Triple x{t.treasury_code.codes[r], t.ddo_code.codes[r], t.bill_group.codes[r]};
    if (!seen.empty() && seen[last] == x) {  // neighbouring rows mostly share a bill
      triple_of_row[r] = last;
      continue;
    }
    size_t slot = mix(x.treasury, x.ddo, x.group) & (slots.size() - 1);
    while (slots[slot] != kEmpty && !(seen[slots[slot]] == x)) slot = (slot + 1) & (slots.size() - 1);
    if (slots[slot] == kEmpty) {
      slots[slot] = uint32_t(seen.size());
      seen.push_back(x);
      if (2 * seen.size() > slots.size()) {  // grow: re-file every triple
        slots.assign(2 * slots.size(), kEmpty);
        for (uint32_t n = 0; n < seen.size(); ++n) {
          size_t s2 = mix(seen[n].treasury, seen[n].ddo, seen[n].group) & (slots.size() - 1);
          while (slots[s2] != kEmpty) s2 = (s2 + 1) & (slots.size() - 1);
          slots[s2] = n;
        }
      }
      last = uint32_t(seen.size() - 1);
    } else {
      last = slots[slot];
    }
    triple_of_row[r] = last;
  }
  std::vector<uint32_t> by_code(seen.size());
  for (uint32_t i = 0; i < by_code.size(); ++i) by_code[i] = i;
  std::sort(by_code.begin(), by_code.end(),
            [&](uint32_t a, uint32_t b) { return seen[a] < seen[b]; });
  std::vector<uint32_t> place(seen.size());
  // Distinct triples, then their ids in byte order. Two triples that spell the same id
  // (codes holding '/') are one bill, as the id names it.
  std::vector<BillKey> distinct;
  distinct.reserve(seen.size());
  for (uint32_t i = 0; i < by_code.size(); ++i) {
    const Triple& x = seen[by_code[i]];
    place[by_code[i]] = i;
    std::string suffix;
    suffix.append(t.treasury_code.dictionary.value(x.treasury)).append("/");
    suffix.append(t.ddo_code.dictionary.value(x.ddo)).append("/");
    suffix.append(t.bill_group.dictionary.value(x.group));
    distinct.push_back(BillKey{x.treasury, x.ddo, x.group, std::move(suffix)});
  }
  for (size_t r = 0; r < t.rows; ++r) {
    if (t.readable[r]) triple_of_row[r] = place[triple_of_row[r]];
  }
  std::vector<uint32_t> order(distinct.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int c = distinct[a].id_suffix.compare(distinct[b].id_suffix);
    return c != 0 ? c < 0 : a < b;
  });
  std::vector<uint32_t> bill_of_triple(distinct.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    if (i > 0 && distinct[order[i]].id_suffix == index->bills.back().id_suffix) {
      bill_of_triple[order[i]] = uint32_t(index->bills.size() - 1);
      continue;
    }
    bill_of_triple[order[i]] = uint32_t(index->bills.size());
    index->bills.push_back(distinct[order[i]]);
  }

  index->bill_of_row.assign(t.rows, 0);
  for (size_t r = 0; r < t.rows; ++r) {
    if (t.readable[r]) index->bill_of_row[r] = bill_of_triple[triple_of_row[r]];
  }
  index->budget_head_rank = t.budget_head.dictionary.byte_order_ranks();
  std::vector<KeyedRow> keyed;
  keyed.reserve(readable_rows);
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    const uint64_t bill = index->bill_of_row[r];
    const uint64_t head = index->budget_head_rank[t.budget_head.codes[r]];
    const uint64_t fund = t.fund_type[r] == uint8_t(FundType::kCa) ? 0 : 1;  // "CA" < "SF"
    keyed.push_back(KeyedRow{(bill << 32) | (head << 1) | fund, uint32_t(r)});
  }
  radix_sort(&keyed);  // rows were added in file order: ties stay in it
  index->rows_by_bill.resize(keyed.size());
  index->bill_begin.assign(index->bills.size() + 1, 0);
  for (size_t i = 0; i < keyed.size(); ++i) {
    index->rows_by_bill[i] = keyed[i].row;
    ++index->bill_begin[(keyed[i].key >> 32) + 1];
  }
  for (size_t b = 0; b < index->bills.size(); ++b) {
    index->bill_begin[b + 1] += index->bill_begin[b];
  }
}

}  // namespace

TableIndex build_table_index(const EmployeeTable& table) {
  TableIndex index;
  compute_checks(table, &index);
  order_by_employee_id(table, &index);
  mark_duplicate_accounts(table, &index);
  group_by_bill(table, &index);
  return index;
}

}  // namespace vetan
