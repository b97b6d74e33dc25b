// Closing a month in the service (issue 12 §1): only when every bill of its last run is
// PASSED, once, by the administrator; the next month's master carries the month (FY gross and
// TDS, loans, LWP cleared) with every accepted edit; runs go month after month; the closed
// master survives a restart, a lost one is made again byte for byte, and a tampered one is
// refused at start.
#include <simdjson.h>

#include "api/serve/crypto.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

class CloseServeTest : public ServeTest {
 protected:
  int64_t field(const std::string& id, const char* name) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    simdjson::dom::element v = parser.parse(r.body)["fields"][name];
    if (v.is_null()) return 0;
    return int64_t(v);
  }
  int64_t payslip(const std::string& id, const char* month, const char* column) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + id + "/payslips/" + month);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    return int64_t(parser.parse(r.body)["amounts"][column]);
  }
  Reply run(const char* month) {
    return call(kAdmin, "POST", "/v1/runs", std::string(R"({"wait": true, "month": ")") + month + "\"}");
  }
};

TEST_F(CloseServeTest, AMonthClosesOnceWhenEveryBillIsPassedAndCarriesIntoTheNext) {
  const int64_t gross_before = field("E0001", "fy_gross_to_date");
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 2, "loan_installment": 1000, "loan_balance": 2500})")
                .status,
            200);
  run_month();
  const int64_t gross = payslip("E0001", "2026-11", "gross");
  const int64_t tds = payslip("E0001", "2026-11", "income_tax");
  EXPECT_EQ(payslip("E0001", "2026-11", "loan"), 1000);

  // Refusals, each naming what is in the way; nothing recorded.
  const size_t before = audit_events();
  Reply r = call(kAdmin, "POST", "/v1/months/2026-11/close");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("GENERATED"), std::string::npos) << r.body;
  for (Who who : {kDdo1, kTreasury1, kAnalyst}) EXPECT_EQ(call(who, "POST", "/v1/months/2026-11/close").status, 403);
  EXPECT_EQ(call(kAdmin, "POST", "/v1/months/Nov/close").status, 400);
  EXPECT_EQ(call(kAdmin, "POST", "/v1/months/2026-10/close").status, 409);  // never run
  r = run("2026-12");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("2026-11 is not closed"), std::string::npos) << r.body;
  EXPECT_EQ(audit_events(), before);

  settle_and_close("2026-11");
  EXPECT_NE(call(kAdmin, "GET", "/v1/bills?month=2026-11").body.find("PASSED"), std::string::npos);
  // The next month's master: the month carried, LWP cleared, the loan reduced.
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross_before + gross);
  EXPECT_EQ(field("E0001", "fy_tds_to_date"), tds);
  EXPECT_EQ(field("E0001", "lwp_days"), 0);
  EXPECT_EQ(field("E0001", "loan_balance"), 1500);
  EXPECT_TRUE(fs::exists(dir_ / "data" / "master-2026-12.csv"));
  r = call(kAdmin, "POST", "/v1/months/2026-11/close");
  EXPECT_EQ(r.status, 409) << r.body;  // once
  EXPECT_NE(r.body.find("closed already"), std::string::npos) << r.body;
  r = run("2026-11");
  EXPECT_EQ(r.status, 409) << r.body;  // a closed month is not run again
  EXPECT_EQ(run("2027-01").status, 409);  // not before December
  // November still reads as it was paid.
  EXPECT_EQ(payslip("E0001", "2026-11", "gross"), gross);

  // December computes from the closed master, an edit made after the close included.
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0002", R"({"lwp_days": 3})").status, 200);
  ASSERT_EQ(run("2026-12").status, 201);
  EXPECT_EQ(payslip("E0001", "2026-12", "loan"), 1000);
  const Reply e2 = call(kAdmin, "GET", "/v1/employees/E0002/payslips/2026-12");
  simdjson::dom::parser parser;
  EXPECT_EQ(int64_t(parser.parse(e2.body)["payable_days"]), 28);
  const std::string december = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").body;
  const std::string november = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body;

  // A restart stands on the closed master again; reads are the same.
  service_.reset();
  open();
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross_before + gross);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").body, december);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body, november);
  EXPECT_NE(call(kAdmin, "GET", "/v1/employees/E0002").body.find("\"lwp_days\":3"), std::string::npos);

  // A closed master lost from the data folder is made again at start, from the run and the
  // master, byte for byte the one the close wrote (its SHA-256 in the event).
  service_.reset();
  const std::string closed = read_text((dir_ / "data" / "master-2026-12.csv").string());
  fs::remove(dir_ / "data" / "master-2026-12.csv");
  open();
  EXPECT_EQ(read_text((dir_ / "data" / "master-2026-12.csv").string()), closed);
  EXPECT_EQ((fs::status(dir_ / "data" / "master-2026-12.csv").permissions() & fs::perms::others_read), fs::perms::none);
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross_before + gross);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").body, december);

  // A closed master that is not the one the close wrote is refused at start, naming it.
  service_.reset();
  {
    std::ofstream out(dir_ / "data" / "master-2026-12.csv", std::ios::app);
    out << "\n";
  }
  std::unique_ptr<Service> other;
  const Status opened = try_open(other);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("master-2026-12.csv"), std::string::npos) << opened.message();
}

}  // namespace
}  // namespace vetan::serve
