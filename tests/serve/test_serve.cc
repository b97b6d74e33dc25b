// Tests of `vetan serve` (issue 3): roles and scope for every endpoint, the monthly cycle
// (calendar windows, stop/release, proposals, bills with TOTP), the audit trail and restart,
// hostile input, and the HTTP layer's limits. The service runs in process on a manual clock.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "api/serve/crypto.h"
#include "api/serve/http_server.h"
#include "api/serve/json.h"
#include "api/serve/service.h"

namespace vetan::serve {
namespace {

namespace fs = std::filesystem;

const std::string kTotpSecret = "12345678901234567890";  // RFC 6238's SHA-1 test secret

enum Who { kNone, kAdmin, kAnalyst, kDdo1, kDdo2, kTreasury1, kTreasury2, kWhoCount };
const char* const kTokens[kWhoCount] = {"", "tok-admin", "tok-analyst", "tok-ddo1", "tok-ddo2", "tok-tr1", "tok-tr2"};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vetan-serve-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // The conformance master plus E0005 on another DDO and treasury.
    std::string csv = read_text(std::string(VETAN_TEST_DATA_DIR) + "/employees.csv");
    std::istringstream lines(csv);
    std::string line, e2;
    while (std::getline(lines, line)) {
      if (line.rfind("E0002,", 0) == 0) e2 = line;
    }
    ASSERT_FALSE(e2.empty());
    auto swap = [&](const std::string& from, const std::string& to) { e2.replace(e2.find(from), from.size(), to); };
    swap("E0002", "E0005");
    swap("TR01", "TR02");
    swap("DDO001", "DDO002");
    swap("1000000002", "1000000005");
    if (csv.back() != '\n') csv += '\n';
    csv += e2 + "\n";
    std::ofstream(dir_ / "employees.csv") << csv;
    std::ofstream tokens(dir_ / "tokens");
    tokens << "# test tokens\n";
    tokens << sha256_hex(kTokens[kAdmin]) << " admin\n";
    tokens << sha256_hex(kTokens[kAnalyst]) << " analyst\n";
    tokens << sha256_hex(kTokens[kDdo1]) << " ddo:DDO001 totp=" << base32_encode(kTotpSecret) << "\n";
    tokens << sha256_hex(kTokens[kDdo2]) << " ddo:DDO002\n";
    tokens << sha256_hex(kTokens[kTreasury1]) << " treasury:TR01\n";
    tokens << sha256_hex(kTokens[kTreasury2]) << " treasury:TR02\n";
    tokens.close();
    set_day(5);
    open();
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    service_ = std::make_unique<Service>();
    ServiceOptions o{std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json", (dir_ / "employees.csv").string(),
                     (dir_ / "data").string(), (dir_ / "tokens").string(), &clock_};
    Status s = service_->open(o);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void set_day(int day) { clock_.set_date(days_from_civil(2026, 11, day)); }
  Reply call(Who who, const std::string& method, const std::string& target, const std::string& body = "") {
    Request r{method, target, who == kNone ? "" : std::string("Bearer ") + kTokens[who], body};
    return service_->handle(r);
  }
  void run_month() {
    Reply r = call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_NE(r.body.find("\"COMPLETED\""), std::string::npos) << r.body;
  }
  // Audit events across the entities tests touch: a refused request must not add any.
  size_t audit_events() {
    size_t n = 0;
    for (const char* target : {"/v1/employees/E0001/audit", "/v1/employees/E0002/audit", "/v1/employees/E0005/audit",
                               "/v1/bills/2026-11/TR01/DDO001/1/audit", "/v1/bills/2026-11/TR02/DDO002/1/audit"}) {
      const Reply r = call(kAdmin, "GET", target);
      for (size_t p = r.body.find("\"seq\""); p != std::string::npos; p = r.body.find("\"seq\"", p + 1)) ++n;
    }
    return n;
  }

  fs::path dir_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
};

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
  EXPECT_EQ(call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + otp + "\"}").status, 200);
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
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0002").body.find("\"gpf_subscription\":\"4000\""), std::string::npos);
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
  EXPECT_NE(call(kDdo1, "GET", "/v1/employees/E0001").body.find("\"basic_pay\":\"56900\""), std::string::npos);
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
  ASSERT_EQ(call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/1/confirm",
                 "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}").status, 200);
  run_month();
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

// --- the HTTP layer --------------------------------------------------------------------

std::string http_exchange(uint16_t port, const std::string& request) {
  namespace net = boost::asio;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(socket, net::buffer(request), ec);
  std::string reply;
  char buffer[4096];
  for (;;) {
    const size_t n = socket.read_some(net::buffer(buffer), ec);
    reply.append(buffer, n);
    if (ec) break;
  }
  return reply;
}

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

}  // namespace
}  // namespace vetan::serve
