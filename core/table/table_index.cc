#include "core/table/table_index.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

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
  std::vector<KeyedRow> keyed;
  keyed.reserve(t.rows);
  for (size_t r = 0; r < t.rows; ++r) {
    const std::string_view id = t.employee_id[r];
    if (!id.empty()) keyed.push_back(KeyedRow{prefix_key(id), static_cast<uint32_t>(r)});
  }
  tbb::parallel_sort(keyed.begin(), keyed.end(), [&t](const KeyedRow& a, const KeyedRow& b) {
    if (a.key != b.key) return a.key < b.key;
    const int c = t.employee_id[a.row].compare(t.employee_id[b.row]);
    return c != 0 ? c < 0 : a.row < b.row;
  });
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
  struct Account {
    uint64_t ifsc, account;
    uint32_t row;
  };
  std::vector<Account> accounts;
  for (size_t r = 0; r < t.rows; ++r) {
    const uint8_t c = index->checks[r];
    if ((c & kBankAccountValid) && (c & kIfscValid)) {
      // Packed codes are equal iff the texts are.
      accounts.push_back(Account{t.ifsc.code(r), t.bank_account.code(r), uint32_t(r)});
    }
  }
  tbb::parallel_sort(accounts.begin(), accounts.end(), [](const Account& a, const Account& b) {
    if (a.ifsc != b.ifsc) return a.ifsc < b.ifsc;
    return a.account != b.account ? a.account < b.account : a.row < b.row;
  });
  for (size_t i = 0; i < accounts.size();) {
    size_t j = i + 1;
    while (j < accounts.size() && accounts[j].ifsc == accounts[i].ifsc &&
           accounts[j].account == accounts[i].account) {
      ++j;
    }
    if (j - i > 1) {
      for (size_t k = i; k < j; ++k) index->checks[accounts[k].row] |= kDuplicateBankAccount;
    }
    i = j;
  }
}

// rules §7: bills sorted by id, readable rows grouped by bill, budget head and fund type.
void group_by_bill(const EmployeeTable& t, TableIndex* index) {
  struct Triple {
    uint32_t treasury, ddo, group, row;
  };
  std::vector<Triple> triples;
  triples.reserve(t.rows);
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    triples.push_back(Triple{t.treasury_code.codes[r], t.ddo_code.codes[r],
                             t.bill_group.codes[r], uint32_t(r)});
  }
  auto same_bill = [](const Triple& a, const Triple& b) {
    return a.treasury == b.treasury && a.ddo == b.ddo && a.group == b.group;
  };
  tbb::parallel_sort(triples.begin(), triples.end(), [](const Triple& a, const Triple& b) {
    if (a.treasury != b.treasury) return a.treasury < b.treasury;
    if (a.ddo != b.ddo) return a.ddo < b.ddo;
    return a.group != b.group ? a.group < b.group : a.row < b.row;
  });
  // Distinct triples, then their ids in byte order. Two triples that spell the same id
  // (codes holding '/') are one bill, as the id names it.
  std::vector<BillKey> distinct;
  std::vector<uint32_t> triple_of_row(t.rows, 0);
  for (size_t i = 0; i < triples.size(); ++i) {
    if (i == 0 || !same_bill(triples[i], triples[i - 1])) {
      const Triple& x = triples[i];
      std::string suffix;
      suffix.append(t.treasury_code.dictionary.value(x.treasury)).append("/");
      suffix.append(t.ddo_code.dictionary.value(x.ddo)).append("/");
      suffix.append(t.bill_group.dictionary.value(x.group));
      distinct.push_back(BillKey{x.treasury, x.ddo, x.group, std::move(suffix)});
    }
    triple_of_row[triples[i].row] = uint32_t(distinct.size() - 1);
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
  keyed.reserve(triples.size());
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    const uint64_t bill = index->bill_of_row[r];
    const uint64_t head = index->budget_head_rank[t.budget_head.codes[r]];
    const uint64_t fund = t.fund_type[r] == uint8_t(FundType::kCa) ? 0 : 1;  // "CA" < "SF"
    keyed.push_back(KeyedRow{(bill << 32) | (head << 1) | fund, uint32_t(r)});
  }
  tbb::parallel_sort(keyed.begin(), keyed.end(), [](const KeyedRow& a, const KeyedRow& b) {
    return a.key != b.key ? a.key < b.key : a.row < b.row;
  });
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
