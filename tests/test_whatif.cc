// whatif.md: scenarios (changes applied to the profile), the projection of the master to a
// later month, the cost table and arrears — checked against the monthly run they are
// defined by.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <string>
#include <vector>

#include "core/run/month_run.h"
#include "core/whatif/arrears.h"
#include "core/whatif/scenario.h"
#include "core/whatif/whatif.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::month_of;

std::string scenario_json(std::string_view changes, std::string_view extra = "") {
  return std::string(R"({"schema": "vetan.scenario/1", "name": "s", "from": "2026-03",)") +
         R"( "to": "2026-04", "group_by": [])" + std::string(extra) + R"(, "changes": )" +
         std::string(changes) + "}";
}

Status parse(std::string_view json, std::vector<Scenario>* out,
             std::string_view as_of = "2026-03") {
  return parse_scenarios(json, mini_profile_json(), month_of(as_of), out);
}

Scenario parse_one(std::string_view changes, std::string_view extra = "") {
  std::vector<Scenario> s;
  const Status status = parse(scenario_json(changes, extra), &s);
  EXPECT_TRUE(status.ok()) << status.message();
  return s.empty() ? Scenario() : s[0];
}

const std::vector<Money>& cells(const Profile& p, Month from, const std::string& level) {
  for (const PayMatrix& m : p.pay_matrix) {
    if (m.from != from) continue;
    for (size_t l = 0; l < m.levels.size(); ++l) {
      if (m.levels[l] == level) return m.cells[l];
    }
  }
  ADD_FAILURE() << "no level " << level;
  static const std::vector<Money> kNone;
  return kNone;
}

// ---------------------------------------------------------------- changes

TEST(Scenario, DaEntryIsAddedInOrderOrReplacesTheSameFrom) {
  Scenario s = parse_one(R"([{"da": {"from": "2025-10", "percent": 55}},
                             {"da": {"from": "2026-01", "percent": 64.25}}])");
  ASSERT_EQ(s.profile.da.size(), 5u);
  EXPECT_EQ(s.profile.da[3].from, month_of("2025-10"));
  EXPECT_EQ(s.profile.da[3].percent, 5500);
  EXPECT_EQ(s.profile.da[4].from, month_of("2026-01"));
  EXPECT_EQ(s.profile.da[4].percent, 6425);
}

TEST(Scenario, FitmentRevisesTheMatrixInForceBeforeExactlyRoundingHalfUp) {
  // From 2026-07 the version in force before is 2016-01. L-1 cell 1: 18000 * 1.0025 = 18045,
  // half up to a multiple of 10: 18050; cell 2: 18500 * 1.0025 = 18546.25 -> 18550.
  Scenario s = parse_one(
      R"([{"pay_matrix_revision": {"from": "2026-07", "fitment_factor": 1.0025, "round_to": 10}}])");
  ASSERT_EQ(s.profile.pay_matrix.size(), 3u);
  EXPECT_EQ(cells(s.profile, month_of("2026-07"), "L-1"),
            (std::vector<Money>{18050, 18550, 19150}));
  // 250000 * 2.57 = 642500 with round_to 1000 -> 643000 (half up).
  s = parse_one(
      R"([{"pay_matrix_revision": {"from": "2027-02", "fitment_factor": 2.57, "round_to": 1000}}])");
  // The version before 2027-02 is 2027-01, which has no L-17: the revision keeps its levels.
  EXPECT_EQ(cells(s.profile, month_of("2027-02"), "L-1"),
            (std::vector<Money>{51000, 52000, 54000}));
  s = parse_one(
      R"([{"pay_matrix_revision": {"from": "2026-07", "fitment_factor": 2.57, "round_to": 1000}}])");
  EXPECT_EQ(cells(s.profile, month_of("2026-07"), "L-17"), (std::vector<Money>{643000}));
  // An integer factor, and the same from again replaces the version.
  s = parse_one(
      R"([{"pay_matrix_revision": {"from": "2027-01", "fitment_factor": 2, "round_to": 1}}])");
  ASSERT_EQ(s.profile.pay_matrix.size(), 2u);
  EXPECT_EQ(cells(s.profile, month_of("2027-01"), "L-1"),
            (std::vector<Money>{36000, 37000, 38200}));
}

TEST(Scenario, OtherKeysReplaceTheWholeKey) {
  Scenario s = parse_one(R"([{"nps": {"employee_percent": 10, "employer_percent": 18.5}},
                             {"gpf": {"minimum_percent_of_basic": 6}}])");
  EXPECT_EQ(s.profile.nps_employer_percent, 1850);
  EXPECT_NE(s.profile.gpf_minimum_rule, GpfMinimumRule::kByLevel);
  EXPECT_EQ(s.profile.gpf_minimum_percent, 600);
  s = parse_one("[]", R"(, "increments": true)");
  EXPECT_TRUE(s.increments);
  EXPECT_EQ(s.profile.da.size(), test::parse_valid_profile(mini_profile_json()).da.size());
}

TEST(Scenario, RefusesWithTheKeyAndTheProblem) {
  struct Case {
    std::string json, names;
  };
  const std::vector<Case> cases = {
      {scenario_json(R"([{"bonus": {}}])"), "changes[0]: unknown change 'bonus'"},
      {scenario_json(R"([{"da": {"from": "2026-01"}}])"), "missing key 'changes[0].da.percent'"},
      {scenario_json(R"([{"da": {"from": "2026-13", "percent": 5}}])"),
       "changes[0].da.from must be YYYY-MM"},
      {scenario_json(
           R"([{"pay_matrix_revision": {"from": "2026-07", "fitment_factor": 1.00001, "round_to": 10}}])"),
       "fitment_factor must be positive with at most 4 decimal places"},
      {scenario_json(
           R"([{"pay_matrix_revision": {"from": "2026-07", "fitment_factor": -2, "round_to": 10}}])"),
       "fitment_factor must be positive"},
      {scenario_json(
           R"([{"pay_matrix_revision": {"from": "2026-07", "fitment_factor": 2, "round_to": 0}}])"),
       "round_to must be an integer >= 1"},
      {scenario_json(
           R"([{"pay_matrix_revision": {"from": "2015-01", "fitment_factor": 2, "round_to": 1}}])"),
       "no pay matrix in force before 2015-01"},
      {scenario_json(R"([{"hra": {"tiers": []}}])"),
       "not valid: profile: missing key 'hra.minimum'"},
      {scenario_json(R"([{"da": {"from": "2026-01", "percent": 5}, "npa": {}}])"),
       "must be an object with one key"},
      {scenario_json("{}"), "changes must be a list"},
      {scenario_json("[]", R"(, "increments": 1)"), "increments must be true or false"},
      {scenario_json("[]", R"(, "colour": 1)"), "unknown key 'scenario.colour'"},
      {R"({"schema": "vetan.scenario/2"})", "missing key"},
      {"[]", "the list of scenarios is empty"},
      {"{", "not valid JSON"},
      {R"({"schema": "vetan.scenario/1", "name": "s", "from": "2026-02", "to": "2026-04", "group_by": [], "changes": []})",
       "need as-of (2026-03) <= from <= to"},
      {R"({"schema": "vetan.scenario/1", "name": "s", "from": "2026-03", "to": "2026-04", "group_by": ["grade"], "changes": []})",
       "group_by must list some of"},
      {std::string("[")
           .append(scenario_json("[]"))
           .append(",")
           .append(scenario_json(R"([{"npa": 1}])"))
           .append("]"),
       "scenario[1]: the changes give a profile that is not valid: profile: npa must be an object"},
  };
  for (const Case& c : cases) {
    std::vector<Scenario> s;
    const Status status = parse(c.json, &s);
    EXPECT_FALSE(status.ok()) << c.json;
    EXPECT_NE(status.message().find(c.names), std::string::npos)
        << "message: " << status.message() << "\nexpected to hold: " << c.names;
  }
}

TEST(Scenario, ProjectionCountsTheJulysAfterTheMastersMonth) {
  const Projection same = projection_for(month_of("2026-03"), month_of("2026-03"), true);
  EXPECT_TRUE(same.active);
  EXPECT_FALSE(same.zero_lwp);
  EXPECT_EQ(same.steps, 0);
  const Projection later = projection_for(month_of("2026-03"), month_of("2027-08"), true);
  EXPECT_TRUE(later.zero_lwp);
  EXPECT_EQ(later.steps, 2);
  EXPECT_EQ(projection_for(month_of("2026-07"), month_of("2027-06"), true).steps, 0);
  EXPECT_EQ(projection_for(month_of("2026-03"), month_of("2027-08"), false).steps, 0);
}

// ---------------------------------------------------------------- the projection in a run

TEST(Projection, RaisesTheCellOnJulyAndRefixesBasicFromTheMatrix) {
  std::vector<Employee> rows;
  rows.push_back(Employee(1));  // L-7 cell 7 of 7: stays at the last cell
  rows.push_back(Employee(2).set("pay_cell", "5").set("basic_pay", "50500").set("lwp_days", "3"));
  rows.push_back(Employee(3).set("basic_pay", "53000"));  // BASIC_PAY_MISMATCH in the master
  rows.push_back(Employee(4).set("pay_cell", "9"));       // INVALID_PAY_CELL stays
  auto run = test::run_rows(mini_profile_json(), "2026-03", rows);
  ASSERT_TRUE(run->ok());
  MonthResult r;
  ASSERT_TRUE(run_month(run->table, run->index, run->profile, month_of("2026-08"), &r,
                        projection_for(month_of("2026-03"), month_of("2026-08"), true))
                  .ok());
  EXPECT_EQ(r.fate_of(0), Fate::kPaid);
  EXPECT_EQ(r.amount(PayslipLayout::kBasic, 0), 53600);
  EXPECT_EQ(r.amount(PayslipLayout::kBasic, 1), 52000);  // cell 6 after one July
  EXPECT_EQ(r.payable_days[1], 31);                      // lwp_days is 0 after the master's month
  EXPECT_EQ(r.fate_of(2), Fate::kPaid);                  // basic re-fixed from the matrix
  EXPECT_EQ(r.fate_of(3), Fate::kMismatch);
  EXPECT_EQ(r.reasons[3], uint32_t(kInvalidPayCell));
  // In the master's own month the projection keeps lwp_days.
  ASSERT_TRUE(run_month(run->table, run->index, run->profile, month_of("2026-03"), &r,
                        projection_for(month_of("2026-03"), month_of("2026-03"), true))
                  .ok());
  EXPECT_EQ(r.payable_days[1], 28);
}

TEST(Projection, IncomeTaxStillDecidesNegativeNetWhenOnlyFatesAreNeeded) {
  // March (R = 1): a large income so far with no TDS yet makes the month's TDS exceed gross.
  std::vector<Employee> rows;
  rows.push_back(Employee(1));
  rows.push_back(Employee(2).set("fy_gross_to_date", "9000000"));
  rows.push_back(Employee(3).set("income_tax_declared", "200000"));
  rows.push_back(Employee(4).set("fy_gross_to_date", "9000000").set("fy_tds_to_date", "2600000"));
  auto run = test::run_rows(mini_profile_json(), "2026-03", rows);
  ASSERT_TRUE(run->ok());
  EXPECT_EQ(run->reasons(1), "NEGATIVE_NET");
  EXPECT_EQ(run->reasons(2), "NEGATIVE_NET");
  EXPECT_EQ(run->fate(3), Fate::kPaid);
  std::vector<Scenario> s;
  ASSERT_TRUE(parse(scenario_json("[]"), &s).ok());
  s[0].to = s[0].from;
  std::vector<WhatIfResult> r;
  ASSERT_TRUE(run_whatif(run->table, run->index, run->profile, month_of("2026-03"), s, &r).ok());
  ASSERT_EQ(r[0].lines.size(), 1u);
  EXPECT_EQ(r[0].lines[0].amounts[kBaselineEmployees], 2);
  EXPECT_EQ(r[0].lines[0].amounts[kBaselineGross], run->result.summary.gross);
}

TEST(Projection, AScenarioThatChangesTheMatrixShapeStartsItsMonthsAfresh) {
  // The mini profile's 2027-01 matrix has no L-17; a revision from 2027-01 replaces it with
  // the 2016 matrix scaled, which has: an L-17 row is then paid in the scenario only.
  std::vector<Employee> rows;
  rows.push_back(Employee(1));
  rows.push_back(
      Employee(2).set("pay_level", "L-17").set("pay_cell", "1").set("basic_pay", "250000"));
  auto run = test::run_rows(mini_profile_json(), "2026-12", rows);
  ASSERT_TRUE(run->ok());
  std::vector<Scenario> s;
  const Status parsed = parse_scenarios(
      R"({"schema": "vetan.scenario/1", "name": "s", "from": "2026-12", "to": "2027-01",
          "group_by": ["pay_level"], "changes": [{"pay_matrix_revision":
          {"from": "2027-01", "fitment_factor": 1.1, "round_to": 100}}]})",
      mini_profile_json(), month_of("2026-12"), &s);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  std::vector<WhatIfResult> r;
  ASSERT_TRUE(run_whatif(run->table, run->index, run->profile, month_of("2026-12"), s, &r).ok());
  ASSERT_EQ(r[0].group_labels.size(), 2u);  // L-17, L-7 in byte order
  EXPECT_EQ(r[0].group_labels[0], std::vector<std::string>{"L-17"});
  // Each month has a line per level; in 2027-01 the L-17 row is paid in the scenario only.
  ASSERT_EQ(r[0].lines.size(), 4u);
  EXPECT_EQ(r[0].lines[0].amounts[kBaselineEmployees], 1);
  const CostLine& l17 = r[0].lines[2];
  EXPECT_EQ(l17.month, month_of("2027-01"));
  EXPECT_EQ(l17.group, 0u);
  EXPECT_EQ(l17.amounts[kBaselineEmployees], 0);
  EXPECT_EQ(l17.amounts[kScenarioEmployees], 1);
  MonthResult scen;
  ASSERT_TRUE(run_month(run->table, run->index, s[0].profile, month_of("2027-01"), &scen,
                        projection_for(month_of("2026-12"), month_of("2027-01"), false))
                  .ok());
  EXPECT_EQ(l17.amounts[kScenarioGross], scen.amount(scen.layout.gross, 1));
  EXPECT_EQ(scen.amount(PayslipLayout::kBasic, 1), 275000);
}

// ---------------------------------------------------------------- whatif and arrears

class WhatIf : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    run_ = test::run_csv(mini_profile_json(), "2026-03",
                         test::synthetic_master(6000, 17, "2026-03", 0.04).csv())
               .release();
    ASSERT_TRUE(run_->ok());
  }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
  }
  static std::vector<Scenario> scenarios(const std::string& json) {
    std::vector<Scenario> s;
    const Status status = parse(json, &s);
    EXPECT_TRUE(status.ok()) << status.message();
    return s;
  }
  static std::vector<WhatIfResult> evaluate(const std::vector<Scenario>& s) {
    std::vector<WhatIfResult> results;
    const Status status =
        run_whatif(run_->table, run_->index, run_->profile, month_of("2026-03"), s, &results);
    EXPECT_TRUE(status.ok()) << status.message();
    return results;
  }
  static test::RunOutcome* run_;
};
test::RunOutcome* WhatIf::run_ = nullptr;

const char kDaAndFitment[] =
    R"({"schema": "vetan.scenario/1", "name": "DA and fitment", "from": "2026-05", "to": "2027-02",
        "group_by": ["pay_level", "fund_type"], "increments": true,
        "changes": [{"da": {"from": "2026-07", "percent": 64}},
                    {"pay_matrix_revision": {"from": "2027-01", "fitment_factor": 1.15, "round_to": 100}}]})";

TEST_F(WhatIf, NoChangesGiveZeroDeltasEverywhere) {
  const auto s = scenarios(R"({"schema": "vetan.scenario/1", "name": "none", "from": "2026-03",
      "to": "2026-09", "group_by": ["department"], "increments": true, "changes": []})");
  const auto r = evaluate(s);
  ASSERT_FALSE(r[0].lines.empty());
  for (const CostLine& line : r[0].lines) {
    EXPECT_EQ(line.amounts[kDeltaCost], 0);
    EXPECT_EQ(line.amounts[kBaselineGross], line.amounts[kScenarioGross]);
    EXPECT_EQ(line.amounts[kBaselineEmployees], line.amounts[kScenarioEmployees]);
  }
  EXPECT_GT(r[0].totals[kBaselineGross], 0);
  EXPECT_EQ(r[0].last_month.gain + r[0].last_month.lose, 0);
  EXPECT_EQ(r[0].last_month.level, r[0].last_month.employees);
}

TEST_F(WhatIf, BaselineAndScenarioEqualTheMonthlyRunOnTheProjectedMaster) {
  const auto s = scenarios(kDaAndFitment);
  const auto r = evaluate(s);
  for (Month m = s[0].from; m <= s[0].to; ++m) {
    CostAmounts sum{};
    for (const CostLine& line : r[0].lines) {
      if (line.month != m) continue;
      for (size_t c = 0; c < sum.size(); ++c) sum[c] += line.amounts[c];
    }
    const Projection projection = projection_for(month_of("2026-03"), m, true);
    MonthResult base, scen;
    ASSERT_TRUE(run_month(run_->table, run_->index, run_->profile, m, &base, projection).ok());
    ASSERT_TRUE(run_month(run_->table, run_->index, s[0].profile, m, &scen, projection).ok());
    EXPECT_EQ(sum[kBaselineEmployees], base.summary.paid) << format_month(m);
    EXPECT_EQ(sum[kBaselineGross], base.summary.gross) << format_month(m);
    EXPECT_EQ(sum[kBaselineEmployerNps], base.summary.employer_nps) << format_month(m);
    EXPECT_EQ(sum[kScenarioEmployees], scen.summary.paid) << format_month(m);
    EXPECT_EQ(sum[kScenarioGross], scen.summary.gross) << format_month(m);
    EXPECT_EQ(sum[kScenarioEmployerNps], scen.summary.employer_nps) << format_month(m);
    EXPECT_EQ(sum[kDeltaCost], scen.summary.gross + scen.summary.employer_nps - base.summary.gross -
                                   base.summary.employer_nps);
    if (m >= month_of("2026-07")) {
      EXPECT_GT(sum[kDeltaCost], 0) << format_month(m);
    }
  }
  const GrossChange& g = r[0].last_month;
  EXPECT_GT(g.gain, 0);
  EXPECT_EQ(g.gain + g.lose + g.level, g.employees);
  EXPECT_LE(g.p10, g.p50);
  EXPECT_LE(g.p50, g.p90);
}

TEST_F(WhatIf, ManyScenariosAtOnceEqualOneAtATimeWhateverTheThreads) {
  const std::string list = std::string("[") + kDaAndFitment + "," +
                           R"({"schema": "vetan.scenario/1", "name": "NPS 18", "from": "2026-03",
                               "to": "2026-06", "group_by": [], "changes":
                               [{"nps": {"employee_percent": 10, "employer_percent": 18}}]}])";
  const auto s = scenarios(list);
  ASSERT_EQ(s.size(), 2u);
  const auto together = evaluate(s);
  for (size_t i = 0; i < s.size(); ++i) {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    const auto alone = evaluate({s[i]});
    ASSERT_EQ(alone[0].lines.size(), together[i].lines.size());
    for (size_t l = 0; l < alone[0].lines.size(); ++l) {
      EXPECT_EQ(alone[0].lines[l].month, together[i].lines[l].month);
      EXPECT_EQ(alone[0].lines[l].amounts, together[i].lines[l].amounts);
    }
    EXPECT_EQ(alone[0].group_labels, together[i].group_labels);
  }
  EXPECT_EQ(together[1].lines.size(), 4u);  // one group, four months
  EXPECT_GT(together[1].totals[kDeltaCost], 0);
}

TEST_F(WhatIf, ArrearsAreTheDifferenceOfTwoRuns) {
  const auto s = scenarios(kDaAndFitment);
  const Profile& due = s[0].profile;
  ArrearsResult a;
  ASSERT_TRUE(run_arrears(run_->table, run_->index, run_->profile, due, month_of("2026-06"),
                          month_of("2026-08"), &a)
                  .ok());
  ASSERT_EQ(a.months.size(), 3u);
  const size_t gross = a.columns.size() - 2;
  EXPECT_EQ(a.columns[gross], "gross");
  int64_t paid_in_both = 0, bill_employees = 0;
  Money delta_gross = 0, bill_gross = 0;
  for (size_t i = 0; i < a.months.size(); ++i) {
    const Month m = a.months[i].month;
    const Projection projection = projection_for(month_of("2026-06"), m, false);
    MonthResult drawn, owed;
    ASSERT_TRUE(run_month(run_->table, run_->index, run_->profile, m, &drawn, projection).ok());
    ASSERT_TRUE(run_month(run_->table, run_->index, due, m, &owed, projection).ok());
    for (size_t r = 0; r < run_->table.rows; ++r) {
      EXPECT_EQ(a.months[i].drawn_fate[r], drawn.fate[r]);
      EXPECT_EQ(a.months[i].due_fate[r], owed.fate[r]);
      if (!a.months[i].paid_in_both(r)) continue;
      ++paid_in_both;
      const PayslipRow d = a.deltas(i, r);
      EXPECT_EQ(d[PayslipLayout::kDa],
                owed.amount(PayslipLayout::kDa, r) - drawn.amount(PayslipLayout::kDa, r));
      EXPECT_EQ(d[gross], owed.amount(owed.layout.gross, r) - drawn.amount(drawn.layout.gross, r));
      delta_gross += d[gross];
    }
  }
  for (const ArrearBill& b : a.bills) {
    bill_employees += b.employees;
    bill_gross += b.amounts[gross];
  }
  EXPECT_GT(paid_in_both, 0);
  EXPECT_GT(delta_gross, 0);  // DA 64% from July
  EXPECT_EQ(bill_employees, paid_in_both);
  EXPECT_EQ(bill_gross, delta_gross);
}

TEST_F(WhatIf, ArrearsRefuseProfilesWithDifferentAllowances) {
  Profile due = run_->profile;
  due.allowances.pop_back();
  ArrearsResult a;
  const Status s = run_arrears(run_->table, run_->index, run_->profile, due, month_of("2026-03"),
                               month_of("2026-03"), &a);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "the two profiles must have the same allowances");
}

}  // namespace
}  // namespace vetan
