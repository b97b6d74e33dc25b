// Over-payment recoveries through the service (issue 12 item 2; docs/close.md §2): a DDO
// files a recovery for a settled month (computed from a late LWP entry, or entered), the
// next runs deduct it as the payslip's `recovery` column in instalments, never twice and
// never beyond the net, the employee and the DDO see the schedule and its balance, the DDO
// may waive the rest, and every step survives a restart.
#include <simdjson.h>

#include "api/serve/crypto.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

class RecoveryServeTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    service_.reset();
    std::ofstream tokens(dir_ / "tokens", std::ios::app);
    tokens << sha256_hex("tok-e1") << " employee:E0001\n" << sha256_hex("tok-e2") << " employee:E0002\n";
    tokens.close();
    // The mini profile without its matrix of 2027-01, so that rows stay paid into 2027.
    std::string profile = read_text(profile_path_);
    const std::string from = "\"from\": \"2027-01\"";
    ASSERT_NE(profile.find(from), std::string::npos);
    profile.replace(profile.find(from), from.size(), "\"from\": \"2099-01\"");
    profile_path_ = (dir_ / "profile.json").string();
    std::ofstream(profile_path_) << profile;
    open();
  }
  Reply as_employee(const char* token, const std::string& target) {
    return service_->handle(Request{"GET", target, std::string("Bearer ") + token, ""});
  }
  Reply recover(Who who, const std::string& id, const std::string& body) {
    return call(who, "POST", "/v1/employees/" + id + "/recoveries", body);
  }
  void run(const char* month) {
    const Reply r = call(kAdmin, "POST", "/v1/runs", std::string(R"({"wait": true, "month": ")") + month + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_NE(r.body.find("\"COMPLETED\""), std::string::npos) << r.body;
  }
  int64_t amount(const std::string& id, const char* month, const char* column) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + id + "/payslips/" + month);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    int64_t value = -1;
    if (parser.parse(r.body)["amounts"][column].get_int64().get(value)) return -1;  // absent
    return value;
  }
  int64_t field(const std::string& id, const char* name) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::element v = parser_.parse(r.body)["fields"][name];
    return v.is_null() ? 0 : int64_t(v);
  }
  simdjson::dom::parser parser_;
};

TEST_F(RecoveryServeTest, ALateLwpEntryIsRecoveredInInstalmentsOnceAndVisibly) {
  run_month();  // November, on the 5th
  const Money drawn = amount("E0001", "2026-11", "gross");
  EXPECT_EQ(amount("E0001", "2026-11", "recovery"), -1);  // no schedule: formats.md's columns only
  const std::string body = R"({"month": "2026-11", "lwp_days": 5, "instalments": 2, "reason": "LWP entered late"})";
  clock_.set_date(days_from_civil(2026, 12, 3));
  // Nothing drawn yet: November's bill is not confirmed.
  Reply r = recover(kDdo1, "E0001", body);
  EXPECT_EQ(r.status, 409) << r.body;
  clock_.set_date(days_from_civil(2026, 11, 5));
  ASSERT_EQ(call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/1/confirm",
                 "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}")
                .status,
            200);
  settle_and_close("2026-11");  // December runs on November's closed master
  clock_.set_date(days_from_civil(2026, 12, 3));

  // Refusals change nothing.
  const size_t before = audit_events();
  EXPECT_EQ(recover(kNone, "E0001", body).status, 401);
  for (Who who : {kDdo2, kTreasury1, kTreasury2, kAnalyst}) EXPECT_EQ(recover(who, "E0001", body).status, 403) << who;
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-11", "lwp_days": 5})").status, 400);  // no reason
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-11", "lwp_days": 40, "reason": "x"})").status, 400);
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-11", "instalments": 0, "reason": "x"})").status, 400);
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-11", "lwp_days": 5, "amount": 10, "reason": "x"})").status, 400);
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "Nov", "reason": "x"})").status, 400);
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-12", "lwp_days": 5, "reason": "x"})").status, 409);  // not past
  EXPECT_EQ(recover(kDdo1, "E0001", R"({"month": "2026-10", "lwp_days": 5, "reason": "x"})").status, 409);  // not paid
  r = recover(kDdo1, "E0002", R"({"month": "2026-11", "reason": "nothing changed"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("NO_OVER_PAYMENT"), std::string::npos) << r.body;
  EXPECT_EQ(recover(kDdo1, "E0001", "{\"month\": \"2026-11\", \"amount\": " + std::to_string(drawn + 1) +
                                        ", \"reason\": \"x\"}")
                .status,
            422);
  EXPECT_EQ(audit_events(), before);

  r = recover(kDdo1, "E0001", body);
  ASSERT_EQ(r.status, 201) << r.body;
  simdjson::dom::element rec = parser_.parse(r.body)["recovery"];
  const int64_t over_paid = rec["amount"];
  EXPECT_EQ(int64_t(rec["drawn_gross"]), drawn);
  EXPECT_EQ(int64_t(rec["due_gross"]) + over_paid, drawn);
  // Five days of thirty of every earning, each rounded: within a rupee per component.
  EXPECT_LE(std::abs(over_paid - (drawn * 5 + 15) / 30), 5) << over_paid << " of " << drawn;
  const int64_t instalment = rec["instalment"];
  EXPECT_EQ(instalment, (over_paid + 1) / 2);
  EXPECT_EQ(std::string_view(rec["state"]), "OPEN");
  EXPECT_EQ(audit_events(), before + 1);
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0001/audit").body.find("recovery.create"), std::string::npos);

  // Visible to the DDO, its treasury and the employee; not to another DDO or employee.
  r = call(kDdo1, "GET", "/v1/employees/E0001/recoveries");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(int64_t(parser_.parse(r.body)["balance"]), over_paid);
  EXPECT_EQ(call(kTreasury1, "GET", "/v1/employees/E0001/recoveries").status, 200);
  EXPECT_EQ(as_employee("tok-e1", "/v1/employees/E0001/recoveries").status, 200);
  EXPECT_EQ(as_employee("tok-e2", "/v1/employees/E0001/recoveries").status, 403);
  EXPECT_EQ(call(kDdo2, "GET", "/v1/employees/E0001/recoveries").status, 403);
  EXPECT_EQ(service_->handle(Request{"POST", "/v1/employees/E0001/recoveries", "Bearer tok-e1", body}).status, 403);

  // December recovers the first instalment after the loan; E0002 has no schedule.
  run("2026-12");
  EXPECT_EQ(amount("E0001", "2026-12", "recovery"), instalment);
  EXPECT_EQ(amount("E0002", "2026-12", "recovery"), 0);
  EXPECT_EQ(amount("E0001", "2026-12", "net"),
            amount("E0001", "2026-12", "gross") - amount("E0001", "2026-12", "total_deductions"));
  r = call(kAdmin, "GET", "/v1/bills/2026-12/TR01/DDO001/1");
  ASSERT_EQ(r.status, 200) << r.body;
  // Running December again recovers the same instalment, not a second one.
  run("2026-12");
  EXPECT_EQ(amount("E0001", "2026-12", "recovery"), instalment);
  r = call(kDdo1, "GET", "/v1/employees/E0001/recoveries");
  simdjson::dom::element listed = parser_.parse(r.body)["recoveries"].at(0);
  EXPECT_EQ(int64_t(listed["recovered"]), 0);  // December's bill is not confirmed yet
  EXPECT_EQ(int64_t(listed["pending"]), instalment);
  EXPECT_EQ(int64_t(listed["balance"]), over_paid - instalment);

  // December settled and closed: its instalment is recovered; January takes the rest,
  // February nothing. November's excess recovered in its own FY is not income: the close
  // takes it off fy_gross_to_date (docs/close.md; rules §6).
  const int64_t gross_to_date = field("E0001", "fy_gross_to_date");
  const int64_t december_gross = amount("E0001", "2026-12", "gross");
  settle_and_close("2026-12");
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross_to_date + december_gross - instalment);
  EXPECT_NE(last_close_.find("\"recovered_off_gross\":" + std::to_string(instalment)), std::string::npos)
      << last_close_;
  r = call(kDdo1, "GET", "/v1/employees/E0001/recoveries");
  listed = parser_.parse(r.body)["recoveries"].at(0);
  EXPECT_EQ(int64_t(listed["recovered"]), instalment) << r.body;
  EXPECT_EQ(int64_t(listed["pending"]), 0) << r.body;
  run("2027-01");
  EXPECT_EQ(amount("E0001", "2027-01", "recovery"), over_paid - instalment);
  settle_and_close("2027-01");
  run("2027-02");
  EXPECT_EQ(amount("E0001", "2027-02", "recovery"), -1);  // nothing due: no recovery column
  r = call(kDdo1, "GET", "/v1/employees/E0001/recoveries");
  listed = parser_.parse(r.body)["recoveries"].at(0);
  EXPECT_EQ(int64_t(listed["balance"]), 0);
  EXPECT_EQ(int64_t(listed["recovered"]), over_paid) << r.body;
  EXPECT_EQ(std::string_view(listed["state"]), "RECOVERED");

  // A restart rebuilds schedules, payslips and balances from the audit trail.
  const std::string listed_before = call(kDdo1, "GET", "/v1/employees/E0001/recoveries").body;
  const std::string slip_before = call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-12").body;
  service_.reset();
  open();
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/recoveries").body, listed_before);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-12").body, slip_before);
  // Recovered in full: nothing left to waive.
  EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/recoveries/R000001/waive", R"({"reason": "hardship"})").status,
            409);
}

TEST_F(RecoveryServeTest, AnEnteredAmountIsCappedByNetAndMayBeWaived) {
  run_month();
  ASSERT_EQ(call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/1/confirm",
                 "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}")
                .status,
            200);
  const Money drawn = amount("E0002", "2026-11", "gross");
  settle_and_close("2026-11");
  clock_.set_date(days_from_civil(2026, 12, 3));
  Reply r = recover(kDdo1, "E0002", "{\"month\": \"2026-11\", \"amount\": " + std::to_string(drawn) +
                                        ", \"reason\": \"appointed in error\"}");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(bool(parser_.parse(r.body)["recovery"]["computed"]));
  run("2026-12");
  // The whole gross is due in one instalment, but a payslip recovers at most its net.
  const Money recovered = amount("E0002", "2026-12", "recovery");
  EXPECT_GT(recovered, 0);
  EXPECT_LT(recovered, drawn);
  EXPECT_EQ(amount("E0002", "2026-12", "net"), 0);
  EXPECT_EQ(amount("E0002", "2026-12", "total_deductions"), amount("E0002", "2026-12", "gross"));

  const std::string waive = "/v1/employees/E0002/recoveries/R000001/waive";
  EXPECT_EQ(call(kDdo1, "POST", waive, "{}").status, 400);  // a reason is required
  EXPECT_EQ(call(kDdo2, "POST", waive, R"({"reason": "x"})").status, 403);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/recoveries/R000001/waive", R"({"reason": "x"})").status, 404);
  r = call(kDdo1, "POST", waive, R"({"reason": "Rafiq Masih: Group C, not caused by the employee"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string_view(parser_.parse(r.body)["recovery"]["state"]), "WAIVED");
  EXPECT_EQ(call(kDdo1, "POST", waive, R"({"reason": "again"})").status, 409);
  settle_and_close("2026-12");
  run("2027-01");
  EXPECT_EQ(amount("E0002", "2027-01", "recovery"), -1);  // waived: nothing due
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0002/audit").body.find("recovery.waive"), std::string::npos);
}

// docs/close.md §1: pay withheld in November and paid through other salary after November
// closed is carried into the FY figures by the next close (December's), once; a later
// close carries it no more.
TEST_F(RecoveryServeTest, OtherSalaryPassedAfterItsMonthClosedIsCarriedByTheNextCloseOnce) {
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();  // November: E0001 withheld
  const int64_t gross0 = field("E0001", "fy_gross_to_date"), tds0 = field("E0001", "fy_tds_to_date");
  settle_and_close("2026-11");
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross0);  // nothing paid, nothing carried
  EXPECT_EQ(field("E0001", "fy_tds_to_date"), tds0);

  clock_.set_date(days_from_civil(2026, 12, 23));
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
  Reply r = call(kDdo1, "POST", "/v1/employees/E0001/other-salary", R"({"month": "2026-11", "reason": "inquiry closed"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t os_gross = parser_.parse(r.body)["payslip"]["amounts"]["gross"];
  const int64_t os_tds = parser_.parse(r.body)["payslip"]["amounts"]["income_tax"];
  ASSERT_GT(os_gross, 0);
  const std::string bill = "/v1/bills/2026-11/OS/DDO001/E0001";
  ASSERT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}").status,
            200);
  ASSERT_EQ(call(kTreasury1, "POST", bill + "/pass").status, 200);

  run("2026-12");
  const int64_t december_gross = amount("E0001", "2026-12", "gross");
  const int64_t december_tds = amount("E0001", "2026-12", "income_tax");
  settle_and_close("2026-12");
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross0 + os_gross + december_gross);
  EXPECT_EQ(field("E0001", "fy_tds_to_date"), tds0 + os_tds + december_tds);
  EXPECT_NE(last_close_.find("\"other_salary_bills\":[\"2026-11/OS/DDO001/E0001\"]"), std::string::npos)
      << last_close_;
  // A restart replays the close with what it carried; January's close carries it no more.
  service_.reset();
  open();
  run("2027-01");
  const int64_t january_gross = amount("E0001", "2027-01", "gross");
  settle_and_close("2027-01");
  EXPECT_EQ(field("E0001", "fy_gross_to_date"), gross0 + os_gross + december_gross + january_gross);
  EXPECT_NE(last_close_.find("\"other_salary_bills\":[]"), std::string::npos) << last_close_;
}

// Issue 11 §3 (employee: payslips, proposals): the employee role reads its own payslips
// (JSON and PDF), files and lists its own deduction proposals, and nothing of anyone else's;
// the DDO decides them as before.
TEST_F(RecoveryServeTest, TheEmployeeReadsItsOwnPayslipsAndFilesItsOwnProposals) {
  run_month();
  auto as = [&](const char* token, const std::string& method, const std::string& target, const std::string& body = "") {
    return service_->handle(Request{method, target, std::string("Bearer ") + token, body});
  };
  Reply r = as("tok-e1", "GET", "/v1/employees/E0001/payslips/2026-11");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").body);
  EXPECT_EQ(as("tok-e1", "GET", "/v1/employees/E0002/payslips/2026-11").status, 403);
  r = as("tok-e1", "GET", "/v1/employees/E0001/payslips/2026-11.pdf");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(as("tok-e1", "GET", "/v1/employees/E0002/payslips/2026-11.pdf").status, 403);
  // Still nothing else of the master, bills or reports.
  for (const char* target : {"/v1/employees/E0001", "/v1/bills", "/v1/reports/mismatches?month=2026-11", "/v1/runs"}) {
    EXPECT_EQ(as("tok-e1", "GET", target).status, 403) << target;
  }
  const size_t before = audit_events();
  EXPECT_EQ(as("tok-e1", "POST", "/v1/employees/E0002/proposals", R"({"kind": "GPF_SUBSCRIPTION", "amount": 5000})").status,
            403);
  EXPECT_EQ(audit_events(), before);
  r = as("tok-e1", "POST", "/v1/employees/E0001/proposals", R"({"kind": "INCOME_TAX", "amount": 7000})");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "INCOME_TAX", "amount": 100})").status, 201);
  r = as("tok-e1", "GET", "/v1/proposals");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"employee_id\":\"E0001\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"proposed_by\":\"employee:E0001\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("E0002"), std::string::npos) << r.body;  // not another's
  EXPECT_NE(call(kDdo1, "GET", "/v1/proposals").body.find("employee:E0001"), std::string::npos);
  EXPECT_EQ(as("tok-e1", "POST", "/v1/proposals/1/approve", "{}").status, 403);  // the DDO decides
}

}  // namespace
}  // namespace vetan::serve
