// The rules added to the spec on 2026-12-02, each worked by hand on the mini profile
// (tests/data/mini-profile.json; DA 60.5% from 2026-01): rules §4 allowance_class, bands
// with min_basic and when_exempt_from; §5 by_basic, exempt_deductions and the last months
// of service without GPF; §5.1 gpf_basis_pay and minimum_by_basic; §6 R = min(13 - k, S);
// formats.md near-miss header names and exempt_deductions codes; profile.md's new keys.
#include <gtest/gtest.h>

#include "core/tax/income_tax.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::replace_once;
using test::run_rows;

// TA for L-1/L-2 gets a band from a basic of 18,500 on (the central order's Rs 24,200 for
// Level 1-2, scaled to the mini matrix).
std::string profile_with_ta_floor() {
  return replace_once(
      mini_profile_json(),
      "{ \"levels\": [\"L-1\", \"L-2\"], \"amount\": { \"X\": 1350, \"Y\": 900, \"Z\": 900 } },",
      "{ \"levels\": [\"L-1\", \"L-2\"], \"amount\": { \"X\": 1350, \"Y\": 900, \"Z\": 900 } },\n"
      "{ \"levels\": [\"L-1\", \"L-2\"], \"min_basic\": 18500,"
      " \"amount\": { \"X\": 3600, \"Y\": 1800, \"Z\": 1800 } },");
}

Employee level_1(int n, int cell) {
  static const char* kBasic[] = {"18000", "18500", "19100"};
  return Employee(n).set("pay_level", "L-1").set("pay_cell", std::to_string(cell))
      .set("basic_pay", kBasic[cell - 1]);
}

// rules §4: the band holding the level with the highest min_basic <= B, in the row's
// allowance_class (hra_class when empty). DA 60.5% applies to TA, not to CCA.
TEST(Rules2026AllowanceBands, HighestFloorReachedInTheAllowanceClass) {
  auto run = run_rows(profile_with_ta_floor(), "2026-06",
                      {level_1(1, 1).set("allowance_class", "X"),   // below the floor
                       level_1(2, 2).set("allowance_class", " x "),  // at the floor
                       level_1(3, 3),                                // above it, class Z
                       level_1(4, 3).set("hra_class", "Y")});        // class Y, no override
  ASSERT_TRUE(run->ok());
  for (size_t r = 0; r < 4; ++r) ASSERT_EQ(run->fate(r), Fate::kPaid) << r << run->reasons(r);
  // Row 1: first band, X: 1,350 + rnd(1,350 x 60.5%) = 1,350 + 817 (816.75) = 2,167; CCA X 400.
  EXPECT_EQ(run->amount(0, "ta"), 2167);
  EXPECT_EQ(run->amount(0, "cca"), 400);
  // Row 2: B = 18,500 reaches the floor: X 3,600 + 2,178 = 5,778; CCA X 400.
  EXPECT_EQ(run->amount(1, "ta"), 5778);
  EXPECT_EQ(run->amount(1, "cca"), 400);
  // Row 3: B = 19,100, class Z: 1,800 + 1,089 = 2,889; CCA Z 0.
  EXPECT_EQ(run->amount(2, "ta"), 2889);
  EXPECT_EQ(run->amount(2, "cca"), 0);
  // Row 4: class Y for HRA and allowances: TA 2,889, CCA 200; HRA Y 20% of 19,100 = 3,820
  // (above the Y minimum of 3,600).
  EXPECT_EQ(run->amount(3, "ta"), 2889);
  EXPECT_EQ(run->amount(3, "cca"), 200);
  EXPECT_EQ(run->amount(3, "hra"), 3820);
  // The HRA of rows 1 and 2 still follows hra_class Z: max(rnd(B x 10%), 1,800) = 1,800/1,850.
  EXPECT_EQ(run->amount(0, "hra"), 1800);
  EXPECT_EQ(run->amount(1, "hra"), 1850);
}

// A fixed medical allowance paid only outside the RGHS towns (as central FMA outside CGHS
// cities), SI by slabs of the matrix basic, and exemptions read from the master.
std::string profile_with_fma_and_si_by_basic() {
  std::string p = replace_once(
      mini_profile_json(), "\"allowances\": [",
      "\"allowances\": [\n { \"code\": \"FMA\", \"da_applies\": false, \"when_exempt_from\": "
      "\"RGHS\", \"bands\": [ { \"levels\": [\"L-7\"], \"amount\": { \"X\": 1000, \"Y\": 1000, "
      "\"Z\": 1000 } } ] },");
  return replace_once(p, "{ \"code\": \"SI\", \"by_level\": { \"L-1\": 265, \"L-7\": 1075, \"L-15\": 2155 } }",
                      "{ \"code\": \"SI\", \"by_basic\": [ { \"up_to\": 50000, \"amount\": 400 },"
                      " { \"up_to\": null, \"amount\": 1200 } ] }");
}

TEST(Rules2026Exemptions, ExemptRowsPayNoneAndDrawTheAllowance) {
  auto run = run_rows(profile_with_fma_and_si_by_basic(), "2026-06",
                      {Employee(1).set("exempt_deductions", "rghs"),
                       Employee(2).set("pay_cell", "1").set("basic_pay", "44900"),
                       Employee(3).set("exempt_deductions", " SI; RGHS;;"),
                       Employee(4).set("status", "SUSPENDED")});
  ASSERT_TRUE(run->ok());
  for (size_t r = 0; r < 4; ++r) ASSERT_EQ(run->fate(r), Fate::kPaid) << r << run->reasons(r);
  // Row 1: B 53,600 > 50,000: SI 1,200; exempt from RGHS: RGHS 0 and FMA 1,000 (no DA).
  EXPECT_EQ(run->amount(0, "si"), 1200);
  EXPECT_EQ(run->amount(0, "rghs"), 0);
  EXPECT_EQ(run->amount(0, "fma"), 1000);
  // Row 2: B 44,900 <= 50,000: SI 400; RGHS by level 440; no FMA.
  EXPECT_EQ(run->amount(1, "si"), 400);
  EXPECT_EQ(run->amount(1, "rghs"), 440);
  EXPECT_EQ(run->amount(1, "fma"), 0);
  // Row 3: exempt from both; the FMA is paid.
  EXPECT_EQ(run->amount(2, "si"), 0);
  EXPECT_EQ(run->amount(2, "rghs"), 0);
  EXPECT_EQ(run->amount(2, "fma"), 1000);
  // Row 4: suspended, basic paid 26,800, but by_basic reads the matrix basic 53,600.
  EXPECT_EQ(run->amount(3, "basic"), 26800);
  EXPECT_EQ(run->amount(3, "si"), 1200);
  // Gross of row 1: 53,600 + DA 32,428 + HRA 5,360 + FMA 1,000 + TA 2,889 = 95,277.
  EXPECT_EQ(run->amount(0, "gross"), 95277);
}

// formats.md: exempt_deductions names codes of the profile's deductions; another makes the
// row unreadable, naming the code.
TEST(Rules2026Exemptions, UnknownCodeMakesTheRowUnreadable) {
  auto run = run_rows(profile_with_fma_and_si_by_basic(), "2026-06",
                      {Employee(1).set("exempt_deductions", "RGHS;CGHS")});
  ASSERT_TRUE(run->ok());
  EXPECT_EQ(run->fate(0), Fate::kMismatch);
  EXPECT_EQ(run->reasons(0), "INVALID_RECORD");
  ASSERT_EQ(run->table.problems.size(), 1u);
  EXPECT_EQ(run->table.problems[0].text,
            "exempt_deductions: 'CGHS' is not a deduction of the profile");
}

// rules §5.1 with minimum_by_basic slabs, gpf_basis_pay, and §5's last months of service.
std::string profile_with_gpf_slabs() {
  return replace_once(mini_profile_json(),
                      "\"gpf\": { \"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 } }",
                      "\"gpf\": { \"minimum_by_basic\": [ { \"up_to\": 50000, \"amount\": 3000 },"
                      " { \"up_to\": null, \"amount\": 4500 } ], \"no_subscription_last_months\": 3 }");
}

TEST(Rules2026Gpf, MinimumOnTheBasisPayAndNoneInTheLastMonths) {
  auto run = run_rows(
      profile_with_gpf_slabs(), "2026-06",
      {Employee(1).gpf(3000).set("gpf_basis_pay", "49000"),  // E = 49,000: minimum 3,000
       Employee(2).gpf(3000),                                // E = B = 53,600: minimum 4,500
       Employee(3).gpf(0).set("date_of_retirement", "2026-08-31"),   // S = 3: none taken
       Employee(4).gpf(0).set("date_of_retirement", "2026-09-30"),   // S = 4: minimum applies
       Employee(5).gpf(5000).set("date_of_retirement", "2026-07-31")});  // S = 2: not taken
  ASSERT_TRUE(run->ok());
  EXPECT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "gpf"), 3000);
  EXPECT_EQ(run->reasons(1), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(2), Fate::kPaid) << run->reasons(2);
  EXPECT_EQ(run->amount(2, "gpf"), 0);
  EXPECT_EQ(run->reasons(3), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(4), Fate::kPaid) << run->reasons(4);
  EXPECT_EQ(run->amount(4, "gpf"), 0);
}

TEST(Rules2026Gpf, PercentMinimumOnTheBasisPay) {
  const std::string profile =
      replace_once(mini_profile_json(),
                   "\"gpf\": { \"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 } }",
                   "\"gpf\": { \"minimum_percent_of_basic\": 6 }");
  // ceil(49,000 x 6%) = 2,940; on B = 53,600 it would be 3,216.
  auto run = run_rows(profile, "2026-06",
                      {Employee(1).gpf(2940).set("gpf_basis_pay", "49000"),
                       Employee(2).gpf(2939).set("gpf_basis_pay", "49000"),
                       Employee(3).gpf(2940)});
  ASSERT_TRUE(run->ok());
  EXPECT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->reasons(1), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->reasons(2), "GPF_BELOW_MINIMUM");
}

// rules §6: R = min(13 - k, S). Gross 1,50,000 a month, 3,00,000 drawn so far, June (k = 3):
// - retiring in December, R = 7: projected 3,00,000 + 10,50,000 = 13,50,000; taxable
//   12,75,000; slabs 20,000 + 40,000 + 75,000 x 15% = 71,250; above the rebate limit by
//   75,000, so 71,250 stands; cess 2,850: 74,100; TDS ceil(74,100 / 7) = 10,586;
// - serving on, R = 10: projected 18,00,000; taxable 17,25,000; 20,000 + 40,000 + 60,000 +
//   1,25,000 x 20% = 1,45,000; cess 5,800: 1,50,800; TDS 15,080.
TEST(Rules2026Tax, MonthsOfServiceLeftSpreadTheTax) {
  const Profile profile = test::parse_valid_profile(mini_profile_json());
  const MonthRules rules = test::rules_for(profile, "2026-06");
  EXPECT_EQ(rules.months_left, 10);
  EXPECT_EQ(income_tax(rules, 150000, 7, 300000, 0, 0), 10586);
  EXPECT_EQ(income_tax(rules, 150000, 10, 300000, 0, 0), 15080);
}

// The same through a run: a row retiring in December 2026 is taxed over 7 months in June,
// one retiring in June 2026 over 1, one serving on over 10.
TEST(Rules2026Tax, RunCountsTheMonthsToRetirement) {
  auto base = [](int n) {
    return Employee(n).set("pay_level", "L-15").set("pay_cell", "6").set("basic_pay", "211300")
        .set("fy_gross_to_date", "600000");
  };
  auto run = run_rows(mini_profile_json(), "2026-06",
                      {base(1).set("date_of_retirement", "2026-12-31"),
                       base(2).set("date_of_retirement", "2026-06-30"), base(3)});
  ASSERT_TRUE(run->ok());
  const MonthRules rules = test::rules_for(run->profile, "2026-06");
  const Money gross = run->amount(2, "gross");
  ASSERT_EQ(run->amount(0, "gross"), gross);
  EXPECT_EQ(run->amount(0, "income_tax"), income_tax(rules, gross, 7, 600000, 0, 0));
  EXPECT_EQ(run->amount(1, "income_tax"), income_tax(rules, gross, 1, 600000, 0, 0));
  EXPECT_EQ(run->amount(2, "income_tax"), income_tax(rules, gross, 10, 600000, 0, 0));
  EXPECT_NE(run->amount(0, "income_tax"), run->amount(2, "income_tax"));
}

// formats.md: near-miss header names are refused with the column meant.
TEST(Rules2026Header, NearMissNamesAreRefused) {
  const std::string header = test::master_csv({});
  struct Case {
    const char* column;
    const char* message;
  };
  for (const Case& c : {Case{"npa_eligble", "did you mean 'npa_eligible'?"},
                        Case{"govt_quarter", "did you mean 'govt_quarters'?"},
                        Case{"Mobile", "did you mean 'mobile'?"},
                        Case{"Stop_Payment", "did you mean 'stop_payment'?"}}) {
    EmployeeTable table;
    const Status s = parse_employees_csv(header.substr(0, header.size() - 1) + "," + c.column +
                                             "\n",
                                         "employees.csv", &table);
    ASSERT_FALSE(s.ok()) << c.column;
    EXPECT_EQ(s.message(), std::string("employees.csv: column '") + c.column +
                               "' is not a column of the master; " + c.message);
  }
  // Known and unrelated names are accepted (and ignored).
  for (const char* column : {"mobile", "remarks", "designation"}) {
    EmployeeTable table;
    const Status s = parse_employees_csv(
        header.substr(0, header.size() - 1) + "," + column + "\n", "employees.csv", &table);
    EXPECT_TRUE(s.ok()) << column << ": " << s.message();
  }
  // An upper-case required column is a near miss too.
  EmployeeTable table;
  std::string upper = header;
  upper.replace(upper.find("employee_id"), 11, "EMPLOYEE_ID");
  const Status s = parse_employees_csv(upper, "employees.csv", &table);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "employees.csv: column 'EMPLOYEE_ID' is not a column of the master; did you mean "
            "'employee_id'?");
}

// formats.md: allowance_class and gpf_basis_pay are read strictly.
TEST(Rules2026Header, NewColumnsAreReadStrictly) {
  auto run = run_rows(mini_profile_json(), "2026-06",
                      {Employee(1).set("allowance_class", "W"),
                       Employee(2).set("gpf_basis_pay", "4.5e4"), Employee(3)});
  ASSERT_TRUE(run->ok());
  EXPECT_EQ(run->reasons(0), "INVALID_RECORD");
  EXPECT_EQ(run->reasons(1), "INVALID_RECORD");
  ASSERT_EQ(run->table.problems.size(), 2u);
  EXPECT_EQ(run->table.problems[0].text, "allowance_class: 'W' is not one of X/Y/Z");
  EXPECT_EQ(run->table.problems[1].text,
            "gpf_basis_pay: '4.5e4' is not a non-negative integer of at most 12 digits");
  EXPECT_EQ(run->fate(2), Fate::kPaid);
}

// profile.md: the new keys parse, and their rules refuse what they must.
TEST(Rules2026Profile, NewKeysParse) {
  std::string json = replace_once(
      profile_with_gpf_slabs(), "\"no_subscription_last_months\": 3 }",
      "\"no_subscription_last_months\": 3, \"interest\": [ { \"from\": \"2020-04\", \"percent\": "
      "7.1 }, { \"from\": \"2025-01\", \"percent\": 7.05 } ], \"salary_credited\": \"next_month\" }");
  const Profile p = test::parse_valid_profile(json);
  EXPECT_EQ(p.gpf_minimum_rule, GpfMinimumRule::kByBasic);
  ASSERT_EQ(p.gpf_minimum_bands.size(), 2u);
  EXPECT_EQ(p.gpf_minimum_bands[0].up_to, 50000);
  EXPECT_EQ(p.gpf_minimum_bands[1].up_to, kNoLimit);
  EXPECT_EQ(p.gpf_no_subscription_last_months, 3);
  ASSERT_EQ(p.gpf_interest.size(), 2u);
  EXPECT_EQ(p.gpf_interest[1].percent, 705);
  EXPECT_TRUE(p.gpf_salary_credited_next_month);
  const Profile q = test::parse_valid_profile(profile_with_fma_and_si_by_basic());
  EXPECT_EQ(q.allowances[0].when_exempt_from, "RGHS");
  EXPECT_EQ(q.deductions[0].basis, DeductionBasis::kByBasic);
  const Profile t = test::parse_valid_profile(profile_with_ta_floor());
  EXPECT_EQ(t.allowances[0].bands[1].min_basic, 18500);
}

TEST(Rules2026Profile, BadValuesAreRefusedNamingTheKey) {
  struct Case {
    std::string json;
    const char* message;
  };
  const std::string gpf = "\"gpf\": { \"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 } }";
  auto with_gpf = [&](const std::string& body) {
    return replace_once(mini_profile_json(), gpf, "\"gpf\": { " + body + " }");
  };
  const Case cases[] = {
      {with_gpf("\"minimum_percent_of_basic\": 6, \"minimum_by_level\": {}"),
       "profile: gpf must hold exactly one of minimum_percent_of_basic, minimum_by_level, "
       "minimum_by_basic"},
      {with_gpf("\"minimum_percent_of_basic\": 6, \"no_subscription_last_months\": 13"),
       "profile: gpf.no_subscription_last_months must be 0..12"},
      {with_gpf("\"minimum_percent_of_basic\": 6, \"salary_credited\": \"later\""),
       "profile: gpf.salary_credited must be 'same_month' or 'next_month'"},
      {with_gpf("\"minimum_percent_of_basic\": 6, \"interest\": [ { \"from\": \"2021-04\", "
                "\"percent\": 7.1 }, { \"from\": \"2020-04\", \"percent\": 7.1 } ]"),
       "profile: gpf.interest must be sorted by 'from' with no two alike"},
      {with_gpf("\"minimum_percent_of_basic\": 6, \"rate\": 7"), "profile: unknown key 'gpf.rate'"},
      {with_gpf("\"minimum_by_basic\": [ { \"up_to\": 50000, \"amount\": 3000 } ]"),
       "profile: gpf.minimum_by_basic must end with up_to: null"},
      {replace_once(profile_with_fma_and_si_by_basic(), "\"when_exempt_from\": \"RGHS\"",
                    "\"when_exempt_from\": \"CGHS\""),
       "profile: allowances[0].when_exempt_from must name a deduction of the profile"},
      {replace_once(profile_with_ta_floor(), "\"min_basic\": 18500", "\"min_basic\": 0"),
       "profile: level L-1 is in two bands of allowance TA with the same min_basic"},
  };
  for (const Case& c : cases) {
    const Status s = test::profile_status(c.json);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.message(), c.message);
  }
}

}  // namespace
}  // namespace vetan
