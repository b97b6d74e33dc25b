// rules §1 (months) and §3: retirement date, service window, payable days.
#include <gtest/gtest.h>

#include "core/common/civil_date.h"
#include "core/fate/fate.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::date_of;
using test::Employee;
using test::mini_profile_json;
using test::run_rows;

// rules §1: a month is YYYY-MM; D(M) is its number of days.
TEST(DatesRules1, ParseMonth) {
  Month m = 0;
  ASSERT_TRUE(parse_month("2026-02", &m));
  EXPECT_EQ(month_year(m), 2026);
  EXPECT_EQ(month_number(m), 2);
  EXPECT_EQ(format_month(m), "2026-02");
  EXPECT_FALSE(parse_month("2026-13", &m));
  EXPECT_FALSE(parse_month("2026-00", &m));
  EXPECT_FALSE(parse_month("2026-1", &m));
  EXPECT_FALSE(parse_month("2026/01", &m));
  EXPECT_FALSE(parse_month("26-01", &m));
  EXPECT_FALSE(parse_month("2026-01-01", &m));
  EXPECT_FALSE(parse_month("", &m));
}

TEST(DatesRules1, DaysInMonth) {
  EXPECT_EQ(days_in(test::month_of("2026-02")), 28);
  EXPECT_EQ(days_in(test::month_of("2028-02")), 29);
  EXPECT_EQ(days_in(test::month_of("2000-02")), 29);  // divisible by 400
  EXPECT_EQ(days_in(test::month_of("2100-02")), 28);  // divisible by 100 only
  EXPECT_EQ(days_in(test::month_of("2026-04")), 30);
  EXPECT_EQ(days_in(test::month_of("2026-12")), 31);
  EXPECT_EQ(last_day(test::month_of("2026-12")) - first_day(test::month_of("2026-12")), 30);
}

// rules §3: the examples in the text, at age 60.
TEST(DatesRules3, RetirementDateExamplesOfTheSpec) {
  EXPECT_EQ(retirement_date(date_of(1966, 11, 1), kNoDate, 60), date_of(2026, 10, 31));
  EXPECT_EQ(retirement_date(date_of(1966, 11, 15), kNoDate, 60), date_of(2026, 11, 30));
  EXPECT_EQ(retirement_date(date_of(1964, 2, 29), kNoDate, 60), date_of(2024, 2, 29));
}

TEST(DatesRules3, RetirementDateBornOnTheFirst) {
  // Reaches the age the day before: the last day of the previous month.
  EXPECT_EQ(retirement_date(date_of(1966, 1, 1), kNoDate, 60), date_of(2025, 12, 31));
  EXPECT_EQ(retirement_date(date_of(1966, 3, 1), kNoDate, 60), date_of(2026, 2, 28));
  EXPECT_EQ(retirement_date(date_of(1964, 3, 1), kNoDate, 60), date_of(2024, 2, 29));
  EXPECT_EQ(retirement_date(date_of(1966, 3, 2), kNoDate, 60), date_of(2026, 3, 31));
}

TEST(DatesRules3, RetirementDateBorn29February) {
  EXPECT_EQ(retirement_date(date_of(1968, 2, 29), kNoDate, 60), date_of(2028, 2, 29));
  // The age falls in a common year: still the end of February.
  EXPECT_EQ(retirement_date(date_of(1968, 2, 29), kNoDate, 58), date_of(2026, 2, 28));
}

TEST(DatesRules3, GivenRetirementDateWins) {
  EXPECT_EQ(retirement_date(date_of(1966, 11, 15), date_of(2024, 5, 17), 60), date_of(2024, 5, 17));
}

// rules §3: P = max(0, service_days - lwp_days) over the month's service window.
TEST(DatesRules3, PayableDaysWindow) {
  MonthRules april;
  april.first = date_of(2026, 4, 1);
  april.last = date_of(2026, 4, 30);
  const Date far = date_of(2040, 1, 31);
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), far, 0), 30);
  EXPECT_EQ(payable_days(april, date_of(2026, 4, 16), far, 0), 15);  // joined mid-month
  EXPECT_EQ(payable_days(april, date_of(2026, 4, 30), far, 0), 1);   // joined on the last day
  EXPECT_EQ(payable_days(april, date_of(2026, 5, 1), far, 0), 0);    // not joined yet
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), date_of(2026, 4, 10), 0), 10);
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), date_of(2026, 4, 1), 0), 1);
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), date_of(2026, 3, 31), 0), 0);
  EXPECT_EQ(payable_days(april, date_of(2026, 4, 5), date_of(2026, 4, 20), 2), 14);  // 16 - 2
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), far, 3), 27);
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), far, 30), 0);
  EXPECT_EQ(payable_days(april, date_of(2010, 4, 1), far, 31), 0);  // never below 0
  EXPECT_EQ(payable_days(april, date_of(2026, 4, 20), date_of(2026, 4, 10), 0), 0);  // empty
}

// rules §3 through the whole run (the HANDCHECK employee, L-7 cell 7).
TEST(DatesRules3, BornOnTheFirstRetiresAtTheEndOfThePreviousMonth) {
  // Born 1966-11-01: retires 2026-10-31, so October is paid in full and November is not.
  std::vector<Employee> rows = {Employee(1).set("date_of_birth", "1966-11-01")};
  auto october = run_rows(mini_profile_json(), "2026-10", rows);
  EXPECT_EQ(october->fate(0), Fate::kPaid);
  EXPECT_EQ(october->payable_days(0), 31);
  auto november = run_rows(mini_profile_json(), "2026-11", rows);
  EXPECT_EQ(november->fate(0), Fate::kMismatch);
  EXPECT_EQ(november->reasons(0), "RETIRED_BEFORE_MONTH");
  // Born 1966-11-15: November is paid in full.
  auto later =
      run_rows(mini_profile_json(), "2026-11", {Employee(1).set("date_of_birth", "1966-11-15")});
  EXPECT_EQ(later->fate(0), Fate::kPaid);
  EXPECT_EQ(later->payable_days(0), 30);
}

TEST(DatesRules3, Born29FebruaryRetiresOn29February) {
  // Age 60 on 2028-02-29; February 2028 has 29 days, all payable (matrix of 2027-01: 58,900).
  std::vector<Employee> rows = {
      Employee(1).set("date_of_birth", "1968-02-29").set("basic_pay", "58900")};
  auto february = run_rows(mini_profile_json(), "2028-02", rows);
  EXPECT_EQ(february->fate(0), Fate::kPaid) << february->reasons(0);
  EXPECT_EQ(february->payable_days(0), 29);
  EXPECT_EQ(february->amount(0, "basic"), 58900);
  auto march = run_rows(mini_profile_json(), "2028-03", rows);
  EXPECT_EQ(march->reasons(0), "RETIRED_BEFORE_MONTH");
}

TEST(DatesRules3, JoiningMidMonthProratesEveryEarning) {
  // February 2026 (D = 28), joined on the 15th: P = 14. L-7 cell 1 (44,900), class Z, NPS.
  // Full month: basic 44,900; da rnd(27,164.5) = 27,165; hra 4,490; ta 1,800 + 1,089 = 2,889.
  // Paid: 22,450; rnd(13,582.5) = 13,583 (from the rounded full da); 2,245; rnd(1,444.5) =
  // 1,445. gross 39,723. nps rnd(3,603.3) = 3,603; SI 1,075 and RGHS 440 not prorated; PT
  // 200 (gross > 25,000). total 5,318, net 34,405; employer rnd(5,044.62) = 5,045.
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("pay_cell", "1")
                           .set("basic_pay", "44900")
                           .set("date_of_joining", "2026-02-15")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->payable_days(0), 14);
  EXPECT_EQ(run->amount(0, "basic"), 22450);
  EXPECT_EQ(run->amount(0, "da"), 13583);
  EXPECT_EQ(run->amount(0, "hra"), 2245);
  EXPECT_EQ(run->amount(0, "ta"), 1445);
  EXPECT_EQ(run->amount(0, "gross"), 39723);
  EXPECT_EQ(run->amount(0, "nps"), 3603);
  EXPECT_EQ(run->amount(0, "si"), 1075);
  EXPECT_EQ(run->amount(0, "rghs"), 440);
  EXPECT_EQ(run->amount(0, "pt"), 200);
  EXPECT_EQ(run->amount(0, "total_deductions"), 5318);
  EXPECT_EQ(run->amount(0, "net"), 34405);
  EXPECT_EQ(run->amount(0, "employer_nps"), 5045);
}

TEST(DatesRules3, LeaveWithoutPayReducesPayableDays) {
  // April 2026 (D = 30), LWP 3: P = 27. basic 53,600 x 27/30 = 48,240; da 32,428 x 0.9 =
  // 29,185.2; hra 4,824; ta 2,889 x 0.9 = 2,600.1. gross 84,849.
  auto run = run_rows(mini_profile_json(), "2026-04", {Employee(1).set("lwp_days", "3")});
  ASSERT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->payable_days(0), 27);
  EXPECT_EQ(run->amount(0, "basic"), 48240);
  EXPECT_EQ(run->amount(0, "da"), 29185);
  EXPECT_EQ(run->amount(0, "hra"), 4824);
  EXPECT_EQ(run->amount(0, "ta"), 2600);
  EXPECT_EQ(run->amount(0, "gross"), 84849);
}

TEST(DatesRules3, RetirementWithinTheMonth) {
  // Retires 2026-04-10: P = 10; basic rnd(53,600 x 10 / 30 = 17,866.67) = 17,867.
  auto run = run_rows(
      mini_profile_json(), "2026-04",
      {Employee(1).set("date_of_retirement", "2026-04-10"),
       Employee(2).set("date_of_retirement", "2026-04-01"),
       Employee(3).set("date_of_retirement", "2026-03-31"),
       Employee(4)
           .set("date_of_joining", "2026-04-05")
           .set("date_of_retirement", "2026-04-20")
           .set("lwp_days", "2"),
       // Given retirement date wins over the one derived from birth.
       Employee(5).set("date_of_birth", "1950-01-15").set("date_of_retirement", "2030-01-31")});
  EXPECT_EQ(run->payable_days(0), 10);
  EXPECT_EQ(run->amount(0, "basic"), 17867);
  EXPECT_EQ(run->fate(1), Fate::kPaid);  // retiring on the 1st: one day, not "before"
  EXPECT_EQ(run->payable_days(1), 1);
  EXPECT_EQ(run->reasons(2), "RETIRED_BEFORE_MONTH");
  EXPECT_EQ(run->payable_days(3), 14);
  EXPECT_EQ(run->fate(4), Fate::kPaid);
  EXPECT_EQ(run->payable_days(4), 30);
}

TEST(DatesRules3, NoPayableDaysIsAMismatch) {
  auto run = run_rows(mini_profile_json(), "2026-04",
                      {Employee(1).set("lwp_days", "30"), Employee(2).set("lwp_days", "31"),
                       Employee(3).set("date_of_joining", "2026-04-21").set("lwp_days", "10"),
                       Employee(4).set("date_of_joining", "2026-04-30"),
                       Employee(5).set("date_of_joining", "2026-05-01")});
  EXPECT_EQ(run->reasons(0), "ZERO_PAYABLE_DAYS");
  EXPECT_EQ(run->reasons(1), "ZERO_PAYABLE_DAYS");
  EXPECT_EQ(run->reasons(2), "ZERO_PAYABLE_DAYS");
  EXPECT_EQ(run->fate(3), Fate::kPaid);
  EXPECT_EQ(run->payable_days(3), 1);
  EXPECT_EQ(run->reasons(4), "NOT_JOINED_YET");
}

}  // namespace
}  // namespace vetan
