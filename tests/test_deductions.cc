// rules §5 (deductions) and §5.1 (GPF minimum), with the §2 step-4 checks they feed.
#include <gtest/gtest.h>

#include <vector>

#include "core/deductions/deductions.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::replace_once;
using test::run_rows;

// rules §5 gpf: the subscription, not prorated; no NPS then.
TEST(DeductionsRules5, GpfSubscription) {
  // HANDCHECK earnings (gross 94,277); gpf 5,000 + SI 1,075 + RGHS 440 + PT 200 = 6,715.
  auto run = run_rows(mini_profile_json(), "2026-02", {Employee(1).gpf(5000)});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "gpf"), 5000);
  EXPECT_EQ(run->amount(0, "nps"), 0);
  EXPECT_EQ(run->amount(0, "employer_nps"), 0);
  EXPECT_EQ(run->amount(0, "total_deductions"), 6715);
  EXPECT_EQ(run->amount(0, "net"), 87562);
}

TEST(DeductionsRules5, FixedDeductionsAreNotProrated) {
  // P = 14 of 28, yet gpf, SI, RGHS and the licence fee are whole.
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).gpf(5000).set("date_of_joining", "2026-02-15").set("govt_quarters", "1")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->payable_days(0), 14);
  EXPECT_EQ(run->amount(0, "gpf"), 5000);
  EXPECT_EQ(run->amount(0, "si"), 1075);
  EXPECT_EQ(run->amount(0, "rghs"), 440);
  EXPECT_EQ(run->amount(0, "licence_fee"), 700);
}

TEST(DeductionsRules5, NpsSchemeIgnoresGpfSubscription) {
  auto run =
      run_rows(mini_profile_json(), "2026-02", {Employee(1).set("gpf_subscription", "999999")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "gpf"), 0);
  EXPECT_EQ(run->amount(0, "nps"), 8603);
}

// rules §5.1 minimum_by_level, and §2 step 4 GPF_BELOW_MINIMUM / GPF_ABOVE_MAXIMUM.
TEST(DeductionsRules5_1, GpfMinimumByLevel) {
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).gpf(999), Employee(2).gpf(1000),  // L-7 minimum 1,000
       Employee(3).gpf(499).set("pay_level", "L-1").set("pay_cell", "1").set("basic_pay", "18000"),
       Employee(4).gpf(500).set("pay_level", "L-1").set("pay_cell", "1").set("basic_pay", "18000"),
       // L-17 is not in the table: minimum 0.
       Employee(5)
           .gpf(0)
           .set("pay_level", "L-17")
           .set("pay_cell", "1")
           .set("basic_pay", "250000")});
  EXPECT_EQ(run->reasons(0), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->reasons(2), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(3), Fate::kPaid) << run->reasons(3);
  EXPECT_EQ(run->fate(4), Fate::kPaid) << run->reasons(4);
}

TEST(DeductionsRules5_1, GpfMinimumPercentOfBasicIsCeiled) {
  // 6.33% of 53,600 = 3,392.88 -> 3,393; of 18,000 = 1,139.4 -> 1,140.
  const std::string profile = replace_once(
      mini_profile_json(),
      "\"gpf\": { \"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 } }",
      "\"gpf\": { \"minimum_percent_of_basic\": 6.33 }");
  auto l1 = [](Employee e) {
    return e.set("pay_level", "L-1").set("pay_cell", "1").set("basic_pay", "18000");
  };
  auto run = run_rows(profile, "2026-02",
                      {Employee(1).gpf(3392), Employee(2).gpf(3393), l1(Employee(3).gpf(1139)),
                       l1(Employee(4).gpf(1140)),
                       // On the full-month B: LWP does not lower the minimum.
                       Employee(5).gpf(3392).set("lwp_days", "10")});
  EXPECT_EQ(run->reasons(0), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->reasons(2), "GPF_BELOW_MINIMUM");
  EXPECT_EQ(run->fate(3), Fate::kPaid) << run->reasons(3);
  EXPECT_EQ(run->reasons(4), "GPF_BELOW_MINIMUM");
}

TEST(DeductionsRules5_1, GpfAboveFullMonthBasic) {
  auto run =
      run_rows(mini_profile_json(), "2026-02", {Employee(1).gpf(53601), Employee(2).gpf(53600)});
  EXPECT_EQ(run->reasons(0), "GPF_ABOVE_MAXIMUM");
  ASSERT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->amount(1, "net"), 94277 - 53600 - 1075 - 440 - 200);
}

TEST(DeductionsRules5_1, GpfBelowMinimumAndAboveMaximumTogether) {
  // A minimum (20,000) above the L-1 basic (18,000): 19,000 breaks both, listed in order.
  const std::string profile = replace_once(mini_profile_json(), "\"L-1\": 500", "\"L-1\": 20000");
  auto run = run_rows(profile, "2026-02",
                      {Employee(1)
                           .gpf(19000)
                           .set("pay_level", "L-1")
                           .set("pay_cell", "1")
                           .set("basic_pay", "18000")});
  EXPECT_EQ(run->reasons(0), "GPF_BELOW_MINIMUM;GPF_ABOVE_MAXIMUM");
}

// rules §5 profile deductions: by_level (0 when absent), by_gross (first band whose up_to
// is null or >= gross).
TEST(DeductionsRules5, ByLevelAbsentLevelIsZero) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("pay_level", "L-17")
                           .set("pay_cell", "1")
                           .set("basic_pay", "250000")
                           .set("govt_quarters", "1")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "si"), 0);
  EXPECT_EQ(run->amount(0, "rghs"), 0);
  EXPECT_EQ(run->amount(0, "licence_fee"), 0);  // not in licence_fee_by_level
}

TEST(DeductionsRules5, ByGrossBandBoundaries) {
  // PT: up to 15,000 -> 0; up to 25,000 -> 150; above -> 200 (up_to is inclusive).
  const Profile profile = test::parse_valid_profile(mini_profile_json());
  Dictionary levels;
  const Dictionary::Code l7 = levels.add("L-7");
  MonthRules rules;
  ASSERT_TRUE(resolve_month_rules(profile, test::month_of("2026-02"), levels, Dictionary(), &rules).ok());
  const PayslipLayout layout(profile);
  PayInputs in{};
  in.level = l7;
  in.cls = int(HraClass::kZ);
  in.matrix_basic = 53600;
  in.scheme = PensionScheme::kNps;
  in.payable_days = 28;
  const size_t pt = layout.deductions + 2;
  ASSERT_EQ(layout.names[pt], "pt");
  for (const auto& [gross, expected] : std::vector<std::pair<Money, Money>>{
           {0, 0}, {15000, 0}, {15001, 150}, {25000, 150}, {25001, 200}, {900000, 200}}) {
    std::vector<Money> slip(layout.columns, 0);
    slip[layout.gross] = gross;
    compute_deductions(in, DeductionInputs{}, rules, layout, slip.data());
    EXPECT_EQ(slip[pt], expected) << "gross " << gross;
    EXPECT_EQ(slip[layout.deductions], 1075) << "SI by level";
    EXPECT_EQ(slip[layout.net], gross - slip[layout.total_deductions]);
  }
}

TEST(DeductionsRules5, ByGrossThroughTheRun) {
  // L-1 cell 1, class Z, 2026-02: basic 18,000, da 10,890, hra 1,800, ta 1,445 -> 32,135.
  // Joined on the 15th (P = 14/28): 9,000 + 5,445 + 900 + rnd(722.5) = 723 -> 16,068 -> PT 150.
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1).set("pay_level", "L-1").set("pay_cell", "1").set("basic_pay", "18000"),
                Employee(2)
                    .set("pay_level", "L-1")
                    .set("pay_cell", "1")
                    .set("basic_pay", "18000")
                    .set("date_of_joining", "2026-02-15")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "gross"), 32135);
  EXPECT_EQ(run->amount(0, "pt"), 200);
  ASSERT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->amount(1, "gross"), 16068);
  EXPECT_EQ(run->amount(1, "pt"), 150);
}

// rules §5 loan: min(installment, balance).
TEST(DeductionsRules5, LoanIsTheSmallerOfInstallmentAndBalance) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("loan_installment", "5000").set("loan_balance", "3000"),
                       Employee(2).set("loan_installment", "2500").set("loan_balance", "60000"),
                       Employee(3).set("loan_installment", "5000").set("loan_balance", "0")});
  EXPECT_EQ(run->amount(0, "loan"), 3000);
  EXPECT_EQ(run->amount(1, "loan"), 2500);
  EXPECT_EQ(run->amount(2, "loan"), 0);
  EXPECT_EQ(run->amount(0, "total_deductions"), 10318 + 3000);
}

// rules §2 step 4 NEGATIVE_NET.
TEST(DeductionsRules5, NegativeNetIsAMismatch) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("loan_installment", "900000").set("loan_balance", "900000"),
                       Employee(2).set("loan_installment", "83959").set("loan_balance", "900000")});
  EXPECT_EQ(run->reasons(0), "NEGATIVE_NET");
  EXPECT_EQ(run->amount(0, "net"), 94277 - 10318 - 900000);
  ASSERT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);  // net exactly 0 is payable
  EXPECT_EQ(run->amount(1, "net"), 0);
}

}  // namespace
}  // namespace vetan
