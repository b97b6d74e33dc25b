// One master schema (issue 9 §1): the loader, edits and every route read the master's
// columns, enumerations and booleans the same way; employee fields come back typed (§5).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "api/serve/service.h"
#include "loaders/csv/master_schema.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

namespace fs = std::filesystem;

// Rewrites E0001's stop_payment in the fixture's master to `spelling` and starts afresh.
class StopSpellingTest : public ServeTest {
 protected:
  void restart_with_stop(const std::string& spelling) {
    service_.reset();
    remove_data();
    if (original_.empty()) original_ = read_text((dir_ / "employees.csv").string());
    // E0001's row: ...,fy_tds_to_date,stop_payment,stop_reason,bank_account,... = ...,0,0,,1000000001
    const std::string from = ",0,0,,1000000001,", to = ",0," + spelling + ",held,1000000001,";
    std::string changed = original_;
    const size_t at = changed.find(from);
    ASSERT_NE(at, std::string::npos);
    changed.replace(at, from.size(), to);
    std::ofstream(dir_ / "employees.csv", std::ios::trunc) << changed;
    open();
  }
  std::string original_;
};

// The failing case of issue 9 §1: `True` and ` 1` stop the row for the loader, so the
// other-salary route must see the row as still stopped, and release must find it stopped.
TEST_F(StopSpellingTest, EveryRouteReadsAStopAsTheLoaderDoes) {
  for (const std::string spelling : {"True", " 1", "y", "\"TRUE \""}) {
    SCOPED_TRACE(spelling);
    restart_with_stop(spelling);
    set_day(5);
    run_month();
    ASSERT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 404);  // stopped by the loader
    clock_.set_date(days_from_civil(2026, 12, 23));
    const std::string request = R"({"month": "2026-11"})";
    Reply r = call(kDdo1, "POST", "/v1/employees/E0001/other-salary", request);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("still stopped"), std::string::npos) << r.body;
    EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "again"})").status, 409);
    ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
    r = call(kDdo1, "POST", "/v1/employees/E0001/other-salary", request);
    EXPECT_EQ(r.status, 201) << r.body;
  }
}

TEST(MasterSchema, OneBooleanReading) {
  bool v = false;
  for (const char* yes : {"1", "Y", "y", "TRUE", "True", " true ", "\xc2\xa0" "1"}) {
    EXPECT_TRUE(master_schema::parse_boolean(yes, &v) && v) << yes;
  }
  for (const char* no : {"0", "N", "n", "FALSE", "False", " 0"}) {
    EXPECT_TRUE(master_schema::parse_boolean(no, &v) && !v) << no;
  }
  for (const char* bad : {"", "yes", "2", "T", "truee"}) EXPECT_FALSE(master_schema::parse_boolean(bad, &v)) << bad;
  EXPECT_EQ(master_schema::find_column("stop_payment"), master_schema::kStopPayment);
  EXPECT_EQ(master_schema::find_column("no_such"), -1);
  EXPECT_EQ(master_schema::kind_of(master_schema::kBasicPay), master_schema::Kind::kInteger);
}

// Issue 9 §5: employee fields as the schema types them: integers as JSON numbers, booleans as
// JSON booleans, text as strings; an edit takes typed values and refuses a value of the wrong
// type for its column, naming the field.
TEST_F(ServeTest, EmployeeFieldsAreTyped) {
  simdjson::dom::parser parser;
  Reply r = call(kDdo1, "GET", "/v1/employees/E0001");
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::element fields = parser.parse(r.body)["fields"];
  EXPECT_EQ(int64_t(fields["basic_pay"]), 53600);
  EXPECT_EQ(int64_t(fields["pay_cell"]), 7);
  EXPECT_EQ(bool(fields["stop_payment"]), false);
  EXPECT_EQ(bool(fields["govt_quarters"]), false);
  EXPECT_EQ(std::string_view(fields["name"]), "Handcheck Employee");
  EXPECT_EQ(std::string_view(fields["pran"]), "110000000001");  // digits, but text
  EXPECT_EQ(std::string_view(fields["ifsc"]), "SBIN0001234");
  EXPECT_TRUE(fields["date_of_retirement"].is_null());

  r = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"basic_pay": 54000, "govt_quarters": true})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = call(kDdo1, "GET", "/v1/employees/E0001");
  fields = parser.parse(r.body)["fields"];
  EXPECT_EQ(int64_t(fields["basic_pay"]), 54000);
  EXPECT_EQ(bool(fields["govt_quarters"]), true);

  const size_t before = audit_events();
  for (const char* body : {R"({"basic_pay": true})", R"({"govt_quarters": 2})", R"({"name": 5})",
                           R"({"basic_pay": "abc"})", R"({"govt_quarters": "maybe"})"}) {
    r = call(kDdo1, "PATCH", "/v1/employees/E0001", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    const std::string text(body), name = text.substr(2, text.find('"', 2) - 2);
    EXPECT_TRUE(r.body.find("'" + name + "'") != std::string::npos || r.body.find(name + ":") != std::string::npos)
        << body << ": " << r.body;
  }
  EXPECT_EQ(audit_events(), before);
}

// Issue 9 §5: a malformed month in a path is a 400 naming it, never an empty 200 or a 404.
TEST_F(ServeTest, MalformedMonthsInPathsAreNamed400s) {
  run_month();
  for (const char* target : {"/v1/employees/E0001/payslips/2026-13", "/v1/employees/E0001/payslips/Nov"}) {
    const Reply r = call(kDdo1, "GET", target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_NE(r.body.find("month"), std::string::npos) << target << ": " << r.body;
  }
}

}  // namespace
}  // namespace vetan::serve
