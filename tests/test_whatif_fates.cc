// whatif.md "vetan whatif" and docs/outputs.md "fates.csv": per month of a horizon, the
// rows of each fate (rules §2) and the mismatched rows by reason, in the baseline run and in
// the scenario's — each equal to the monthly run on the master as of that month, which is
// what they are defined by.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/run/month_run.h"
#include "core/whatif/scenario.h"
#include "core/whatif/whatif.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::mini_profile_json;
using test::month_of;

class WhatIfFates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    run_ = test::run_csv(mini_profile_json(), "2026-03",
                         test::synthetic_master(4000, 23, "2026-03", 0.05).csv())
               .release();
    ASSERT_TRUE(run_->ok());
  }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
  }
  static std::vector<WhatIfResult> evaluate(const std::string& json,
                                            std::vector<Scenario>* scenarios) {
    const Status parsed =
        parse_scenarios(json, mini_profile_json(), month_of("2026-03"), scenarios);
    EXPECT_TRUE(parsed.ok()) << parsed.message();
    std::vector<WhatIfResult> results;
    const Status status = run_whatif(run_->table, run_->index, run_->profile, month_of("2026-03"),
                                     *scenarios, &results);
    EXPECT_TRUE(status.ok()) << status.message();
    return results;
  }
  // Expects `counts` to be the fates and reasons of `profile`'s run of `month` on the master
  // as of that month.
  static void expect_run(const FateCounts& counts, const Profile& profile, Month month,
                         bool increments, const std::string& label) {
    MonthResult result;
    ASSERT_TRUE(run_month(run_->table, run_->index, profile, month, &result,
                          projection_for(month_of("2026-03"), month, increments))
                    .ok());
    const RunSummary& s = result.summary;
    EXPECT_EQ(counts.paid, s.paid) << label;
    EXPECT_EQ(counts.stopped, s.stopped) << label;
    EXPECT_EQ(counts.mismatched, s.mismatched) << label;
    for (int i = 0; i < kReasonCount; ++i) {
      EXPECT_EQ(counts.reasons[size_t(i)], s.reasons[size_t(i)]) << label << " " << kReasonCodes[i];
    }
  }
  static test::RunOutcome* run_;
};
test::RunOutcome* WhatIfFates::run_ = nullptr;

TEST_F(WhatIfFates, EachMonthCountsWhatTheMonthlyRunDecides) {
  // Two scenarios of different increments, one of which stops paying every computed row: a
  // deduction beyond any gross makes net negative (rules §2 step 4, NEGATIVE_NET).
  std::vector<Scenario> s;
  const auto r = evaluate(
      R"([{"schema": "vetan.scenario/1", "name": "DA", "from": "2026-03", "to": "2026-08",
           "group_by": ["department"], "increments": true,
           "changes": [{"da": {"from": "2026-07", "percent": 64}}]},
          {"schema": "vetan.scenario/1", "name": "levy", "from": "2026-05", "to": "2026-06",
           "group_by": [], "changes": [{"deductions": [{"code": "LEVY",
              "by_gross": [{"up_to": null, "amount": 900000000}]}]}]}])",
      &s);
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[0].fates.size(), 6u);
  ASSERT_EQ(r[1].fates.size(), 2u);
  for (size_t k = 0; k < r.size(); ++k) {
    for (const MonthFates& f : r[k].fates) {
      const std::string label = s[k].name + " " + format_month(f.month);
      expect_run(f.baseline, run_->profile, f.month, s[k].increments, label + " baseline");
      expect_run(f.scenario, s[k].profile, f.month, s[k].increments, label + " scenario");
      // Every row has one fate in each run (rules §8), and the PAID rows are cost.csv's.
      EXPECT_EQ(f.baseline.paid + f.baseline.stopped + f.baseline.mismatched,
                int64_t(run_->table.rows));
      EXPECT_EQ(f.scenario.paid + f.scenario.stopped + f.scenario.mismatched,
                int64_t(run_->table.rows));
      int64_t baseline_paid = 0, scenario_paid = 0;
      for (const CostLine& line : r[k].lines) {
        if (line.month != f.month) continue;
        baseline_paid += line.amounts[kBaselineEmployees];
        scenario_paid += line.amounts[kScenarioEmployees];
      }
      EXPECT_EQ(f.baseline.paid, baseline_paid) << label;
      EXPECT_EQ(f.scenario.paid, scenario_paid) << label;
    }
  }
  // The levy: no one is paid; every row the baseline paid is mismatched, NEGATIVE_NET (with
  // the rows mismatched in step 4 already, e.g. GPF_BELOW_MINIMUM, which now carry it too).
  for (const MonthFates& f : r[1].fates) {
    EXPECT_GT(f.baseline.paid, 0);
    EXPECT_EQ(f.scenario.paid, 0);
    EXPECT_EQ(f.scenario.stopped, f.baseline.stopped);
    EXPECT_EQ(f.scenario.mismatched, f.baseline.mismatched + f.baseline.paid);
    EXPECT_GE(f.scenario.reasons[17], f.baseline.reasons[17] + f.baseline.paid);
  }
  EXPECT_STREQ(kReasonCodes[17], "NEGATIVE_NET");
}

}  // namespace
}  // namespace vetan
