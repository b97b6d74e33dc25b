// rules §8: invariants every run keeps, checked on the files a run writes, for synthetic
// masters (with planted faults) and for the conformance kit's cases.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/test_support.h"

namespace vetan {
namespace {

using test::CsvFile;

int64_t number(const std::string& s) {
  size_t used = 0;
  const long long v = std::stoll(s, &used);
  EXPECT_EQ(used, s.size()) << "not a whole number: '" << s << "'";
  return v;
}

void expect_rules8_invariants(const test::RunOutcome& run, const std::string& month) {
  const auto files = test::run_output_files(run);
  const CsvFile payslips = test::parse_csv_text(files.at("payslips.csv"));
  const CsvFile bills = test::parse_csv_text(files.at("bills.csv"));
  const CsvFile heads = test::parse_csv_text(files.at("bill_heads.csv"));
  const CsvFile mismatches = test::parse_csv_text(files.at("mismatches.csv"));
  const CsvFile stopped = test::parse_csv_text(files.at("stopped.csv"));
  simdjson::dom::parser parser;
  simdjson::dom::element summary;
  ASSERT_EQ(parser.parse(files.at("summary.json")).get(summary), simdjson::SUCCESS);
  const std::vector<std::string>& amounts = run.result.layout.names;

  // rows = paid + stopped + mismatched, each row in exactly one file.
  const int64_t rows = int64_t(summary["rows"]);
  EXPECT_EQ(rows, int64_t(run.table.rows));
  EXPECT_EQ(int64_t(summary["paid"]), int64_t(payslips.rows.size()));
  EXPECT_EQ(int64_t(summary["stopped"]), int64_t(stopped.rows.size()));
  EXPECT_EQ(int64_t(summary["mismatched"]), int64_t(mismatches.rows.size()));
  EXPECT_EQ(rows, int64_t(payslips.rows.size() + stopped.rows.size() + mismatches.rows.size()));
  std::vector<int> seen(size_t(rows) + 1, 0);
  for (const CsvFile* f : {&payslips, &stopped, &mismatches}) {
    const size_t line = f->column("line");
    for (const auto& row : f->rows) {
      const int64_t l = number(row[line]);
      ASSERT_GE(l, 1);
      ASSERT_LE(l, rows);
      ++seen[size_t(l)];
    }
  }
  for (int64_t l = 1; l <= rows; ++l) EXPECT_EQ(seen[size_t(l)], 1) << "line " << l;

  // Each payslip: its bill id, and gross / total_deductions / net add up.
  const size_t earnings_end = std::find(amounts.begin(), amounts.end(), "gross") - amounts.begin();
  const size_t deductions_end =
      std::find(amounts.begin(), amounts.end(), "total_deductions") - amounts.begin();
  std::map<std::string, std::vector<int64_t>> payslip_sums_by_bill;
  std::vector<int64_t> payslip_sums(amounts.size(), 0);
  for (const auto& row : payslips.rows) {
    const std::string bill = month + "/" + row[payslips.column("treasury_code")] + "/" +
                             row[payslips.column("ddo_code")] + "/" +
                             row[payslips.column("bill_group")];
    EXPECT_EQ(row[payslips.column("bill_id")], bill);
    std::vector<int64_t> v(amounts.size());
    for (size_t c = 0; c < amounts.size(); ++c) v[c] = number(row[payslips.column(amounts[c])]);
    int64_t earned = 0, deducted = 0;
    for (size_t c = 0; c < earnings_end; ++c) earned += v[c];
    for (size_t c = earnings_end + 1; c < deductions_end; ++c) deducted += v[c];
    EXPECT_EQ(v[earnings_end], earned) << "gross of " << row[0];
    EXPECT_EQ(v[deductions_end], deducted) << "total_deductions of " << row[0];
    EXPECT_EQ(v[deductions_end + 1], earned - deducted) << "net of " << row[0];
    EXPECT_GE(v[deductions_end + 1], 0) << "a paid row has net >= 0";
    auto& sums = payslip_sums_by_bill[bill];
    sums.resize(amounts.size() + 1, 0);
    for (size_t c = 0; c < amounts.size(); ++c) {
      sums[c] += v[c];
      payslip_sums[c] += v[c];
    }
    ++sums[amounts.size()];
  }

  // The sum of all bills' amounts equals the sum of all payslips', column by column; and
  // each bill equals the sum of its payslips.
  std::vector<int64_t> bill_sums(amounts.size(), 0);
  int64_t bill_employees = 0;
  std::map<std::string, std::vector<int64_t>>
      bill_totals;  // gross, total_deductions, net, employees
  for (const auto& row : bills.rows) {
    const std::string id = row[bills.column("bill_id")];
    EXPECT_EQ(row[bills.column("month")], month);
    const int64_t employees = number(row[bills.column("employees")]);
    bill_employees += employees;
    ASSERT_TRUE(payslip_sums_by_bill.count(id)) << id;
    const auto& own = payslip_sums_by_bill[id];
    EXPECT_EQ(employees, own[amounts.size()]) << id;
    for (size_t c = 0; c < amounts.size(); ++c) {
      const int64_t v = number(row[bills.column(amounts[c])]);
      bill_sums[c] += v;
      EXPECT_EQ(v, own[c]) << id << " " << amounts[c];
    }
    bill_totals[id] = {number(row[bills.column("gross")]),
                       number(row[bills.column("total_deductions")]),
                       number(row[bills.column("net")]), employees};
  }
  EXPECT_EQ(bill_sums, payslip_sums);
  EXPECT_EQ(bill_employees, int64_t(payslips.rows.size()));
  EXPECT_EQ(int64_t(summary["bills"]), int64_t(bills.rows.size()));
  EXPECT_EQ(payslip_sums_by_bill.size(), bills.rows.size());

  // Budget-head splits sum to their bill.
  std::map<std::string, std::vector<int64_t>> head_sums;
  std::set<std::vector<std::string>> head_keys;
  for (const auto& row : heads.rows) {
    auto& s = head_sums[row[0]];
    s.resize(4, 0);
    s[0] += number(row[heads.column("gross")]);
    s[1] += number(row[heads.column("total_deductions")]);
    s[2] += number(row[heads.column("net")]);
    s[3] += number(row[heads.column("employees")]);
    EXPECT_TRUE(head_keys.insert({row[0], row[1], row[2]}).second) << "head listed twice";
  }
  EXPECT_EQ(head_sums, bill_totals);

  // The summary's totals are the payslips'.
  for (const char* c : {"gross", "total_deductions", "net", "employer_nps"}) {
    const size_t i = std::find(amounts.begin(), amounts.end(), c) - amounts.begin();
    EXPECT_EQ(int64_t(summary[c]), payslip_sums[i]) << c;
  }
  // The summary's reason counts are the mismatch report's.
  std::map<std::string, int64_t> counted;
  for (const auto& row : mismatches.rows) {
    std::string reasons = row[mismatches.column("reasons")];
    EXPECT_FALSE(reasons.empty());
    size_t start = 0;
    while (start <= reasons.size()) {
      const size_t end = std::min(reasons.find(';', start), reasons.size());
      ++counted[reasons.substr(start, end - start)];
      start = end + 1;
    }
  }
  std::map<std::string, int64_t> reported;
  simdjson::dom::object reasons_object;
  ASSERT_EQ(summary["reasons"].get_object().get(reasons_object), simdjson::SUCCESS);
  for (auto [key, value] : reasons_object) {
    reported[std::string(key)] = int64_t(value);
  }
  EXPECT_EQ(reported, counted);
}

TEST(InvariantsRules8, SyntheticMasters) {
  for (const char* month : {"2026-02", "2027-03", "2026-11"}) {
    SCOPED_TRACE(month);
    const std::string csv = test::synthetic_master(20000, 7, month, 0.05).csv();
    auto run = test::run_csv(test::mini_profile_json(), month, csv);
    ASSERT_TRUE(run->ok());
    EXPECT_GT(run->result.summary.paid, 15000);
    EXPECT_GT(run->result.summary.stopped, 0);
    EXPECT_GT(run->result.summary.mismatched, 500);
    expect_rules8_invariants(*run, month);
  }
}

TEST(InvariantsRules8, ConformanceCases) {
  if (!test::have_conformance_kit())
    GTEST_SKIP() << "conformance kit absent: " << test::conformance_dir();
  int cases = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::conformance_dir() + "/cases")) {
    const std::string dir = entry.path().string();
    if (!std::filesystem::exists(dir + "/employees.csv")) continue;
    SCOPED_TRACE(dir);
    std::string month = test::read_text(dir + "/month");
    while (!month.empty() && (month.back() == '\n' || month.back() == ' ')) month.pop_back();
    auto run = test::run_csv(test::read_text(dir + "/profile.json"), month,
                             test::read_text(dir + "/employees.csv"));
    ASSERT_TRUE(run->ok());
    expect_rules8_invariants(*run, month);
    ++cases;
  }
  EXPECT_GE(cases, 5);
}

}  // namespace
}  // namespace vetan
