// rules §6: income tax (TDS on salary). The mini profile's tax years (2024-04 … 2027-04)
// all hold: standard deduction 75,000; slabs 0 / 5 / 10 / 15 / 20 / 25 / 30% with limits at
// 4, 8, 12, 16, 20, 24 lakh; rebate limit 12 lakh; surcharge 10% above 50 lakh, 15% above
// 1 crore, 25% above 2 crore; cess 4%. Slab tax at 12 lakh is 60,000; at 24 lakh 300,000.
#include <gtest/gtest.h>

#include "core/tax/income_tax.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::rules_for;
using test::run_rows;

class IncomeTaxRules6 : public ::testing::Test {
 protected:
  Profile profile_ = test::parse_valid_profile(mini_profile_json());

  // income_tax for `month` with the given annual inputs.
  Money tds(const char* month, Money gross, Money fy_gross, Money fy_tds = 0, Money declared = 0) {
    const MonthRules rules = rules_for(profile_, month);
    return income_tax(rules, gross, rules.months_left, fy_gross, fy_tds, declared);
  }
  // Steps 3–5 for an annual taxable income, in whole rupees (exact: no remainder).
  Money before_cess(Money taxable) {
    const Int128 scaled = tax_with_surcharge(profile_.income_tax[2], taxable, nullptr);
    EXPECT_EQ(scaled % kTaxScale, 0) << "not whole rupees at " << taxable;
    return Money(scaled / kTaxScale);
  }
};

// rules §6: R = 13 - k, k the month's position in the FY (April = 1).
TEST_F(IncomeTaxRules6, MonthsLeftInTheFinancialYear) {
  EXPECT_EQ(rules_for(profile_, "2026-04").months_left, 12);
  EXPECT_EQ(rules_for(profile_, "2026-05").months_left, 11);
  EXPECT_EQ(rules_for(profile_, "2026-11").months_left, 5);
  EXPECT_EQ(rules_for(profile_, "2026-12").months_left, 4);
  EXPECT_EQ(rules_for(profile_, "2027-01").months_left, 3);
  EXPECT_EQ(rules_for(profile_, "2027-02").months_left, 2);
  EXPECT_EQ(rules_for(profile_, "2027-03").months_left, 1);
}

// rules §6: the entry whose from is the FY's April (January–March belong to the previous).
TEST_F(IncomeTaxRules6, TaxYearOfTheFinancialYear) {
  EXPECT_EQ(format_month(rules_for(profile_, "2027-03").tax->from), "2026-04");
  EXPECT_EQ(format_month(rules_for(profile_, "2027-04").tax->from), "2027-04");
  EXPECT_EQ(format_month(rules_for(profile_, "2026-01").tax->from), "2025-04");
}

// Step 4: no tax up to the rebate limit.
TEST_F(IncomeTaxRules6, RebateUpToTheLimit) {
  // April (R = 12): projected 106,250 x 12 = 1,275,000; taxable 1,200,000 -> 0.
  EXPECT_EQ(tds("2026-04", 106250, 0), 0);
}

// Step 4: marginal relief, tax = min(slab tax, taxable - rebate limit).
TEST_F(IncomeTaxRules6, RebateMarginalRelief) {
  // projected 85,000 + 1,200,000 = 1,285,000; taxable 1,210,000; slab 61,500 but relief
  // caps it at 10,000; cess 400 -> 10,400; tds ceil(10,400 / 12) = 867.
  EXPECT_EQ(tds("2026-04", 100000, 85000), 867);
  // taxable 1,280,000: slab 72,000 < 80,000, relief not binding; 74,880; ceil(/12) = 6,240.
  EXPECT_EQ(tds("2026-04", 100000, 155000), 6240);
}

// Step 2: taxable rounded half up to ten; step 7: annual rounded half up to ten.
TEST_F(IncomeTaxRules6, TaxableIsRoundedToTen) {
  // projected - 75,000 = 1,200,004 -> 1,200,000: within the rebate -> 0.
  EXPECT_EQ(tds("2026-04", 100000, 75004), 0);
  // 1,200,005 -> 1,200,010: relief tax 10, cess 0.4 -> 10.4 -> annual 10; ceil(10/12) = 1.
  EXPECT_EQ(tds("2026-04", 100000, 75005), 1);
}

TEST_F(IncomeTaxRules6, AnnualTaxRoundsHalfUpToTen) {
  // taxable 1,271,250: slab 60,000 + 15% x 71,250 = 70,687.5 (below relief 71,250);
  // x 1.04 = 73,515.0 -> 73,520 (half up); ceil(73,520 / 12) = 6,127.
  EXPECT_EQ(tds("2026-04", 100000, 146250), 6127);
}

TEST_F(IncomeTaxRules6, SlabTaxIsKeptExactUntilTheLastRounding) {
  // taxable 1,270,670: slab 60,000 + 15% x 70,670 = 70,600.5; x 1.04 = 73,424.52 -> 73,420.
  // (Rounding the slab tax to 70,601 first would give 73,425.04 -> 73,430.)
  // ceil(73,420 / 12) = 6,118.33 -> 6,119.
  EXPECT_EQ(tds("2026-04", 100000, 145670), 6119);
}

// Step 5: surcharge by tier, with marginal relief at each tier's threshold.
TEST_F(IncomeTaxRules6, SurchargeAndItsMarginalRelief) {
  // Slab tax: 300,000 + 30% above 24 lakh.
  EXPECT_EQ(before_cess(5000000), 1080000);   // exactly at 50 lakh: no surcharge
  EXPECT_EQ(before_cess(6000000), 1518000);   // 1,380,000 + 10%; cap 2,080,000 not binding
  EXPECT_EQ(before_cess(5010000), 1090000);   // 1,191,300 capped at 1,080,000 + 10,000
  EXPECT_EQ(before_cess(10000000), 2838000);  // 2,580,000 + 10%
  EXPECT_EQ(before_cess(10010000), 2848000);  // 2,970,450 capped at 2,838,000 + 10,000
  EXPECT_EQ(before_cess(20000000), 6417000);  // 5,580,000 + 15%
  EXPECT_EQ(before_cess(20010000), 6427000);  // 6,978,750 capped at 6,417,000 + 10,000
  EXPECT_EQ(before_cess(25000000), 8850000);  // 7,080,000 + 25%
}

// Steps 6–8 with R = 1 (March) and fy_tds_to_date; step 9 the declared maximum.
TEST_F(IncomeTaxRules6, CessTdsToDateAndDeclared) {
  // March 2027: projected 5,575,000 + 500,000; taxable 6,000,000; 1,518,000 + 4% cess =
  // 1,578,720.
  EXPECT_EQ(tds("2027-03", 500000, 5575000), 1578720);
  EXPECT_EQ(tds("2027-03", 500000, 5575000, 1500000), 78720);
  EXPECT_EQ(tds("2027-03", 500000, 5575000, 1600000), 0);  // never below 0
  EXPECT_EQ(tds("2027-03", 500000, 5575000, 1600000, 100000), 100000);
  EXPECT_EQ(tds("2027-03", 500000, 5575000, 1500000, 50000), 78720);
  // Surcharge relief: taxable 5,010,000 -> 1,090,000 x 1.04 = 1,133,600.
  EXPECT_EQ(tds("2027-03", 85000, 5000000), 1133600);
}

// Step 8: spread over the R months left, rounded up.
TEST_F(IncomeTaxRules6, SpreadOverTheMonthsLeft) {
  // November (R = 5): projected 785,000 + 5 x 100,000; taxable 1,210,000 -> annual 10,400.
  EXPECT_EQ(tds("2026-11", 100000, 785000), 2080);
  EXPECT_EQ(tds("2026-11", 100000, 785000, 3), 2080);  // ceil(10,397 / 5 = 2,079.4)
  EXPECT_EQ(tds("2026-11", 100000, 785000, 5), 2079);  // 10,395 / 5 exactly
  // January (R = 3): ceil(10,400 / 3 = 3,466.67) = 3,467.
  EXPECT_EQ(tds("2027-01", 100000, 985000), 3467);
  EXPECT_EQ(tds("2026-11", 0, 0, 0, 5000), 5000);  // declared, nothing due
}

// rules §6 through the run: the HANDCHECK employee in March 2026 (R = 1, 2016 matrix, DA
// 60.5, gross 94,277) with 12 lakh already paid this FY: taxable rnd10(1,219,277) =
// 1,219,280 -> relief tax 19,280, + cess 771.2 = 20,051.2 -> 20,050.
TEST(IncomeTaxRules6Run, TaxOnThePayslip) {
  auto run = run_rows(
      mini_profile_json(), "2026-03",
      {Employee(1).set("fy_gross_to_date", "1200000"),
       Employee(2).set("fy_gross_to_date", "1200000").set("fy_tds_to_date", "20000"),
       Employee(3).set("fy_gross_to_date", "1200000").set("income_tax_declared", "60000")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "gross"), 94277);
  EXPECT_EQ(run->amount(0, "income_tax"), 20050);
  EXPECT_EQ(run->amount(0, "total_deductions"), 10318 + 20050);
  EXPECT_EQ(run->amount(0, "net"), 83959 - 20050);
  EXPECT_EQ(run->amount(1, "income_tax"), 50);
  EXPECT_EQ(run->amount(2, "income_tax"), 60000);
}

}  // namespace
}  // namespace vetan
