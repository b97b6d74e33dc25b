// Tests of `vetan serve` (issue 3): roles and scope for every endpoint, the monthly cycle
// (calendar windows, stop/release, proposals, bills with TOTP), the audit trail and restart,
// hostile input, and the HTTP layer's limits. The service runs in process on a manual clock.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <simdjson.h>

#include "api/commands.h"
#include "api/serve/crypto.h"
#include "api/serve/http_server.h"
#include "api/serve/json.h"
#include "api/serve/service.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

namespace fs = std::filesystem;

// --- crypto: RFC test vectors ----------------------------------------------------------

TEST(ServeCrypto, Sha256AndHmacAndTotpVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hotp(kTotpSecret, 0, 6), 755224u);  // RFC 4226 appendix D
  EXPECT_EQ(hotp(kTotpSecret, 9, 6), 520489u);
  EXPECT_EQ(totp_code(kTotpSecret, 59, 8), "94287082");  // RFC 6238 appendix B, SHA-1
  EXPECT_EQ(totp_code(kTotpSecret, 1111111109, 8), "07081804");
  EXPECT_EQ(totp_code(kTotpSecret, 2000000000, 8), "69279037");
  EXPECT_TRUE(totp_verify(kTotpSecret, totp_code(kTotpSecret, 1000), 1000 + 30));
  EXPECT_FALSE(totp_verify(kTotpSecret, totp_code(kTotpSecret, 1000), 1000 + 120));
  std::string decoded;
  ASSERT_TRUE(base32_decode(base32_encode(kTotpSecret), &decoded));
  EXPECT_EQ(decoded, kTotpSecret);
  EXPECT_FALSE(base32_decode("AB1!", &decoded));
}

TEST(ServeTokens, FileIsStrictAndTokensHashed) {
  TokenRegistry t;
  EXPECT_FALSE(t.parse("xyz admin\n", "T").ok());
  EXPECT_FALSE(t.parse(sha256_hex("a") + " root\n", "T").ok());
  EXPECT_FALSE(t.parse(sha256_hex("a") + " analyst totp=AAAA\n", "T").ok());
  ASSERT_TRUE(t.parse("# c\n\n" + sha256_hex("secret") + " ddo:D1 name=x\n", "T").ok());
  ASSERT_NE(t.authenticate("secret"), nullptr);
  EXPECT_EQ(t.authenticate("secret")->label(), "ddo:D1");
  EXPECT_EQ(t.authenticate("Secret"), nullptr);
  std::string token, secret, line;
  ASSERT_TRUE(make_token("ddo:D9", true, "", &token, &secret, &line).ok());
  EXPECT_EQ(line.find(token), std::string::npos);  // only the hash is written
  ASSERT_TRUE(t.parse(line + "\n", "T").ok());
  EXPECT_NE(t.authenticate(token), nullptr);
  EXPECT_NE(t.totp_secret("D9"), nullptr);
}

// --- every endpoint against every role --------------------------------------------------

// A scenario with no changes from the run's month, and arrears of a DA raised from 60.5% to
// 70% for the run's month and the next (whatif.md changes on the server's profile).
const char kNoChange[] =
    R"({"schema": "vetan.scenario/1", "name": "none", "from": "2026-11", "to": "2026-12", "group_by": [],
        "changes": []})";
const char kDaArrears[] = R"({"changes": [{"da": {"from": "2026-01", "percent": 70}}], "from": "2026-11", "to": "2026-12"})";

struct Case {
  const char* method;
  const char* target;
  const char* body;
  // Expected status per role, in execution order: none, ddo2, treasury2, analyst,
  // treasury1, ddo1, admin.
  std::array<int, 7> status;
};
const Who kOrder[7] = {kNone, kDdo2, kTreasury2, kAnalyst, kTreasury1, kDdo1, kAdmin};

TEST_F(ServeTest, EveryEndpointAgainstEveryRole) {
  run_month();
  const std::string otp = totp_code(kTotpSecret, clock_.now());
  const std::string confirm = "{\"otp\": \"" + otp + "\"}";
  const std::vector<Case> cases = {
      {"GET", "/healthz", "", {200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", {401, 403, 403, 200, 403, 403, 200}},
      {"GET", "/v1/employees/E0001", "", {401, 403, 403, 200, 200, 200, 200}},
      {"GET", "/v1/employees/E0001/payslips/2026-11", "", {401, 403, 403, 200, 200, 200, 200}},
      {"GET", "/v1/employees/E0005/payslips/2026-11", "", {401, 200, 200, 200, 403, 403, 200}},
      {"GET", "/v1/employees/E0001/audit", "", {401, 403, 403, 200, 200, 200, 200}},
      {"PATCH", "/v1/employees/E0001", R"({"lwp_days": 1})", {401, 403, 403, 403, 403, 200, 200}},
      {"POST", "/v1/employees/E0001/stop", R"({"reason": "on leave"})", {401, 403, 403, 403, 403, 200, 409}},
      {"POST", "/v1/employees/E0001/release", "", {401, 403, 403, 403, 403, 200, 409}},
      {"POST", "/v1/employees/E0002/proposals", R"({"kind": "GPF_SUBSCRIPTION", "amount": 4000})",
       {401, 403, 403, 403, 403, 201, 201}},
      {"GET", "/v1/proposals", "", {401, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/bills", "", {401, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/bills?ddo=DDO001", "", {401, 403, 200, 200, 200, 200, 200}},  // a treasury stays in its treasury
      {"GET", "/v1/bills/2026-11/TR01/DDO001/1", "", {401, 403, 403, 200, 200, 200, 200}},
      {"GET", "/v1/bills/2026-11/TR01/DDO001/1/audit", "", {401, 403, 403, 200, 200, 200, 200}},
      // Payment files (docs/payment.md "In the service"): a GENERATED bill is not paid.
      {"POST", "/v1/bills/2026-11/TR01/DDO001/1/payment", "", {401, 403, 403, 403, 409, 403, 409}},
      {"GET", "/v1/bills/2026-11/TR01/DDO001/1/payment", "", {401, 403, 403, 403, 404, 404, 404}},
      {"GET", "/v1/payments/failed", "", {401, 200, 200, 403, 200, 200, 200}},
      {"GET", "/v1/payments/VETAN-202611-0000000000000000", "", {401, 404, 404, 404, 404, 404, 404}},
      {"GET", "/v1/payments/VETAN-202611-0000000000000000/advice", "", {401, 404, 404, 404, 404, 404, 404}},
      {"POST", "/v1/payments/VETAN-202611-0000000000000000/returns", "<x/>", {401, 404, 404, 404, 404, 404, 404}},
      {"POST", "/v1/bills/2026-11/TR01/DDO001/1/confirm", confirm.c_str(), {401, 403, 403, 403, 403, 200, 403}},
      {"POST", "/v1/bills/2026-11/TR01/DDO001/1/object", R"({"reason": "check HRA"})", {401, 403, 403, 403, 200, 403, 403}},
      {"POST", "/v1/bills/2026-11/TR01/DDO001/1/reject", R"({"reason": "fix"})", {401, 403, 403, 403, 403, 200, 403}},
      {"POST", "/v1/bills/2026-11/TR01/DDO001/1/pass", "", {401, 403, 403, 403, 409, 403, 403}},
      {"GET", "/v1/reports/mismatches", "", {401, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/reports/mismatches?ddo=DDO001", "", {401, 403, 200, 200, 200, 200, 200}},
      {"GET", "/v1/reports/stopped?treasury=TR01", "", {401, 200, 403, 200, 200, 200, 200}},  // a DDO stays in its DDO
      {"GET", "/v1/runs", "", {401, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/runs/1", "", {401, 200, 200, 200, 200, 200, 200}},
      {"POST", "/v1/runs", R"({"month": "2026-11", "wait": true})", {401, 403, 403, 403, 403, 403, 201}},
      {"POST", "/v1/whatif", kNoChange, {401, 403, 403, 200, 403, 403, 200}},
      {"POST", "/v1/arrears", kDaArrears, {401, 200, 200, 200, 200, 200, 200}},
      {"POST", "/v1/arrears?ddo=DDO001", kDaArrears, {401, 403, 200, 200, 200, 200, 200}},
      {"POST", "/v1/employees/E0001/other-salary", R"({"month": "2026-11"})", {401, 403, 403, 403, 403, 409, 409}},
      {"POST", "/v1/arrears?treasury=TR01", kDaArrears, {401, 200, 403, 200, 200, 200, 200}},  // a DDO stays in its DDO
      {"GET", "/v1/session", "", {401, 200, 200, 200, 200, 200, 200}},  // the web console (issue 11)
      {"GET", "/v1/admin/rollout", "", {401, 403, 403, 403, 403, 403, 200}},
  };
  for (const Case& c : cases) {
    for (int i = 0; i < 7; ++i) {
      const size_t before = audit_events();
      const Reply r = call(kOrder[i], c.method, c.target, c.body);
      EXPECT_EQ(r.status, c.status[size_t(i)]) << c.method << " " << c.target << " as role #" << kOrder[i] << ": " << r.body;
      if (r.status >= 400) {
        EXPECT_NE(r.body.find("\"error\":{\"code\""), std::string::npos) << r.body;
        EXPECT_EQ(audit_events(), before) << "a refused request changed the audit trail: " << c.target;
      }
    }
  }
}

// --- the monthly cycle ----------------------------------------------------------------

TEST_F(ServeTest, BillCycleWithTotpObjectionRejectionAndRegeneration) {
  run_month();
  const std::string bill = "/v1/bills/2026-11/TR01/DDO001/1";
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", R"({"otp": "000000"})").status, 422);
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", R"({})").status, 400);
  const std::string otp = totp_code(kTotpSecret, clock_.now());
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + otp + "\"}").status, 200);
  EXPECT_EQ(call(kTreasury1, "POST", bill + "/object", "").status, 400);  // a reason is required
  EXPECT_EQ(call(kTreasury1, "POST", bill + "/object", R"({"reason": "HRA class"})").status, 200);
  EXPECT_NE(call(kAdmin, "GET", bill).body.find("\"OBJECTED\""), std::string::npos);
  EXPECT_EQ(call(kDdo1, "POST", bill + "/reject", R"({"reason": "will correct"})").status, 200);
  EXPECT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"hra_class": "Y"})").status, 200);
  run_month();  // the next run regenerates the rejected bill
  const Reply regenerated = call(kAdmin, "GET", bill);
  EXPECT_NE(regenerated.body.find("\"GENERATED\""), std::string::npos) << regenerated.body;
  EXPECT_NE(regenerated.body.find("\"run_id\":2"), std::string::npos) << regenerated.body;
  EXPECT_NE(regenerated.body.find("\"budget_heads\""), std::string::npos) << regenerated.body;
  // RFC 6238 §5.2: the code used for the first confirmation is not accepted again.
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + otp + "\"}").status, 422);
  clock_.set(clock_.now() + 30);
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}").status,
            200);
  EXPECT_EQ(call(kTreasury1, "POST", bill + "/pass").status, 200);
  EXPECT_EQ(call(kTreasury1, "POST", bill + "/pass").status, 409);
  EXPECT_EQ(call(kDdo1, "POST", bill + "/reject", R"({"reason": "late"})").status, 409);
  const Reply audit = call(kAdmin, "GET", bill + "/audit");
  for (const char* action : {"bill.confirm", "bill.object", "bill.reject", "bill.pass"}) {
    EXPECT_NE(audit.body.find(action), std::string::npos) << action;
  }
  EXPECT_NE(audit.body.find("\"who\":\"treasury:TR01\""), std::string::npos);
}

TEST_F(ServeTest, CalendarWindowsAndProposals) {
  // Day 5: edits, stops and proposals are open; approvals are not.
  const Reply proposal = call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "GPF_SUBSCRIPTION", "amount": 1})");
  ASSERT_EQ(proposal.status, 201) << proposal.body;
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "GPF_SUBSCRIPTION", "amount": 4000})").status, 201);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/proposals/1/approve").status, 409);
  set_day(12);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "INCOME_TAX", "amount": 10})").status, 409);
  const Reply low = call(kDdo1, "POST", "/v1/proposals/1/approve");
  EXPECT_EQ(low.status, 422) << low.body;  // below the GPF minimum (rules §5.1)
  EXPECT_NE(low.body.find("GPF minimum"), std::string::npos);
  EXPECT_EQ(call(kDdo2, "POST", "/v1/proposals/2/approve").status, 403);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/proposals/2/approve").status, 200);
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0002").body.find("\"gpf_subscription\":4000"), std::string::npos);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/proposals/2/approve").status, 409);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/proposals/1/reject", R"({"reason": "too low"})").status, 200);
  // Day 20: master edits and stops are closed.
  set_day(20);
  const Reply late = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 3})");
  EXPECT_EQ(late.status, 409);
  EXPECT_NE(late.body.find("OUTSIDE_WINDOW"), std::string::npos);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "x"})").status, 409);
}

TEST_F(ServeTest, EditsAreValidatedLikeTheLoader) {
  const auto patch = [&](const std::string& body) { return call(kDdo1, "PATCH", "/v1/employees/E0001", body); };
  Reply r = patch(R"({"basic_pay": "12x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("basic_pay"), std::string::npos) << r.body;
  EXPECT_EQ(patch(R"({"lwp_days": 40})").status, 400);
  EXPECT_EQ(patch(R"({"status": "ASLEEP"})").status, 400);
  EXPECT_EQ(patch(R"({"date_of_birth": "1980-02-30"})").status, 400);
  EXPECT_EQ(patch(R"({"basic_pay": -5})").status, 400);
  EXPECT_EQ(patch(R"({"basic_pay": 1234567890123})").status, 400);  // 13 digits
  EXPECT_EQ(patch(R"({"ddo_code": "DDO002"})").status, 422);
  EXPECT_EQ(patch(R"({"stop_payment": true})").status, 422);
  EXPECT_EQ(patch(R"({})").status, 400);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/audit").body.find("\"seq\""), std::string::npos);
  r = patch(R"({"basic_pay": 56900, "pay_cell": 8, "name": "राजेश"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0001").body.find("\"basic_pay\":56900"), std::string::npos);
}

TEST_F(ServeTest, StopAndReleaseGoToTheNextRun) {
  run_month();
  ASSERT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "absconding"})").status, 200);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 200);  // last run still serves
  run_month();
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 404);
  const Reply stopped = call(kDdo1, "GET", "/v1/reports/stopped");
  EXPECT_NE(stopped.body.find("absconding"), std::string::npos) << stopped.body;
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
  run_month();
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 200);
}

TEST_F(ServeTest, ReportsFilterAndPaginate) {
  run_month();
  Reply r = call(kAnalyst, "GET", "/v1/reports/mismatches?reason=INVALID_PAN&page_size=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("E0004"), std::string::npos);
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/reports/mismatches?reason=NOPE").status, 400);
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/reports/mismatches?page_size=0").status, 400);
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/reports/mismatches?colour=red").status, 400);
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/reports/mismatches?month=2026-10").status, 404);
  r = call(kAnalyst, "GET", "/v1/bills?page_size=1");
  ASSERT_NE(r.body.find("next_page_token"), std::string::npos) << r.body;
  r = call(kAnalyst, "GET", "/v1/bills?page_size=1&page_token=2026-11/TR01/DDO001/1");
  EXPECT_NE(r.body.find("DDO002"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("next_page_token"), std::string::npos);
  r = call(kDdo2, "GET", "/v1/reports/mismatches");
  EXPECT_EQ(r.body.find("E0004"), std::string::npos);  // another DDO's row
}

TEST_F(ServeTest, AutoRunInItsWindowOnce) {
  set_day(10);
  EXPECT_FALSE(service_->tick());
  set_day(16);
  EXPECT_TRUE(service_->tick());
  service_->wait_for_runs();
  EXPECT_FALSE(service_->tick());
  const Reply runs = call(kAnalyst, "GET", "/v1/runs");
  EXPECT_NE(runs.body.find("system:auto-run"), std::string::npos) << runs.body;
  EXPECT_NE(runs.body.find("COMPLETED"), std::string::npos);
}

TEST_F(ServeTest, RestartRebuildsTheSameState) {
  run_month();
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 2})").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();
  // Confirmed after run 2: the bill settles E0001 with run 2's payslip (issue 9 §2).
  ASSERT_EQ(call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/1/confirm",
                 "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}").status, 200);
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 4})").status, 200);  // after the run
  const std::vector<std::string> reads = {"/v1/employees/E0001",  "/v1/employees/E0002", "/v1/bills",
                                          "/v1/runs",             "/v1/reports/stopped", "/v1/reports/mismatches",
                                          "/v1/employees/E0001/payslips/2026-11", "/v1/employees/E0001/audit"};
  std::vector<std::string> before;
  for (const auto& t : reads) before.push_back(call(kAdmin, "GET", t).body);
  service_.reset();
  open();
  for (size_t i = 0; i < reads.size(); ++i) EXPECT_EQ(call(kAdmin, "GET", reads[i]).body, before[i]) << reads[i];
  // The payslip is from run 2 (lwp 2), not from the later edit (lwp 4).
  EXPECT_NE(before[6].find("\"payable_days\":28"), std::string::npos) << before[6];
}

TEST_F(ServeTest, HostileRequestsAreClear4xxAndChangeNothing) {
  run_month();
  const size_t before = audit_events();
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"{", "malformed"},
      {"[1,2]", "object"},
      {R"({"lwp_days": 1, "lwp_days": 2})", "twice"},
      {R"({"nonsense": 1})", "unknown field"},
      {R"({"basic_pay": 123456789012345678901234567890})", "out of range"},
      {R"({"basic_pay": 1.5})", "whole number"},
      {R"({"basic_pay": {"a": 1}})", "must be a string"},
      {"{\"name\": \"\xff\xfe\"}", "UTF-8"},
      {"{\"name\": \"a\\u0000b\"}", "control character"},
  };
  for (const auto& [body, expected] : bodies) {
    const Reply r = call(kDdo1, "PATCH", "/v1/employees/E0001", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_NE(r.body.find(expected), std::string::npos) << body << ": " << r.body;
  }
  for (const char* target : {"/v1/employees/..%2F..%2Fetc%2Fpasswd", "/v1/employees/%2E%2E", "/v1/employees/a%ZZ",
                             "/v1/employees/%FF%FE", "/v1/employees/a%00b", "/v1/bills/../../x/y"}) {
    const Reply r = call(kAdmin, "GET", target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
  }
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/NOBODY").status, 404);
  EXPECT_EQ(call(kAdmin, "DELETE", "/v1/employees/E0001").status, 405);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001?x=1&x=2").status, 400);
  EXPECT_EQ(call(kNone, "GET", "/v1/runs").status, 401);
  Request wrong{"GET", "/v1/runs", "Bearer nope", ""};
  EXPECT_EQ(service_->handle(wrong).status, 401);
  EXPECT_EQ(audit_events(), before);
}

// Replays a deterministic corpus of mutated request bodies through parse_body (the fuzz
// target's function; see fuzz_request_body.cc): every input is accepted or refused with a
// message, never a crash (the sanitizer build checks memory safety).
TEST(ServeFuzzReplay, RequestBodyParserSurvivesMutatedCorpus) {
  const std::vector<std::string> seeds = {
      R"({"lwp_days": 1})", R"({"otp": "123456"})", R"({"reason": "x", "month": "2026-11", "wait": true})",
      R"({"name": "राजेश", "basic_pay": 56900, "govt_quarters": false, "pran": null})", "{}", "[]", "\"s\"", "1e999"};
  const std::vector<std::string_view> allowed = {"lwp_days", "otp", "reason", "month", "wait", "name", "basic_pay",
                                                 "govt_quarters", "pran"};
  std::mt19937_64 random(20261123);
  size_t accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input = seeds[random() % seeds.size()];
    const int edits = 1 + int(random() % 4);
    for (int e = 0; e < edits && !input.empty(); ++e) {
      const size_t at = random() % (input.size() + 1);
      switch (random() % 4) {
        case 0: input.insert(at, 1, char(random() % 256)); break;
        case 1: if (at < input.size()) input.erase(at, 1); break;
        case 2: if (at < input.size()) input[at] = char(random() % 256); break;
        default: input.insert(at, input.substr(0, random() % (input.size() + 1))); break;
      }
    }
    JsonBody body;
    const Status s = parse_body(input, allowed, &body);
    if (s.ok()) {
      ++accepted;
      EXPECT_LE(body.size(), kMaxBodyFields);
    } else {
      ++refused;
      EXPECT_FALSE(s.message().empty());
    }
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(refused, 0u);
}

// --- what-if and arrears (issue 4 §4, whatif.md) ----------------------------------------

// Rebuilds cost.csv from one scenario of a POST /v1/whatif reply: the same columns, in order.
std::string cost_csv_of(simdjson::dom::element scenario) {
  std::string csv = "month";
  std::vector<std::string> group_by;
  for (simdjson::dom::element g : scenario["group_by"].get_array()) group_by.emplace_back(std::string_view(g));
  for (const std::string& g : group_by) csv += "," + g;
  static const char* const kColumns[] = {"baseline_employees",    "scenario_employees",    "baseline_gross",
                                         "scenario_gross",        "baseline_employer_nps", "scenario_employer_nps",
                                         "delta_cost"};
  for (const char* c : kColumns) csv += std::string(",") + c;
  csv += "\n";
  for (simdjson::dom::element line : scenario["lines"].get_array()) {
    csv += std::string(std::string_view(line["month"]));
    for (const std::string& g : group_by) csv.append(",").append(std::string_view(line[g]));
    for (const char* c : kColumns) csv.append(",").append(std::to_string(int64_t(line[c])));
    csv += "\n";
  }
  return csv;
}

TEST_F(ServeTest, WhatIfNeedsACompletedRunAndRefusesBadScenarios) {
  EXPECT_EQ(call(kAnalyst, "POST", "/v1/whatif", kNoChange).status, 404);  // no run yet
  run_month();
  const size_t before = audit_events();
  const auto post = [&](const std::string& body) { return call(kAnalyst, "POST", "/v1/whatif", body); };
  Reply r = post("");
  EXPECT_EQ(r.status, 400) << r.body;
  r = post("{");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("not valid JSON"), std::string::npos) << r.body;
  r = post(R"({"schema": "vetan.scenario/1", "name": "x", "from": "2026-11", "to": "2026-12", "group_by": [],
               "changes": [{"bonus": {"percent": 5}}]})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("unknown change 'bonus'"), std::string::npos) << r.body;
  r = post(R"({"schema": "vetan.scenario/1", "name": "x", "from": "2026-10", "to": "2026-12", "group_by": [], "changes": []})");
  EXPECT_EQ(r.status, 400) << r.body;  // from before the run's month (the as-of)
  EXPECT_NE(r.body.find("2026-11"), std::string::npos) << r.body;
  r = post(R"({"schema": "vetan.scenario/1", "name": "x", "from": "2026-11", "to": "2026-12", "group_by": [],
               "changes": [{"nps": {"employee_percent": -10, "employer_percent": 14}}]})");
  EXPECT_EQ(r.status, 422) << r.body;  // the changed profile is not valid
  EXPECT_NE(r.body.find("RULE_REFUSED"), std::string::npos) << r.body;
  r = post(R"({"schema": "vetan.scenario/1", "name": "x", "from": "2026-11", "to": "2226-12", "group_by": [], "changes": []})");
  EXPECT_EQ(r.status, 400) << r.body;  // too many months for one request
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/whatif").status, 405);
  EXPECT_EQ(call(kAnalyst, "POST", "/v1/whatif?colour=red", kNoChange).status, 400);
  EXPECT_EQ(call(kAnalyst, "POST", "/v1/whatif?month=2026-10", kNoChange).status, 404);
  EXPECT_EQ(audit_events(), before);
  // No changes: zero deltas everywhere (whatif.md "Must hold").
  r = post(kNoChange);
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::parser parser;
  simdjson::dom::element reply = parser.parse(r.body);
  EXPECT_EQ(std::string_view(reply["as_of"]), "2026-11");
  simdjson::dom::element scenario = reply["scenarios"].at(0);
  EXPECT_GT(int64_t(scenario["totals"]["baseline_gross"]), 0);
  EXPECT_EQ(int64_t(scenario["totals"]["delta_cost"]), 0);
  EXPECT_EQ(int64_t(scenario["gross_change_in_last_month"]["level"]),
            int64_t(scenario["gross_change_in_last_month"]["employees_paid_in_both"]));
  // The baseline of the run's month is the run's gross.
  const Reply run = call(kAnalyst, "GET", "/v1/runs/1");
  simdjson::dom::parser run_parser;
  const int64_t run_gross = run_parser.parse(run.body)["summary"]["gross"];
  simdjson::dom::element first_line = scenario["lines"].at(0);
  EXPECT_EQ(std::string_view(first_line["month"]), "2026-11");
  EXPECT_EQ(int64_t(first_line["baseline_gross"]), run_gross);
}

TEST_F(ServeTest, WhatIfRepliesWhatTheCliWrites) {
  run_month();
  // Two scenarios in one list, as the CLI's scenario file may hold.
  const std::string mixed = read_text(std::string(VETAN_TEST_DATA_DIR) + "/whatif/mixed.json");
  const std::string da = R"({"schema": "vetan.scenario/1", "name": "DA 64%", "from": "2026-11", "to": "2027-08",
      "group_by": ["ddo_code", "pay_level"], "increments": true, "changes": [{"da": {"from": "2026-12", "percent": 64}}]})";
  const std::string list = "[" + mixed + "," + da + "]";
  std::ofstream(dir_ / "scenarios.json") << list;
  const Reply r = call(kAdmin, "POST", "/v1/whatif", list);
  ASSERT_EQ(r.status, 200) << r.body;
  const Arguments args = {"--profile",  std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json",
                          "--employees", (dir_ / "employees.csv").string(),
                          "--as-of",     "2026-11",
                          "--scenario",  (dir_ / "scenarios.json").string(),
                          "--out",       (dir_ / "cli").string(),
                          "--threads",   "2",
                          "--quiet"};
  ASSERT_EQ(whatif_command(args), kExitOk);
  simdjson::dom::parser parser;
  simdjson::dom::element reply = parser.parse(r.body);
  simdjson::dom::array scenarios = reply["scenarios"];
  ASSERT_EQ(scenarios.size(), 2u);
  int64_t delta_cost = 0;
  for (size_t i = 0; i < 2; ++i) {
    const std::string folder = (dir_ / "cli" / ("scenario-0" + std::to_string(i + 1))).string();
    simdjson::dom::parser summary_parser;
    simdjson::dom::element summary = summary_parser.load(folder + "/summary.json");
    simdjson::dom::element scenario = scenarios.at(i);
    EXPECT_EQ(std::string_view(scenario["name"]), std::string_view(summary["name"]));
    EXPECT_EQ(std::string_view(scenario["from"]), std::string_view(summary["from"]));
    EXPECT_EQ(std::string_view(scenario["to"]), std::string_view(summary["to"]));
    for (const char* c : {"baseline_employees", "scenario_employees", "baseline_gross", "scenario_gross",
                          "baseline_employer_nps", "scenario_employer_nps", "delta_cost"}) {
      EXPECT_EQ(int64_t(scenario["totals"][c]), int64_t(summary[c])) << c;
    }
    for (const char* c : {"employees_paid_in_both", "gain", "lose", "level", "p10", "p50", "p90"}) {
      EXPECT_EQ(int64_t(scenario["gross_change_in_last_month"][c]), int64_t(summary["gross_change_in_last_month"][c]))
          << c;
    }
    EXPECT_EQ(cost_csv_of(scenario), read_text(folder + "/cost.csv")) << i;
    delta_cost += int64_t(scenario["totals"]["delta_cost"]);
  }
  EXPECT_NE(delta_cost, 0);  // the scenarios do change pay
}

// The body of POST /v1/arrears for a revised profile given whole.
std::string revised_profile_body(const std::string& profile) {
  return "{\"from\": \"2026-11\", \"to\": \"2026-12\", \"revised_profile\": " + profile + "}";
}

// Reads a CSV file's lines after its header.
std::vector<std::string> csv_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(path));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST_F(ServeTest, ArrearsRepliesWhatTheCliWritesScopedToTheCaller) {
  run_month();
  std::string revised = read_text(std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json");
  const std::string da = "{ \"from\": \"2026-01\", \"percent\": 60.5 }";
  ASSERT_NE(revised.find(da), std::string::npos);
  revised.replace(revised.find(da), da.size(), "{ \"from\": \"2026-01\", \"percent\": 70 }");
  std::ofstream(dir_ / "revised.json") << revised;
  const Reply whole = call(kAdmin, "POST", "/v1/arrears", revised_profile_body(revised));
  ASSERT_EQ(whole.status, 200) << whole.body;
  // The same revision as a change list on the server's profile gives the same reply.
  EXPECT_EQ(call(kAdmin, "POST", "/v1/arrears", kDaArrears).body, whole.body);
  const Arguments args = {"--profile", std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json",
                          "--revised", (dir_ / "revised.json").string(),
                          "--employees", (dir_ / "employees.csv").string(),
                          "--from", "2026-11", "--to", "2026-12", "--out", (dir_ / "cli").string(), "--quiet"};
  ASSERT_EQ(arrears_command(args), kExitOk);

  // Every line, bill and unmatched row of the CLI's files, in order, for admin.
  simdjson::dom::parser parser;
  simdjson::dom::element reply = parser.parse(whole.body);
  std::vector<std::string> columns;
  for (simdjson::dom::element c : reply["columns"].get_array()) columns.emplace_back(std::string_view(c));
  std::vector<std::string> lines, bills, unmatched;
  for (simdjson::dom::element l : reply["lines"].get_array()) {
    std::string line = std::string(std::string_view(l["employee_id"])) + "," + std::string(std::string_view(l["month"])) +
                       "," + std::string(std::string_view(l["ddo_code"])) + "," + std::string(std::string_view(l["bill_id"]));
    for (const std::string& c : columns) line.append(",").append(std::to_string(int64_t(l[c])));
    lines.push_back(line);
  }
  for (simdjson::dom::element b : reply["bills"].get_array()) {
    std::string line = std::string(std::string_view(b["bill_id"])) + "," + std::to_string(int64_t(b["employees"]));
    for (const std::string& c : columns) line.append(",").append(std::to_string(int64_t(b[c])));
    bills.push_back(line);
  }
  for (simdjson::dom::element u : reply["unmatched"].get_array()) {
    unmatched.push_back(std::string(std::string_view(u["employee_id"])) + "," + std::string(std::string_view(u["month"])) +
                        "," + std::string(std::string_view(u["drawn_fate"])) + "," +
                        std::string(std::string_view(u["due_fate"])));
  }
  EXPECT_EQ(lines, csv_lines((dir_ / "cli" / "arrears.csv").string()));
  EXPECT_EQ(bills, csv_lines((dir_ / "cli" / "arrear_bills.csv").string()));
  EXPECT_EQ(unmatched, csv_lines((dir_ / "cli" / "unmatched.csv").string()));
  ASSERT_GE(lines.size(), 4u);  // E0001, E0002 and E0005 paid in both months at least
  EXPECT_GT(int64_t(reply["totals"]["gross"]), 0);

  // A DDO sees its own rows and bills only; a treasury its DDOs'.
  const auto employees_of = [&](Who who, const std::string& query, const std::string& ddo) {
    const Reply r = call(who, "POST", "/v1/arrears" + query, kDaArrears);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser p;
    simdjson::dom::element e = p.parse(r.body);
    std::set<std::string> ids;
    for (simdjson::dom::element l : e["lines"].get_array()) {
      ids.insert(std::string(std::string_view(l["employee_id"])));
      EXPECT_EQ(std::string_view(l["ddo_code"]), ddo) << r.body;
    }
    for (simdjson::dom::element b : e["bills"].get_array()) {
      EXPECT_NE(std::string_view(b["bill_id"]).find("/" + ddo + "/"), std::string_view::npos) << r.body;
    }
    return ids;
  };
  EXPECT_EQ(employees_of(kDdo2, "", "DDO002"), std::set<std::string>{"E0005"});
  EXPECT_EQ(employees_of(kTreasury2, "", "DDO002"), std::set<std::string>{"E0005"});
  const std::set<std::string> ddo1 = employees_of(kDdo1, "", "DDO001");
  EXPECT_TRUE(ddo1.count("E0001") && ddo1.count("E0002") && !ddo1.count("E0005"));
  EXPECT_EQ(employees_of(kTreasury1, "", "DDO001"), ddo1);
  EXPECT_EQ(employees_of(kAnalyst, "?ddo=DDO002", "DDO002"), std::set<std::string>{"E0005"});
  EXPECT_EQ(employees_of(kDdo1, "?treasury=TR02", "DDO001"), std::set<std::string>{});

  // Pages of one entry each walk the same lines in the same order.
  std::vector<std::string> paged;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    const Reply r = call(kAnalyst, "POST", "/v1/arrears?page_size=1" + (token.empty() ? "" : "&page_token=" + token),
                         kDaArrears);
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser p;
    simdjson::dom::element e = p.parse(r.body);
    for (simdjson::dom::element l : e["lines"].get_array()) {
      paged.push_back(std::string(std::string_view(l["employee_id"])) + "," + std::string(std::string_view(l["month"])));
    }
    std::string_view next;
    if (e["next_page_token"].get_string().get(next) != simdjson::SUCCESS) break;
    token = std::string(next);
  }
  ASSERT_EQ(paged.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i].rfind(paged[i] + ",", 0), 0u) << i;
}

TEST_F(ServeTest, ArrearsRefusesBadBodies) {
  EXPECT_EQ(call(kDdo1, "POST", "/v1/arrears", kDaArrears).status, 404);  // no run of 2026-11 yet
  run_month();
  const size_t before = audit_events();
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"", "required"},
      {"{", "malformed"},
      {"[]", "object"},
      {R"({"from": "2026-11", "to": "2026-12"})", "exactly one"},
      {R"({"from": "2026-11", "to": "2026-12", "changes": [], "revised_profile": {}})", "exactly one"},
      {R"({"from": "2026-11", "to": "2026-12", "changes": [], "colour": 1})", "unknown field 'colour'"},
      {R"({"from": "2026-11", "from": "2026-11", "to": "2026-12", "changes": []})", "twice"},
      {R"({"from": "2026-13", "to": "2026-12", "changes": []})", "'from'"},
      {R"({"from": "2026-11", "to": "2026-10", "changes": []})", "'to'"},
      {R"({"from": "2026-11", "to": "2046-10", "changes": []})", "months"},
      {R"({"from": "2026-11", "to": "2026-12", "changes": {}})", "'changes'"},
      {R"({"from": "2026-11", "to": "2026-12", "changes": [{"bonus": 1}]})", "unknown change 'bonus'"},
      {R"({"from": "2026-11", "to": "2026-12", "revised_profile": {"schema": "nope"}})", "revised_profile"},
  };
  for (const auto& [body, expected] : bodies) {
    const Reply r = call(kDdo1, "POST", "/v1/arrears", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_NE(r.body.find(expected), std::string::npos) << body << ": " << r.body;
  }
  // A revision whose profile the rules refuse.
  Reply r = call(kDdo1, "POST", "/v1/arrears",
                 R"({"from": "2026-11", "to": "2026-12", "changes": [{"nps": {"employee_percent": -1, "employer_percent": 14}}]})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(call(kDdo1, "POST", "/v1/arrears?ddo=DDO002", kDaArrears).status, 403);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/arrears?page_token=x", kDaArrears).status, 400);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/arrears").status, 405);
  EXPECT_EQ(audit_events(), before);
}

// Issue 3 §3: pay withheld in a past month, filed from day 23 after the release, paid as a
// separate bill that follows the bill cycle and survives a restart.
TEST_F(ServeTest, OtherSalaryForAWithheldMonthIsASeparateBill) {
  run_month();
  simdjson::dom::parser parser;
  const Reply paid = call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11");
  ASSERT_EQ(paid.status, 200) << paid.body;
  const int64_t gross = parser.parse(paid.body)["amounts"]["gross"];
  const int64_t net = parser.parse(paid.body)["amounts"]["net"];
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();  // November withheld
  ASSERT_EQ(call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11").status, 404);

  const std::string request = R"({"month": "2026-11", "reason": "inquiry closed"})";
  const auto file = [&](Who who, const std::string& id, const std::string& body) {
    return call(who, "POST", "/v1/employees/" + id + "/other-salary", body);
  };
  clock_.set_date(days_from_civil(2026, 12, 22));
  EXPECT_EQ(file(kDdo1, "E0001", request).status, 409);  // before other_salary_from
  clock_.set_date(days_from_civil(2026, 12, 23));
  const size_t before = audit_events();
  Reply r = file(kDdo1, "E0001", request);
  EXPECT_EQ(r.status, 409) << r.body;  // still stopped
  EXPECT_NE(r.body.find("release"), std::string::npos) << r.body;
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
  const size_t released = audit_events();
  EXPECT_EQ(released, before + 1);
  EXPECT_EQ(file(kNone, "E0001", request).status, 401);
  for (Who who : {kDdo2, kTreasury1, kTreasury2, kAnalyst}) EXPECT_EQ(file(who, "E0001", request).status, 403) << who;
  EXPECT_EQ(file(kDdo1, "E0002", request).status, 409);  // paid in November
  EXPECT_EQ(file(kDdo1, "E0001", R"({"month": "2026-12"})").status, 409);  // not a past month
  EXPECT_EQ(file(kDdo1, "E0001", R"({"month": "2026-10"})").status, 409);  // no run of October
  EXPECT_EQ(file(kDdo1, "E0001", R"({"month": "Nov"})").status, 400);
  EXPECT_EQ(file(kDdo1, "E0001", R"({"month": "2026-11", "amount": 5})").status, 400);
  EXPECT_EQ(audit_events(), released);

  r = file(kDdo1, "E0001", request);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string bill = "/v1/bills/2026-11/OS/DDO001/E0001";
  EXPECT_EQ(file(kAdmin, "E0001", request).status, 409);  // filed once
  r = call(kTreasury1, "GET", bill);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(int64_t(parser.parse(r.body)["gross"]), gross);  // the month's pay, withheld then
  EXPECT_EQ(int64_t(parser.parse(r.body)["net"]), net);
  EXPECT_EQ(std::string_view(parser.parse(r.body)["state"]), "GENERATED");
  EXPECT_EQ(call(kDdo2, "GET", bill).status, 403);
  EXPECT_NE(call(kDdo1, "GET", "/v1/bills?month=2026-11").body.find("2026-11/OS/DDO001/E0001"), std::string::npos);
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0001/audit").body.find("other_salary.file"), std::string::npos);
  ASSERT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}").status,
            200);
  // Durable: a restart rebuilds the bill and its state; the next run leaves it alone.
  const std::string bills_before = call(kAdmin, "GET", "/v1/bills").body;
  service_.reset();
  open();
  EXPECT_EQ(call(kAdmin, "GET", "/v1/bills").body, bills_before);
  EXPECT_EQ(call(kTreasury1, "POST", bill + "/pass").status, 200);
  ASSERT_EQ(call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})").status, 201);
  EXPECT_NE(call(kAdmin, "GET", bill).body.find("\"PASSED\""), std::string::npos);
}

// --- the HTTP layer --------------------------------------------------------------------

TEST_F(ServeTest, HttpLimitsKeepAliveAndShutdown) {
  HttpOptions options;
  options.port = 0;
  options.body_limit = 1024;
  options.header_limit = 1024;
  options.read_timeout = std::chrono::milliseconds(300);
  HttpServer server(service_.get(), options);
  ASSERT_TRUE(server.listen().ok());
  std::thread thread([&] { server.run(); });
  const uint16_t port = server.port();
  const std::string auth = std::string("Authorization: Bearer ") + kTokens[kAdmin] + "\r\n";

  // Two requests on one connection (keep-alive), the second closing it.
  std::string r = http_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/runs HTTP/1.1\r\nHost: x\r\n" + auth +
                                     "Connection: close\r\n\r\n");
  EXPECT_EQ(r.find("HTTP/1.1 200"), 0u) << r;
  EXPECT_NE(r.find("{\"runs\":[]}"), std::string::npos) << r;
  // Body over the limit: 413 before the service sees it.
  r = http_exchange(port, "PATCH /v1/employees/E0001 HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 5000\r\n\r\n" +
                         std::string(5000, ' '));
  EXPECT_EQ(r.find("HTTP/1.1 413"), 0u) << r;
  // Header block over the limit: 431.
  r = http_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.find("HTTP/1.1 431"), 0u) << r;
  // Not HTTP: 400.
  r = http_exchange(port, "HELLO\r\n\r\n");
  EXPECT_EQ(r.find("HTTP/1.1 400"), 0u) << r;
  // A client that never finishes its request loses the connection (read timeout).
  r = http_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(r, "");
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/audit").body.find("\"seq\""), std::string::npos);

  server.stop();
  thread.join();  // returns once connections are closed
}

TEST_F(ServeTest, WhatIfAndArrearsTakeLargerBodiesOverHttp) {
  run_month();
  HttpOptions options;
  options.port = 0;
  options.body_limit = 1024;
  options.large_body_limit = 64 * 1024;
  HttpServer server(service_.get(), options);
  ASSERT_TRUE(server.listen().ok());
  std::thread thread([&] { server.run(); });
  const uint16_t port = server.port();
  const auto post = [&](const std::string& target, const std::string& body) {
    return http_exchange(port, "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kTokens[kAdmin] +
                                   "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                                   "\r\n\r\n" + body);
  };
  // A whole profile (about 3 KiB) is over the ordinary limit but within this route's.
  const std::string profile = read_text(std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json");
  ASSERT_GT(profile.size(), options.body_limit);
  std::string r = post("/v1/arrears", revised_profile_body(profile));
  EXPECT_EQ(r.find("HTTP/1.1 200"), 0u) << r;
  EXPECT_NE(r.find("\"gross\":0"), std::string::npos) << r;  // the same profile: no arrears
  // A scenario padded with spaces past the ordinary limit.
  r = post("/v1/whatif?month=2026-11", std::string(kNoChange) + std::string(2000, ' '));
  EXPECT_EQ(r.find("HTTP/1.1 200"), 0u) << r;
  EXPECT_NE(r.find("\"as_of\":\"2026-11\""), std::string::npos) << r;
  // Other routes keep the ordinary limit; these routes their own.
  r = post("/v1/runs", std::string(2000, ' '));
  EXPECT_EQ(r.find("HTTP/1.1 413"), 0u) << r;
  r = http_exchange(port, "PATCH /v1/employees/E0001 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
  EXPECT_EQ(r.find("HTTP/1.1 413"), 0u) << r;
  EXPECT_NE(r.find("larger than 1024 bytes"), std::string::npos) << r;
  r = post("/v1/whatif", std::string(70 * 1024, ' '));
  EXPECT_EQ(r.find("HTTP/1.1 413"), 0u) << r;
  EXPECT_NE(r.find(std::to_string(64 * 1024)), std::string::npos) << r;
  server.stop();
  thread.join();
}

}  // namespace
}  // namespace vetan::serve
