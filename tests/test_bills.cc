// rules §7: bills and their budget-head splits, and formats.md's bills.csv and
// bill_heads.csv. Every paid row is the HANDCHECK employee of February 2026 (gross 94,277,
// deductions 10,318, net 83,959, employer NPS 12,044).
#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::run_rows;

Employee in_bill(int n, const char* treasury, const char* ddo, const char* group, const char* head,
                 const char* fund) {
  return Employee(n)
      .set("treasury_code", treasury)
      .set("ddo_code", ddo)
      .set("bill_group", group)
      .set("budget_head", head)
      .set("fund_type", fund);
}

std::vector<Employee> bill_rows() {
  return {in_bill(1, "TR02", "DDO009", "1", "2202-01-101", "SF"),
          in_bill(2, "TR01", "DDO001", "2", "2210", "SF"),
          in_bill(3, "TR01", "DDO001", "10", "2210", "CA"),
          in_bill(4, "TR01", "DDO001", "10", "2210", "SF"),
          in_bill(5, "TR01", "DDO001", "10", "2055", "sf"),
          in_bill(6, "TR01", "DDO001", "10", "2055", "SF").set("stop_payment", "1"),
          in_bill(7, "TR01", "DDO001", "10", "2055", "SF").set("pan", ""),
          in_bill(8, "TR03", "DDO777", "1", "2055", "SF").set("pan", ""),
          in_bill(9, "TR01", "DDO001", "10", "", "")};
}

TEST(BillsRules7, OneBillPerTreasuryDdoGroupSortedById) {
  auto run = run_rows(mini_profile_json(), "2026-02", bill_rows());
  const auto files = test::run_output_files(*run);
  // Ids sort by bytes: ".../10" before ".../2". Stopped and mismatched rows are on no bill,
  // and a bill without paid rows (TR03) does not exist.
  EXPECT_EQ(files.at("bills.csv"),
            "bill_id,month,treasury_code,ddo_code,bill_group,employees,basic,npa,da,hra,ta,cca,"
            "special_pay,gross,gpf,nps,income_tax,si,rghs,pt,licence_fee,loan,total_deductions,"
            "net,employer_nps\n"
            "2026-02/TR01/DDO001/10,2026-02,TR01,DDO001,10,4,214400,0,129712,21440,11556,0,0,"
            "377108,0,34412,0,4300,1760,800,0,0,41272,335836,48176\n"
            "2026-02/TR01/DDO001/2,2026-02,TR01,DDO001,2,1,53600,0,32428,5360,2889,0,0,94277,0,"
            "8603,0,1075,440,200,0,0,10318,83959,12044\n"
            "2026-02/TR02/DDO009/1,2026-02,TR02,DDO009,1,1,53600,0,32428,5360,2889,0,0,94277,0,"
            "8603,0,1075,440,200,0,0,10318,83959,12044\n");
  EXPECT_EQ(run->result.summary.bills, 3);
}

TEST(BillsRules7, SplitByBudgetHeadAndFundType) {
  auto run = run_rows(mini_profile_json(), "2026-02", bill_rows());
  const auto files = test::run_output_files(*run);
  // Sorted by bill id, budget head (bytes; empty first), fund type (CA before SF).
  EXPECT_EQ(files.at("bill_heads.csv"),
            "bill_id,budget_head,fund_type,employees,gross,total_deductions,net\n"
            "2026-02/TR01/DDO001/10,,SF,1,94277,10318,83959\n"
            "2026-02/TR01/DDO001/10,2055,SF,1,94277,10318,83959\n"
            "2026-02/TR01/DDO001/10,2210,CA,1,94277,10318,83959\n"
            "2026-02/TR01/DDO001/10,2210,SF,1,94277,10318,83959\n"
            "2026-02/TR01/DDO001/2,2210,SF,1,94277,10318,83959\n"
            "2026-02/TR02/DDO009/1,2202-01-101,SF,1,94277,10318,83959\n");
}

TEST(BillsRules7, PayslipCarriesItsBillId) {
  auto run = run_rows(mini_profile_json(), "2026-02", bill_rows());
  const test::CsvFile payslips =
      test::parse_csv_text(test::run_output_files(*run).at("payslips.csv"));
  ASSERT_EQ(payslips.rows.size(), 6u);
  const size_t id = payslips.column("employee_id"), bill = payslips.column("bill_id");
  const size_t line = payslips.column("line");
  EXPECT_EQ(payslips.rows[0][id], "E0001");
  EXPECT_EQ(payslips.rows[0][bill], "2026-02/TR02/DDO009/1");
  EXPECT_EQ(payslips.rows[0][line], "1");
  EXPECT_EQ(payslips.rows[5][id], "E0009");
  EXPECT_EQ(payslips.rows[5][bill], "2026-02/TR01/DDO001/10");
  EXPECT_EQ(payslips.rows[5][line], "9");
  EXPECT_EQ(payslips.rows[5][payslips.column("fund_type")], "SF");  // default
}

TEST(BillsRules7, SummaryTotalsArePaidRowsOnly) {
  auto run = run_rows(mini_profile_json(), "2026-02", bill_rows());
  const RunSummary& s = run->result.summary;
  EXPECT_EQ(s.paid, 6);
  EXPECT_EQ(s.stopped, 1);
  EXPECT_EQ(s.mismatched, 2);
  EXPECT_EQ(s.gross, 6 * 94277);
  EXPECT_EQ(s.total_deductions, 6 * 10318);
  EXPECT_EQ(s.net, 6 * 83959);
  EXPECT_EQ(s.employer_nps, 6 * 12044);
}

// rules §7 names a bill by its id M/treasury/ddo/group. Codes holding '/' can spell one id
// from two triples; the spec leaves that open, and the oracle then makes them one bill whose
// treasury_code, ddo_code and bill_group are those of its first paid row in file order.
TEST(BillsRules7, OneIdSpelledByTwoTriplesFollowsTheOracle) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {in_bill(1, "A/B", "C", "1", "H", "SF").set("pan", ""),  // not paid
                in_bill(2, "A", "B/C", "1", "H", "SF"), in_bill(3, "A/B", "C", "1", "H", "SF")});
  const test::CsvFile bills = test::parse_csv_text(test::run_output_files(*run).at("bills.csv"));
  ASSERT_EQ(bills.rows.size(), 1u);
  EXPECT_EQ(bills.rows[0][bills.column("bill_id")], "2026-02/A/B/C/1");
  EXPECT_EQ(bills.rows[0][bills.column("employees")], "2");
  EXPECT_EQ(bills.rows[0][bills.column("gross")], "188554");
  EXPECT_EQ(bills.rows[0][bills.column("treasury_code")], "A");
  EXPECT_EQ(bills.rows[0][bills.column("ddo_code")], "B/C");
}

// The row files format each bill's fields once per bill (api/bill_text.h); a row of a bill
// whose id two triples spell still shows its own codes, in payslips.csv and the schedules.
TEST(BillsRules7, RowFilesOfOneIdSpelledByTwoTriplesShowEachRowsOwnCodes) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {in_bill(1, "A", "B/C", "1", "H", "SF"), in_bill(2, "A/B", "C", "1", "H", "SF")});
  const auto files = test::run_output_files(*run);
  const test::CsvFile slips = test::parse_csv_text(files.at("payslips.csv"));
  ASSERT_EQ(slips.rows.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& row = slips.rows[i];
    const bool first = row[slips.column("line")] == "1";
    EXPECT_EQ(row[slips.column("bill_id")], "2026-02/A/B/C/1");
    EXPECT_EQ(row[slips.column("treasury_code")], first ? "A" : "A/B");
    EXPECT_EQ(row[slips.column("ddo_code")], first ? "B/C" : "C");
  }
  size_t schedule_rows = 0;
  for (const char* name : {"gpf_schedule.csv", "nps_contributions.csv"}) {
    const test::CsvFile schedule = test::parse_csv_text(files.at(name));
    for (const auto& row : schedule.rows) {
      ++schedule_rows;
      const std::string id = row[schedule.column("employee_id")];
      const bool first = id == slips.rows[0][slips.column("employee_id")]
                             ? slips.rows[0][slips.column("line")] == "1"
                             : slips.rows[1][slips.column("line")] == "1";
      EXPECT_EQ(row[schedule.column("bill_id")], "2026-02/A/B/C/1");
      EXPECT_EQ(row[schedule.column("treasury_code")], first ? "A" : "A/B");
      EXPECT_EQ(row[schedule.column("ddo_code")], first ? "B/C" : "C");
    }
  }
  EXPECT_EQ(schedule_rows, 2u);  // each paid row is a GPF or an NPS subscriber
}

}  // namespace
}  // namespace vetan
