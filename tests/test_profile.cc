// profile.md: strict parsing and validation (every malformed profile refused with a
// message naming the key), exact percentages, and rules §1 "in force".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>

#include "core/profile/month_rules.h"
#include "core/run/month_run.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::mini_profile_json;
using test::profile_status;
using test::replace_once;
using ::testing::HasSubstr;

TEST(ProfileFormat, ValidProfilesParse) {
  const Profile p = test::parse_valid_profile(mini_profile_json());
  EXPECT_EQ(p.name, "mini");
  EXPECT_EQ(p.retirement_age, 60);
  EXPECT_EQ(p.subsistence_percent, 5000);
  ASSERT_EQ(p.pay_matrix.size(), 2u);
  EXPECT_EQ(p.pay_matrix[0].levels[1], "L-7");
  EXPECT_EQ(p.pay_matrix[0].cells[1][6], 53600);
  EXPECT_EQ(p.npa_max_basic_plus_npa, 237500);
  EXPECT_EQ(p.gpf_minimum_rule, GpfMinimumRule::kByLevel);
  ASSERT_EQ(p.deductions.size(), 3u);
  EXPECT_EQ(p.deductions[2].basis, DeductionBasis::kByGross);
  EXPECT_EQ(p.deductions[2].bands.back().up_to, kNoLimit);
  EXPECT_EQ(p.income_tax[0].slabs.back().up_to, kNoLimit);
  // The project's own profiles are valid too.
  for (const char* name :
       {"central-7cpc.json", "rajasthan.json", "jammu-kashmir.json", "haryana.json"}) {
    const std::string path = test::source_dir() + "/profiles/" + name;
    if (!std::filesystem::exists(path)) continue;
    const Status s = profile_status(test::read_text(path));
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }
}

TEST(ProfileFormat, TestStateProfileParses) {
  if (!test::have_conformance_kit())
    GTEST_SKIP() << "conformance kit absent: " << test::conformance_dir();
  const Status s =
      profile_status(test::read_text(test::conformance_dir() + "/profiles/test-state.json"));
  EXPECT_TRUE(s.ok()) << s.message();
}

// rules §1: percentages have at most two decimals and are held exactly.
TEST(ProfileFormat, PercentagesAreExactBasisPoints) {
  const std::pair<const char*, BasisPoints> cases[] = {
      {"60.5", 6050},  {"49.99", 4999}, {"0.29", 29},    {"0.57", 57},    {"1.13", 113},
      {"4.35", 435},   {"8.2", 820},    {"33.33", 3333}, {"99.99", 9999}, {"0.07", 7},
      {"12.50", 1250}, {"1e1", 1000},   {"100", 10000},  {"0", 0},        {"1.10e1", 1100}};
  for (const auto& [text, bp] : cases) {
    const std::string json =
        replace_once(mini_profile_json(), "\"percent\": 60.5", std::string("\"percent\": ") + text);
    const Profile p = test::parse_valid_profile(json);
    ASSERT_EQ(p.da.size(), 4u);
    EXPECT_EQ(p.da[3].percent, bp) << text;
  }
}

struct Malformed {
  const char* what;
  const char* from;  // replaced once in the mini profile
  const char* to;
  const char* names;  // the message must hold this
};

// gtest prints a parameter with this (instead of its bytes).
void PrintTo(const Malformed& m, std::ostream* os) { *os << m.what; }

class ProfileMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(ProfileMalformed, RefusedNamingTheKey) {
  const Malformed& m = GetParam();
  const Status s = profile_status(replace_once(mini_profile_json(), m.from, m.to));
  ASSERT_FALSE(s.ok()) << m.what;
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(m.names)) << m.what;
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << "one line";
}

const Malformed kMalformed[] = {
    {"unknown top-level key", "\"retirement_age\": 60,",
     "\"retirement_age\": 60, \"retirment_age\": 60,", "retirment_age"},
    {"unknown nested key", "{ \"da_at_least\": 25, \"percent\":",
     "{ \"da_at_least\": 25, \"pct\": 1, \"percent\":", "hra.tiers[1].pct"},
    {"unknown key in npa", "\"npa\": { \"percent\": 20,", "\"npa\": { \"percent\": 20, \"cap\": 1,",
     "npa.cap"},
    {"missing top-level key", "\"nps\": { \"employee_percent\": 10, \"employer_percent\": 14 },",
     "", "nps"},
    {"missing nested key", "\"minimum\": { \"X\": 5400, \"Y\": 3600, \"Z\": 1800 }",
     "\"minimum\": { \"X\": 5400, \"Y\": 3600 }", "hra.minimum.Z"},
    {"missing calendar key", "\"auto_run\": [16, 22],\n    \"other_salary_from\": 23",
     "\"auto_run\": [16, 22]", "calendar.other_salary_from"},
    {"wrong type: string for integer", "\"retirement_age\": 60", "\"retirement_age\": \"60\"",
     "retirement_age"},
    {"wrong type: boolean for integer", "\"retirement_age\": 60", "\"retirement_age\": true",
     "retirement_age"},
    {"wrong type: fraction for amount", "\"X\": 5400,", "\"X\": 5400.5,", "hra.minimum.X"},
    {"wrong type: number for boolean", "\"da_applies\": false", "\"da_applies\": 0", "da_applies"},
    {"wrong type: list for object",
     "\"licence_fee_by_level\": { \"L-1\": 300, \"L-7\": 700, \"L-15\": 1500 }",
     "\"licence_fee_by_level\": [300]", "licence_fee_by_level"},
    {"wrong type: string percent", "\"employee_percent\": 10", "\"employee_percent\": \"10\"",
     "nps.employee_percent"},
    {"negative amount", "{ \"from\": \"2026-04\", \"standard_deduction\": 75000,",
     "{ \"from\": \"2026-04\", \"standard_deduction\": -1,", "income_tax[2].standard_deduction"},
    {"percentage with three decimals", "\"percent\": 60.5", "\"percent\": 60.125", "da[3].percent"},
    {"percentage with three decimals (npa)", "\"npa\": { \"percent\": 20,",
     "\"npa\": { \"percent\": 20.001,", "npa.percent"},
    {"percentage with three decimals (cess)", "\"cess_percent\": 4 },\n    { \"from\": \"2025-04\"",
     "\"cess_percent\": 4.005 },\n    { \"from\": \"2025-04\"", "income_tax[0].cess_percent"},
    {"unsorted dated list", "{ \"from\": \"2025-07\", \"percent\": 49.99 }",
     "{ \"from\": \"2026-07\", \"percent\": 49.99 }", "da"},
    {"dated list with two alike", "{ \"from\": \"2025-07\", \"percent\": 49.99 }",
     "{ \"from\": \"2025-04\", \"percent\": 49.99 }", "da"},
    {"unsorted pay matrix", "{ \"from\": \"2027-01\",", "{ \"from\": \"2015-01\",", "pay_matrix"},
    {"malformed from", "{ \"from\": \"2027-01\",", "{ \"from\": \"2027-1\",", "pay_matrix[1].from"},
    {"duplicate code across lists", "{ \"code\": \"SI\",", "{ \"code\": \"TA\",", "TA"},
    {"duplicate allowance code", "{ \"code\": \"CCA\",", "{ \"code\": \"TA\",", "TA"},
    {"fixed code used", "{ \"code\": \"CCA\",", "{ \"code\": \"HRA\",", "HRA"},
    {"fixed code used (deduction)", "{ \"code\": \"RGHS\",", "{ \"code\": \"LOAN\",", "LOAN"},
    {"lower-case code", "{ \"code\": \"CCA\",", "{ \"code\": \"cca\",", "cca"},
    {"by_gross not ending with null", "{ \"up_to\": null, \"amount\": 200 }",
     "{ \"up_to\": 900000, \"amount\": 200 }", "deductions[2].by_gross"},
    {"by_gross not increasing", "{ \"up_to\": 25000, \"amount\": 150 }",
     "{ \"up_to\": 15000, \"amount\": 150 }", "deductions[2].by_gross"},
    {"first HRA tier not 0", "{ \"da_at_least\": 0,", "{ \"da_at_least\": 10,", "da_at_least"},
    {"HRA tiers unsorted", "{ \"da_at_least\": 50,", "{ \"da_at_least\": 20,", "hra.tiers"},
    {"non-April income tax", "{ \"from\": \"2025-04\", \"standard_deduction\"",
     "{ \"from\": \"2025-05\", \"standard_deduction\"", "income_tax[1].from"},
    {"slabs not ending with null",
     "{ \"up_to\": null, \"percent\": 30 } ],\n      \"rebate_limit\": 1200000,\n      "
     "\"surcharge\": [ { \"above\": 5000000, \"percent\": 10 }, { \"above\": 10000000, "
     "\"percent\": 15 },\n                     { \"above\": 20000000, \"percent\": 25 } ],\n      "
     "\"cess_percent\": 4 },\n    { \"from\": \"2025-04\"",
     "{ \"up_to\": 9000000, \"percent\": 30 } ],\n      \"rebate_limit\": 1200000,\n      "
     "\"surcharge\": [ { \"above\": 5000000, \"percent\": 10 }, { \"above\": 10000000, "
     "\"percent\": 15 },\n                     { \"above\": 20000000, \"percent\": 25 } ],\n      "
     "\"cess_percent\": 4 },\n    { \"from\": \"2025-04\"",
     "income_tax[0].slabs"},
    {"level in two bands", "[\"L-1\", \"L-2\"]", "[\"L-1\", \"L-7\"]", "L-7"},
    {"gpf with both keys", "\"gpf\": { \"minimum_by_level\":",
     "\"gpf\": { \"minimum_percent_of_basic\": 6, \"minimum_by_level\":", "gpf"},
    {"gpf with neither key",
     "\"gpf\": { \"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 } }",
     "\"gpf\": {}", "gpf"},
    {"matrix not increasing", "\"L-1\": [18000, 18500, 19100]", "\"L-1\": [18000, 18500, 18500]",
     "pay_matrix[0].levels.L-1"},
    {"empty matrix level", "\"L-17\": [250000]", "\"L-17\": []", "pay_matrix[0].levels.L-17"},
    {"wrong schema", "\"vetan.profile/1\"", "\"vetan.profile/2\"", "schema"},
    {"empty name", "\"name\": \"mini\"", "\"name\": \"\"", "name"},
    {"calendar day out of range", "\"stop_payment_until\": 15", "\"stop_payment_until\": 32",
     "calendar.stop_payment_until"},
    {"calendar window not a pair", "\"auto_run\": [16, 22]", "\"auto_run\": [16]",
     "calendar.auto_run"},
    {"deduction with both tables", "{ \"code\": \"SI\", \"by_level\"",
     "{ \"code\": \"SI\", \"by_gross\": [], \"by_level\"", "deductions[0]"},
    {"not JSON", "\"calendar\": {", "\"calendar\": {{", "JSON"},
};

INSTANTIATE_TEST_SUITE_P(AllKinds, ProfileMalformed, ::testing::ValuesIn(kMalformed),
                         [](const ::testing::TestParamInfo<Malformed>& info) {
                           std::string name;
                           for (const char* p = info.param.what; *p; ++p) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(*p)) ? *p
                                                                                         : '_');
                           }
                           return name;
                         });

// profile.md: validate_profile again after changing a parsed profile (what-if scenarios).
TEST(ProfileFormat, ValidateAfterChange) {
  Profile p = test::parse_valid_profile(mini_profile_json());
  EXPECT_TRUE(validate_profile(p).ok());
  Profile fixed_code = p;
  fixed_code.allowances[0].code = "BASIC";
  EXPECT_THAT(validate_profile(fixed_code).message(), HasSubstr("BASIC"));
  Profile unsorted = p;
  std::swap(unsorted.da[0], unsorted.da[1]);
  EXPECT_THAT(validate_profile(unsorted).message(), HasSubstr("da"));
  Profile tiers = p;
  tiers.hra_tiers[0].da_at_least = 100;
  EXPECT_THAT(validate_profile(tiers).message(), HasSubstr("hra"));
  Profile slabs = p;
  slabs.income_tax[0].slabs.back().up_to = 99999999;
  EXPECT_THAT(validate_profile(slabs).message(), HasSubstr("slabs"));
}

// rules §1: nothing in force for the month refuses the run, naming what is missing.
TEST(ProfileRules1, NothingInForce) {
  const Profile p = test::parse_valid_profile(mini_profile_json());
  MonthRules rules;
  Status s = resolve_month_rules(p, test::month_of("2015-12"), Dictionary(), Dictionary(), &rules);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("pay_matrix"));
  EXPECT_THAT(s.message(), HasSubstr("2015-12"));
  // The matrix and DA are in force, but no income_tax entry starts the FY 2028-04.
  s = resolve_month_rules(p, test::month_of("2028-04"), Dictionary(), Dictionary(), &rules);
  EXPECT_EQ(s.message(), "profile: no income_tax entry for the financial year starting 2028-04");
  s = resolve_month_rules(p, test::month_of("2024-03"), Dictionary(), Dictionary(), &rules);  // FY 2023-04
  EXPECT_THAT(s.message(), HasSubstr("2023-04"));
  // A DA list starting later than the matrix.
  const Profile late_da = test::parse_valid_profile(
      replace_once(mini_profile_json(), "{ \"from\": \"2016-01\", \"percent\": 0 },", ""));
  s = resolve_month_rules(late_da, test::month_of("2024-06"), Dictionary(), Dictionary(), &rules);
  EXPECT_THAT(s.message(), HasSubstr("da"));
  // run_month refuses the same way.
  EmployeeTable table;
  TableIndex index;
  MonthResult result;
  EXPECT_FALSE(run_month(table, index, p, test::month_of("2015-12"), &result).ok());
}

// rules §1: the entry in force is the one with the greatest from <= M.
TEST(ProfileRules1, EntryInForce) {
  const Profile p = test::parse_valid_profile(mini_profile_json());
  EXPECT_EQ(test::rules_for(p, "2025-03").da, 0);
  EXPECT_EQ(test::rules_for(p, "2025-04").da, 2500);
  EXPECT_EQ(test::rules_for(p, "2025-06").da, 2500);
  EXPECT_EQ(test::rules_for(p, "2025-07").da, 4999);
  EXPECT_EQ(test::rules_for(p, "2027-12").da, 6050);
  // HRA tier: greatest da_at_least <= DA (X class percent).
  EXPECT_EQ(test::rules_for(p, "2025-03").hra_percent[0], 2400);
  EXPECT_EQ(test::rules_for(p, "2025-04").hra_percent[0], 2700);
  EXPECT_EQ(test::rules_for(p, "2025-07").hra_percent[0], 2700);
  EXPECT_EQ(test::rules_for(p, "2026-01").hra_percent[0], 3000);
}

}  // namespace
}  // namespace vetan
