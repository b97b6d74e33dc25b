// build_table_index (rules §2 steps 1 and 3, §7, formats.md payslip order) against a
// reference that sorts by plain comparisons: ids sharing long prefixes, ids that are
// prefixes of others, repeated and empty ids, unreadable rows, repeated bank accounts, bill
// codes holding '/' (two triples spelling one bill id), budget heads and fund types mixed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/table/table_index.h"
#include "loaders/csv/csv_loader.h"
#include "test_support.h"

namespace vetan {
namespace {

struct Reference {
  std::vector<uint32_t> rows_by_employee_id;
  std::vector<uint8_t> duplicate_id, duplicate_account;
  std::vector<std::string> bill_ids;
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> bill_codes;
  std::vector<uint32_t> rows_by_bill, bill_begin, bill_of_row;
};

// What the index must hold, from the rules' words, by sorting with comparisons.
Reference reference_of(const EmployeeTable& t, const TableIndex& index) {
  Reference ref;
  std::map<std::string, int> id_count;
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.employee_id[r].empty()) ++id_count[std::string(t.employee_id[r])];
  }
  ref.duplicate_id.assign(t.rows, 0);
  ref.duplicate_account.assign(t.rows, 0);
  std::map<std::pair<uint64_t, uint64_t>, int> account_count;
  for (size_t r = 0; r < t.rows; ++r) {
    const uint8_t c = index.checks[r];
    if ((c & kBankAccountValid) && (c & kIfscValid)) {
      ++account_count[{t.ifsc.code(r), t.bank_account.code(r)}];
    }
  }
  for (size_t r = 0; r < t.rows; ++r) {
    const uint8_t c = index.checks[r];
    if ((c & kBankAccountValid) && (c & kIfscValid)) {
      ref.duplicate_account[r] = account_count[{t.ifsc.code(r), t.bank_account.code(r)}] > 1;
    }
    if (!t.readable[r] || t.employee_id[r].empty()) continue;
    ref.rows_by_employee_id.push_back(uint32_t(r));
    ref.duplicate_id[r] = id_count[std::string(t.employee_id[r])] > 1;
  }
  std::stable_sort(ref.rows_by_employee_id.begin(), ref.rows_by_employee_id.end(),
                   [&](uint32_t a, uint32_t b) { return t.employee_id[a] < t.employee_id[b]; });

  // Bills: the ids in byte order; each keeps the smallest (treasury, ddo, group) codes
  // spelling it.
  std::map<std::string, std::tuple<uint32_t, uint32_t, uint32_t>> bills;
  std::vector<std::string> id_of_row(t.rows);
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    id_of_row[r] = std::string(t.treasury_code[r]) + "/" + std::string(t.ddo_code[r]) + "/" +
                   std::string(t.bill_group[r]);
    const auto codes = std::make_tuple(t.treasury_code.codes[r], t.ddo_code.codes[r],
                                       t.bill_group.codes[r]);
    auto [it, added] = bills.emplace(id_of_row[r], codes);
    if (!added) it->second = std::min(it->second, codes);
  }
  std::map<std::string, uint32_t> bill_number;
  for (const auto& [id, codes] : bills) {
    bill_number[id] = uint32_t(ref.bill_ids.size());
    ref.bill_ids.push_back(id);
    ref.bill_codes.push_back(codes);
  }
  ref.bill_of_row.assign(t.rows, 0);
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    ref.bill_of_row[r] = bill_number[id_of_row[r]];
    ref.rows_by_bill.push_back(uint32_t(r));
  }
  std::stable_sort(ref.rows_by_bill.begin(), ref.rows_by_bill.end(), [&](uint32_t a, uint32_t b) {
    const auto key = [&](uint32_t r) {
      return std::make_tuple(ref.bill_of_row[r], t.budget_head[r],
                             t.fund_type[r] == uint8_t(FundType::kCa) ? 0 : 1);
    };
    return key(a) < key(b);
  });
  ref.bill_begin.assign(ref.bill_ids.size() + 1, 0);
  for (uint32_t r : ref.rows_by_bill) ++ref.bill_begin[ref.bill_of_row[r] + 1];
  for (size_t b = 0; b < ref.bill_ids.size(); ++b) ref.bill_begin[b + 1] += ref.bill_begin[b];
  return ref;
}

std::string master_with_ties(size_t rows, uint32_t seed) {
  std::mt19937 random(seed);
  auto pick = [&](size_t n) { return size_t(random() % n); };
  const std::vector<std::string> treasuries = {"TR01", "TR02", "TR/1", "TR"};
  const std::vector<std::string> ddos = {"DDO001", "1/DDO001", "DDO002", "D"};
  const std::vector<std::string> groups = {"1", "2", "001/1", "A"};
  const std::vector<std::string> heads = {"2202-01-101", "2202-01-102", "2071-01-101", "2202"};
  std::vector<test::Employee> employees;
  for (size_t i = 0; i < rows; ++i) {
    test::Employee e(static_cast<int>(i));
    // Ids: a long shared prefix, then 0 to 12 more characters from a small alphabet, so
    // many agree on the eight bytes after the prefix, some are prefixes of others, some
    // repeat; a few are empty, a few differ early or hold non-ASCII text.
    std::string id = "E0010000";
    const size_t tail = pick(13);
    for (size_t k = 0; k < tail; ++k) id.push_back("0019A"[pick(5)]);
    if (pick(50) == 0) id = "";
    if (pick(80) == 0) id = "D" + id;
    if (pick(80) == 0) id += "\xC3\xA9";  // é
    e.set("employee_id", id);
    e.set("treasury_code", treasuries[pick(treasuries.size())]);
    e.set("ddo_code", ddos[pick(ddos.size())]);
    e.set("bill_group", groups[pick(groups.size())]);
    e.set("budget_head", heads[pick(heads.size())]);
    e.set("fund_type", pick(3) == 0 ? "CA" : "SF");
    e.set("bank_account", std::to_string(1000000000 + pick(rows / 4 + 1)));
    e.set("ifsc", pick(2) ? "SBIN0001234" : "HDFC0000001");
    if (pick(40) == 0) e.set("status", "UNKNOWN");  // unreadable
    employees.push_back(e);
  }
  return test::master_csv(employees);
}

TEST(TableIndex, MatchesComparisonSortReference) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    EmployeeTable table;
    ASSERT_TRUE(parse_employees_csv(master_with_ties(3000, seed), "master.csv", &table).ok());
    const TableIndex index = build_table_index(table);
    const Reference ref = reference_of(table, index);
    size_t duplicate_ids = 0, duplicate_accounts = 0, unreadable = 0;
    for (size_t r = 0; r < table.rows; ++r) {
      EXPECT_EQ((index.checks[r] & kDuplicateEmployeeId) != 0, ref.duplicate_id[r] != 0) << r;
      EXPECT_EQ((index.checks[r] & kDuplicateBankAccount) != 0, ref.duplicate_account[r] != 0)
          << r;
      duplicate_ids += ref.duplicate_id[r];
      duplicate_accounts += ref.duplicate_account[r];
      unreadable += !table.readable[r];
    }
    // The master holds every case the reference is about.
    EXPECT_GT(duplicate_ids, 10u);
    EXPECT_GT(duplicate_accounts, 10u);
    EXPECT_GT(unreadable, 10u);
    EXPECT_EQ(index.rows_by_employee_id, ref.rows_by_employee_id);
    ASSERT_EQ(index.bills.size(), ref.bill_ids.size());
    for (size_t b = 0; b < ref.bill_ids.size(); ++b) {
      EXPECT_EQ(index.bills[b].id_suffix, ref.bill_ids[b]);
      EXPECT_EQ(std::make_tuple(index.bills[b].treasury_code, index.bills[b].ddo_code,
                                index.bills[b].bill_group),
                ref.bill_codes[b]);
    }
    EXPECT_LT(ref.bill_ids.size(), 64u);  // "TR/1" + "DDO001" = "TR" + "1/DDO001": merged
    EXPECT_EQ(index.rows_by_bill, ref.rows_by_bill);
    EXPECT_EQ(index.bill_begin, ref.bill_begin);
    for (size_t r = 0; r < table.rows; ++r) {
      if (table.readable[r]) {
        EXPECT_EQ(index.bill_of_row[r], ref.bill_of_row[r]) << r;
      }
    }
  }
}

}  // namespace
}  // namespace vetan
