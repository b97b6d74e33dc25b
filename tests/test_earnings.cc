// rules §4: earnings (full month, then prorated), on the mini profile (tests/data), whose
// numbers follow conformance/profiles/test-state.json. DA: 0 until 2025-03, 25 from
// 2025-04, 49.99 from 2025-07, 60.5 from 2026-01.
#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::replace_once;
using test::run_rows;

// The worked row of conformance/cases/HANDCHECK.md, every payslip amount.
void expect_handcheck_row(const test::RunOutcome& run) {
  ASSERT_EQ(run.fate(0), Fate::kPaid) << run.reasons(0);
  EXPECT_EQ(run.payable_days(0), 28);
  EXPECT_EQ(run.amount(0, "basic"), 53600);
  EXPECT_EQ(run.amount(0, "npa"), 0);
  EXPECT_EQ(run.amount(0, "da"), 32428);
  EXPECT_EQ(run.amount(0, "hra"), 5360);
  EXPECT_EQ(run.amount(0, "ta"), 2889);
  EXPECT_EQ(run.amount(0, "cca"), 0);
  EXPECT_EQ(run.amount(0, "special_pay"), 0);
  EXPECT_EQ(run.amount(0, "gross"), 94277);
  EXPECT_EQ(run.amount(0, "gpf"), 0);
  EXPECT_EQ(run.amount(0, "nps"), 8603);
  EXPECT_EQ(run.amount(0, "income_tax"), 0);
  EXPECT_EQ(run.amount(0, "si"), 1075);
  EXPECT_EQ(run.amount(0, "rghs"), 440);
  EXPECT_EQ(run.amount(0, "pt"), 200);
  EXPECT_EQ(run.amount(0, "licence_fee"), 0);
  EXPECT_EQ(run.amount(0, "loan"), 0);
  EXPECT_EQ(run.amount(0, "total_deductions"), 10318);
  EXPECT_EQ(run.amount(0, "net"), 83959);
  EXPECT_EQ(run.amount(0, "employer_nps"), 12044);
}

// rules §4–§6: HANDCHECK.md, February 2026, L-7 cell 7, class Z, NPS.
TEST(EarningsRules4, HandcheckRowOnTheMiniProfile) {
  auto run = run_rows(mini_profile_json(), "2026-02", {Employee(1)});
  expect_handcheck_row(*run);
}

TEST(EarningsRules4, HandcheckRowOnTestStateProfile) {
  if (!test::have_conformance_kit())
    GTEST_SKIP() << "conformance kit absent: " << test::conformance_dir();
  const std::string profile =
      test::read_text(test::conformance_dir() + "/profiles/test-state.json");
  auto run = run_rows(profile, "2026-02", {Employee(1)});
  expect_handcheck_row(*run);
}

// rules §4 basic: suspended -> rnd(B x subsistence%); NPA none; DA on the reduced basic;
// HRA still on the full B. GPF is not deducted and its limits are not checked (§2 step 4).
TEST(EarningsRules4, SuspendedBasic) {
  // basic 26,800; da 26,800 x 60.5% = 16,214; hra 5,360; ta 2,889 -> gross 51,263.
  // Deductions: gpf 0, SI 1,075, RGHS 440, PT 200 -> 1,715; net 49,548.
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("status", "SUSPENDED").set("npa_eligible", "1").gpf(0)});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "basic"), 26800);
  EXPECT_EQ(run->amount(0, "npa"), 0);
  EXPECT_EQ(run->amount(0, "da"), 16214);
  EXPECT_EQ(run->amount(0, "hra"), 5360);
  EXPECT_EQ(run->amount(0, "ta"), 2889);
  EXPECT_EQ(run->amount(0, "gross"), 51263);
  EXPECT_EQ(run->amount(0, "gpf"), 0);
  EXPECT_EQ(run->amount(0, "total_deductions"), 1715);
  EXPECT_EQ(run->amount(0, "net"), 49548);
}

TEST(EarningsRules4, SuspendedBasicIsRounded) {
  // subsistence 33.33%: rnd(53,600 x 33.33% = 17,864.88) = 17,865; da rnd(10,808.325) = 10,808.
  const std::string profile = replace_once(mini_profile_json(), "\"subsistence_percent\": 50",
                                           "\"subsistence_percent\": 33.33");
  auto run = run_rows(profile, "2026-02", {Employee(1).set("status", "suspended")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "basic"), 17865);
  EXPECT_EQ(run->amount(0, "da"), 10808);
  EXPECT_EQ(run->amount(0, "hra"), 5360);
}

// rules §4 npa and da: DA on basic + NPA.
TEST(EarningsRules4, NpaAndDaOnBasicPlusNpa) {
  // Class X, NPA eligible: npa 10,720; da rnd(64,320 x 60.5% = 38,913.6) = 38,914;
  // hra 16,080 (30%); ta 3,600 + 2,178 = 5,778; gross 125,092. nps rnd(10,323.4) = 10,323,
  // employer rnd(14,452.76) = 14,453 (both on basic + npa + da = 103,234).
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("hra_class", "X").set("npa_eligible", "Y")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "npa"), 10720);
  EXPECT_EQ(run->amount(0, "da"), 38914);
  EXPECT_EQ(run->amount(0, "hra"), 16080);
  EXPECT_EQ(run->amount(0, "ta"), 5778);
  EXPECT_EQ(run->amount(0, "gross"), 125092);
  EXPECT_EQ(run->amount(0, "nps"), 10323);
  EXPECT_EQ(run->amount(0, "employer_nps"), 14453);
}

TEST(EarningsRules4, NpaCappedSoBasicPlusNpaStaysWithinTheMaximum) {
  // L-15 cell 6: B 211,300; 20% = 42,260 but B + npa <= 237,500 -> npa 26,200;
  // da rnd(237,500 x 60.5% = 143,687.5) = 143,688.
  // L-17: B 250,000 already above the maximum -> npa 0 (never below 0).
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("pay_level", "L-15")
                           .set("pay_cell", "6")
                           .set("basic_pay", "211300")
                           .set("npa_eligible", "1"),
                       Employee(2)
                           .set("pay_level", "L-17")
                           .set("pay_cell", "1")
                           .set("basic_pay", "250000")
                           .set("npa_eligible", "1")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "npa"), 26200);
  EXPECT_EQ(run->amount(0, "da"), 143688);
  ASSERT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->amount(1, "npa"), 0);
  EXPECT_EQ(run->amount(1, "da"), 151250);
  EXPECT_EQ(run->amount(1, "ta"), 0);  // no band holds L-17
  EXPECT_EQ(run->amount(1, "gross"), 250000 + 151250 + 25000);
}

TEST(EarningsRules4, NpaWithoutMaximum) {
  // max_basic_plus_npa is optional: without it npa is 20% of 211,300 = 42,260;
  // da rnd(253,560 x 60.5% = 153,403.8) = 153,404.
  const std::string profile =
      replace_once(mini_profile_json(), ", \"max_basic_plus_npa\": 237500", "");
  auto run = run_rows(profile, "2026-02",
                      {Employee(1)
                           .set("pay_level", "L-15")
                           .set("pay_cell", "6")
                           .set("basic_pay", "211300")
                           .set("npa_eligible", "TRUE")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "npa"), 42260);
  EXPECT_EQ(run->amount(0, "da"), 153404);
}

// rules §1 in force + §4 da: the DA of the month.
TEST(EarningsRules4, DaInForceForTheMonth) {
  const std::vector<std::pair<const char*, Money>> cases = {
      {"2024-06", 0},       // DA 0
      {"2025-05", 13400},   // DA 25
      {"2025-08", 26795},   // DA 49.99: 26,794.64
      {"2026-02", 32428}};  // DA 60.5
  for (const auto& [month, da] : cases) {
    auto run = run_rows(mini_profile_json(), month, {Employee(1)});
    ASSERT_EQ(run->fate(0), Fate::kPaid) << month << " " << run->reasons(0);
    EXPECT_EQ(run->amount(0, "da"), da) << month;
  }
}

// rules §4 hra: the tier with the greatest da_at_least <= DA, percent by class, on B.
TEST(EarningsRules4, HraTiers) {
  struct Case {
    const char* month;
    const char* cls;
    Money hra;
  };
  const Case cases[] = {{"2024-06", "X", 12864}, {"2024-06", "Y", 8576},
                        {"2024-06", "Z", 4288},  // DA 0: 24/16/8
                        {"2025-05", "X", 14472}, {"2025-05", "Y", 9648},
                        {"2025-05", "Z", 4824},                           // DA 25: tier 25
                        {"2025-08", "X", 14472}, {"2025-08", "Y", 9648},  // DA 49.99: tier 25
                        {"2026-02", "X", 16080}, {"2026-02", "Y", 10720},
                        {"2026-02", "Z", 5360}};  // DA 60.5: 30/20/10
  for (const Case& c : cases) {
    auto run = run_rows(mini_profile_json(), c.month, {Employee(1).set("hra_class", c.cls)});
    ASSERT_EQ(run->fate(0), Fate::kPaid) << c.month << c.cls << " " << run->reasons(0);
    EXPECT_EQ(run->amount(0, "hra"), c.hra) << c.month << " class " << c.cls;
  }
}

TEST(EarningsRules4, HraMinimumByClass) {
  // L-1 cell 1 (18,000): DA 0 -> 24/16/8% = 4,320/2,880/1,440, all below the minimums
  // 5,400/3,600/1,800. DA 60.5 -> 30/20/10% = exactly the minimums. L-1 cell 3 (19,100) at
  // DA 60.5 -> 5,730/3,820/1,910, above them.
  struct Case {
    const char* month;
    const char* cell;
    const char* basic;
    const char* cls;
    Money hra;
  };
  const Case cases[] = {{"2024-06", "1", "18000", "X", 5400}, {"2024-06", "1", "18000", "Y", 3600},
                        {"2024-06", "1", "18000", "Z", 1800}, {"2025-05", "1", "18000", "X", 5400},
                        {"2026-02", "1", "18000", "X", 5400}, {"2026-02", "1", "18000", "Y", 3600},
                        {"2026-02", "1", "18000", "Z", 1800}, {"2026-02", "3", "19100", "X", 5730},
                        {"2026-02", "3", "19100", "Y", 3820}, {"2026-02", "3", "19100", "Z", 1910}};
  for (const Case& c : cases) {
    auto run = run_rows(mini_profile_json(), c.month,
                        {Employee(1)
                             .set("pay_level", "L-1")
                             .set("pay_cell", c.cell)
                             .set("basic_pay", c.basic)
                             .set("hra_class", c.cls)});
    ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
    EXPECT_EQ(run->amount(0, "hra"), c.hra) << c.month << " " << c.basic << " " << c.cls;
  }
}

TEST(EarningsRules4, NoHraInGovernmentQuarters) {
  auto run = run_rows(mini_profile_json(), "2026-02", {Employee(1).set("govt_quarters", "1")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->amount(0, "hra"), 0);
  EXPECT_EQ(run->amount(0, "licence_fee"), 700);  // rules §5: L-7
  EXPECT_EQ(run->amount(0, "gross"), 94277 - 5360);
}

// rules §4 allowances: amount of the band holding the level, for the class, plus DA when
// da_applies; 0 when no band holds the level.
TEST(EarningsRules4, AllowancesWithAndWithoutDa) {
  // L-1: TA X 1,350 + rnd(816.75) = 2,167; Y and Z 900 + rnd(544.5) = 1,445.
  // CCA (no DA): X 400, Y 200, Z 0.
  struct Case {
    const char* cls;
    Money ta, cca;
  };
  for (const Case& c : {Case{"X", 2167, 400}, Case{"Y", 1445, 200}, Case{"Z", 1445, 0}}) {
    auto run = run_rows(mini_profile_json(), "2026-02",
                        {Employee(1)
                             .set("pay_level", "L-1")
                             .set("pay_cell", "1")
                             .set("basic_pay", "18000")
                             .set("hra_class", c.cls)});
    ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
    EXPECT_EQ(run->amount(0, "ta"), c.ta) << c.cls;
    EXPECT_EQ(run->amount(0, "cca"), c.cca) << c.cls;
  }
  // With DA 0 the TA is the bare band amount.
  auto zero_da = run_rows(mini_profile_json(), "2024-06",
                          {Employee(1)
                               .set("pay_level", "L-1")
                               .set("pay_cell", "1")
                               .set("basic_pay", "18000")
                               .set("hra_class", "X")});
  EXPECT_EQ(zero_da->amount(0, "ta"), 1350);
  EXPECT_EQ(zero_da->amount(0, "cca"), 400);
}

TEST(EarningsRules4, SpecialPayIsProrated) {
  // February 2026, joined on the 15th: P/D = 14/28. 2,000 -> 1,000; 999 -> rnd(499.5) = 500.
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("special_pay", "2000").set("date_of_joining", "2026-02-15"),
                       Employee(2).set("special_pay", "999").set("date_of_joining", "2026-02-15")});
  EXPECT_EQ(run->amount(0, "special_pay"), 1000);
  EXPECT_EQ(run->amount(1, "special_pay"), 500);
}

TEST(EarningsRules4, GrossIsTheSumOfPaidEarnings) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("hra_class", "X")
                           .set("npa_eligible", "1")
                           .set("special_pay", "777")
                           .set("lwp_days", "5")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  Money sum = 0;
  for (const char* c : {"basic", "npa", "da", "hra", "ta", "cca", "special_pay"}) {
    sum += run->amount(0, c);
  }
  EXPECT_EQ(run->amount(0, "gross"), sum);
  // P = 23 of 28: basic rnd(53,600 x 23/28 = 44,028.57) = 44,029; npa rnd(8,805.71) = 8,806;
  // special rnd(638.25) = 638.
  EXPECT_EQ(run->amount(0, "basic"), 44029);
  EXPECT_EQ(run->amount(0, "npa"), 8806);
  EXPECT_EQ(run->amount(0, "special_pay"), 638);
}

// rules §1 in force: the pay matrix of the month decides B.
TEST(EarningsRules4, PayMatrixInForce) {
  std::vector<Employee> rows = {Employee(1).set("pay_cell", "1").set("basic_pay", "44900")};
  auto december = run_rows(mini_profile_json(), "2026-12", rows);
  EXPECT_EQ(december->fate(0), Fate::kPaid) << december->reasons(0);
  auto january = run_rows(mini_profile_json(), "2027-01", rows);  // revised: cell 1 is 49,300
  EXPECT_EQ(january->reasons(0), "BASIC_PAY_MISMATCH");
  auto revised = run_rows(mini_profile_json(), "2027-01",
                          {Employee(1).set("pay_cell", "1").set("basic_pay", "49300")});
  ASSERT_EQ(revised->fate(0), Fate::kPaid) << revised->reasons(0);
  EXPECT_EQ(revised->amount(0, "basic"), 49300);
}

}  // namespace
}  // namespace vetan
