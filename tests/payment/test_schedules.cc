// Files people pay and account from (issue 12 item 6, docs/outputs.md): payslips.csv's
// person columns, the names on stopped.csv and mismatches.csv, and the deduction schedules
// and department totals, each summing per bill to the bill's own column.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/test_support.h"

namespace vetan {
namespace {

using test::CsvFile;

struct Outputs {
  std::unique_ptr<test::RunOutcome> run;
  std::map<std::string, CsvFile> files;
};

const Outputs& outputs() {
  static const Outputs* o = [] {
    auto* out = new Outputs;
    const test::SyntheticMaster master = test::synthetic_master(3000, 7, "2026-11", 0.05);
    out->run = test::run_csv(test::mini_profile_json(), "2026-11", master.csv());
    EXPECT_TRUE(out->run->ok());
    for (const auto& [name, text] : test::run_output_files(*out->run)) {
      if (name != "summary.json") out->files[name] = test::parse_csv_text(text);
    }
    return out;
  }();
  return *o;
}

int64_t number(const std::string& s) { return std::stoll(s); }

// Per bill, the sum of schedule column `column` equals bills.csv's `bill_column`.
void expect_bill_sums(const std::string& file, const std::string& column,
                      const std::string& bill_column) {
  const CsvFile& schedule = outputs().files.at(file);
  const CsvFile& bills = outputs().files.at("bills.csv");
  std::map<std::string, int64_t> sums;
  for (const auto& row : schedule.rows) sums[row[schedule.column("bill_id")]] += number(row[schedule.column(column)]);
  int64_t nonzero = 0;
  for (const auto& row : bills.rows) {
    const int64_t expected = number(row[bills.column(bill_column)]);
    EXPECT_EQ(sums[row[bills.column("bill_id")]], expected)
        << file << " " << column << " of bill " << row[bills.column("bill_id")];
    nonzero += expected != 0;
  }
  EXPECT_GT(nonzero, 0) << "the test master gives no bill any " << bill_column;
}

TEST(Schedules, EachSumsPerBillToTheBill) {
  expect_bill_sums("gpf_schedule.csv", "subscription", "gpf");
  expect_bill_sums("nps_contributions.csv", "employee_contribution", "nps");
  expect_bill_sums("nps_contributions.csv", "employer_contribution", "employer_nps");
  expect_bill_sums("tds_schedule.csv", "income_tax", "income_tax");
}

TEST(Schedules, RowsAreTheBillsPaidRowsInOrder) {
  const auto& run = *outputs().run;
  const CsvFile& nps = outputs().files.at("nps_contributions.csv");
  std::string last;
  for (const auto& row : nps.rows) {
    const std::string key = row[nps.column("bill_id")] + "\x01" + row[nps.column("employee_id")];
    EXPECT_LT(last, key) << "not sorted by bill_id, employee_id";
    last = key;
    EXPECT_EQ(number(row[nps.column("total_contribution")]),
              number(row[nps.column("employee_contribution")]) + number(row[nps.column("employer_contribution")]));
  }
  size_t nps_paid = 0, gpf_paid = 0;
  for (size_t r = 0; r < run.table.rows; ++r) {
    if (run.fate(r) != Fate::kPaid) continue;
    (PensionScheme(run.table.pension_scheme[r]) == PensionScheme::kNps ? nps_paid : gpf_paid)++;
  }
  EXPECT_EQ(nps.rows.size(), nps_paid);
  EXPECT_EQ(outputs().files.at("gpf_schedule.csv").rows.size(), gpf_paid);
}

TEST(Schedules, DepartmentTotalsAddUpToThePayslips) {
  const CsvFile& d = outputs().files.at("department_totals.csv");
  const CsvFile& slips = outputs().files.at("payslips.csv");
  std::map<std::string, std::pair<int64_t, int64_t>> expected;  // employees, net
  for (const auto& row : slips.rows) {
    auto& e = expected[row[slips.column("department")]];
    ++e.first;
    e.second += number(row[slips.column("net")]);
  }
  ASSERT_EQ(d.rows.size(), expected.size());
  for (const auto& row : d.rows) {
    const auto& e = expected.at(row[d.column("department")]);
    EXPECT_EQ(number(row[d.column("employees")]), e.first);
    EXPECT_EQ(number(row[d.column("net")]), e.second);
  }
}

TEST(PersonColumns, PayslipsStoppedAndMismatchesNameTheRow) {
  const auto& run = *outputs().run;
  const auto& t = run.table;
  const CsvFile& slips = outputs().files.at("payslips.csv");
  // After the named columns (employer_nps is the last of them).
  EXPECT_EQ(slips.column("name"), slips.column("employer_nps") + 1);
  size_t devanagari = 0;
  for (const auto& row : slips.rows) {
    const size_t r = size_t(number(row[slips.column("line")]) - 1);
    EXPECT_EQ(row[slips.column("name")], t.name[r]);
    EXPECT_EQ(row[slips.column("ifsc")], std::string(t.ifsc[r].view()));
    EXPECT_EQ(row[slips.column("bank_account")], std::string(t.bank_account[r].view()));
    EXPECT_EQ(row[slips.column("pan")], std::string(t.pan[r].view()));
    EXPECT_EQ(row[slips.column("pran")], t.pran[r]);
    EXPECT_EQ(row[slips.column("pay_level")], t.pay_level[r]);
    EXPECT_EQ(number(row[slips.column("pay_cell")]), t.pay_cell[r]);
    EXPECT_EQ(row[slips.column("department")], t.department[r]);
    devanagari += row[slips.column("name")].find("\xe0\xa4") != std::string::npos;
  }
  EXPECT_GT(devanagari, 0u) << "the test master should hold Devanagari names";
  for (const char* file : {"stopped.csv", "mismatches.csv"}) {
    const CsvFile& f = outputs().files.at(file);
    ASSERT_FALSE(f.rows.empty()) << file;
    for (const auto& row : f.rows) {
      const size_t r = size_t(number(row[f.column("line")]) - 1);
      EXPECT_EQ(row[f.column("name")], t.name[r]) << file << " line " << r + 1;
    }
  }
}

}  // namespace
}  // namespace vetan
