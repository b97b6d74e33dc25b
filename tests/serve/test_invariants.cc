// The service as a system of record (issue 9 §2): the invariants the monthly cycle must
// keep whatever the order of edits, runs and bill actions — nobody paid twice, a bill equal
// to its payslips, a profile recorded with every run, one-time passwords used once, one
// server per data folder, a failing store refused rather than silently written past.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "api/commands.h"
#include "api/serve/crypto.h"
#include "api/serve/heavy_slots.h"
#include "api/serve/http_server.h"
#include "api/serve/service.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

namespace fs = std::filesystem;

const char kBill1[] = "/v1/bills/2026-11/TR01/DDO001/1";

std::string otp_body(const std::string& code) { return "{\"otp\": \"" + code + "\"}"; }

class InvariantTest : public ServeTest {
 protected:
  std::string otp_now() { return totp_code(kTotpSecret, clock_.now()); }
  void confirm(const std::string& bill) {
    const Reply r = call(kDdo1, "POST", bill + "/confirm", otp_body(otp_now()));
    ASSERT_EQ(r.status, 200) << r.body;
    clock_.set(clock_.now() + 30);  // the next code is another time step (RFC 6238 §5.2)
  }
  // Bills of the month that pay (GENERATED, CONFIRMED, PASSED): id -> employees.
  std::map<std::string, int64_t> paying_bills() {
    simdjson::dom::parser parser;
    const Reply r = call(kAdmin, "GET", "/v1/bills?month=2026-11");
    std::map<std::string, int64_t> out;
    for (simdjson::dom::element b : parser.parse(r.body)["bills"].get_array()) {
      const std::string_view state = b["state"];
      if (state == "GENERATED" || state == "CONFIRMED" || state == "PASSED") {
        out[std::string(std::string_view(b["bill_id"]))] = int64_t(b["employees"]);
      }
    }
    return out;
  }
};

// Issue 9 §2: once a bill is CONFIRMED its rows are settled for the month; moving a settled
// row to another bill group must not put it on a second bill of that month.
TEST_F(InvariantTest, SettledRowIsNotPaidAgainOnAnotherBill) {
  run_month();
  confirm(kBill1);
  const int64_t settled = paying_bills().at("2026-11/TR01/DDO001/1");
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"bill_group": "2"})").status, 200);
  run_month();
  const auto bills = paying_bills();
  EXPECT_EQ(bills.count("2026-11/TR01/DDO001/2"), 0u) << "E0001 is on a second bill of 2026-11";
  EXPECT_EQ(bills.at("2026-11/TR01/DDO001/1"), settled);
  // E0001's payslip is still the one the settled bill paid.
  const Reply slip = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11");
  ASSERT_EQ(slip.status, 200) << slip.body;
  EXPECT_NE(slip.body.find("\"bill_id\":\"2026-11/TR01/DDO001/1\""), std::string::npos) << slip.body;
}

// Issue 9 §2: a row the run pays beside a settled bill of the same group goes on a
// supplementary bill, which equals its payslips.
TEST_F(InvariantTest, ARowReleasedAfterItsBillWasConfirmedGoesOnASupplementaryBill) {
  run_month();  // E0003 is stopped
  confirm(kBill1);
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0003/release").status, 200);
  run_month();
  const auto bills = paying_bills();
  ASSERT_EQ(bills.count("2026-11/TR01/DDO001/1-S2"), 1u) << call(kAdmin, "GET", "/v1/bills").body;
  EXPECT_EQ(bills.at("2026-11/TR01/DDO001/1-S2"), 1);
  simdjson::dom::parser parser;
  const Reply slip = call(kDdo1, "GET", "/v1/employees/E0003/payslips/2026-11");
  ASSERT_EQ(slip.status, 200) << slip.body;
  EXPECT_EQ(std::string_view(parser.parse(slip.body)["bill_id"]), "2026-11/TR01/DDO001/1-S2");
  const int64_t gross = parser.parse(slip.body)["amounts"]["gross"];
  const Reply bill = call(kDdo1, "GET", "/v1/bills/2026-11/TR01/DDO001/1-S2");
  ASSERT_EQ(bill.status, 200) << bill.body;
  EXPECT_EQ(int64_t(parser.parse(bill.body)["gross"]), gross);
  EXPECT_EQ(int64_t(parser.parse(bill.body)["totals"]["gross"]), gross);
}

// Issue 9 §2: completed months' views are bounded in memory; a month evicted reads the same
// when recomputed, its settled bill and payslips included.
TEST_F(InvariantTest, EvictedMonthsAreRecomputedWhenRead) {
  resident_views_ = 1;
  service_.reset();
  open();
  run_month();
  confirm(kBill1);
  settle_and_close("2026-11");  // issue 12 §1: December runs once November is closed
  const std::vector<std::string> reads = {"/v1/employees/E0001/payslips/2026-11", kBill1,
                                          "/v1/reports/mismatches?month=2026-11"};
  std::vector<std::string> before;
  for (const std::string& t : reads) before.push_back(call(kAdmin, "GET", t).body);
  ASSERT_EQ(call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-12", "wait": true})").status, 201);
  ASSERT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").status, 200);
  for (size_t i = 0; i < reads.size(); ++i) EXPECT_EQ(call(kAdmin, "GET", reads[i]).body, before[i]) << reads[i];
  ASSERT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").status, 200);
  service_.reset();
  open();
  for (size_t i = 0; i < reads.size(); ++i) EXPECT_EQ(call(kAdmin, "GET", reads[i]).body, before[i]) << reads[i];
}

// Issue 9 §2: numbers a scenario or a request may hold are bounded, so 64-bit arithmetic
// never overflows: a DA of 10^18 percent is refused, never a negative DA.
TEST_F(InvariantTest, HugeNumbersAreRefusedNotWrapped) {
  run_month();
  for (const char* percent : {"1e18", "1000000000000000000", "92233720368547758"}) {
    const std::string body = std::string(R"({"changes": [{"da": {"from": "2026-01", "percent": )") + percent +
                             R"(}}], "from": "2026-11", "to": "2026-11"})";
    const Reply r = call(kAdmin, "POST", "/v1/arrears", body);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << percent << ": " << r.status << " " << r.body;
  }
  const std::string scenario =
      R"({"schema": "vetan.scenario/1", "name": "x", "from": "2026-11", "to": "2026-11", "group_by": [],
          "changes": [{"da": {"from": "2026-11", "percent": 1e18}}]})";
  const Reply w = call(kAdmin, "POST", "/v1/whatif", scenario);
  EXPECT_TRUE(w.status == 400 || w.status == 422) << w.status << " " << w.body;
  EXPECT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "INCOME_TAX", "amount": 9223372036854775807})").status, 400);
  EXPECT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"basic_pay": 9223372036854775807})").status, 400);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/audit?after=99999999999999999999").status, 400);
}

// Issue 9 §2: lists are paginated, proposals and runs too.
TEST_F(InvariantTest, ProposalsAndRunsArePaginated) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/proposals", R"({"kind": "INCOME_TAX", "amount": 10})").status, 201);
  }
  Reply r = call(kDdo1, "GET", "/v1/proposals?page_size=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"next_page_token\":\"2\""), std::string::npos) << r.body;
  r = call(kDdo1, "GET", "/v1/proposals?page_size=2&page_token=2");
  EXPECT_NE(r.body.find("\"proposal_id\":3"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("next_page_token"), std::string::npos) << r.body;
  EXPECT_EQ(call(kDdo1, "GET", "/v1/proposals?page_token=x").status, 400);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/proposals?status=MAYBE").status, 400);
  run_month();
  run_month();
  r = call(kAnalyst, "GET", "/v1/runs?page_size=1");
  EXPECT_NE(r.body.find("\"next_page_token\":\"1\""), std::string::npos) << r.body;
  r = call(kAnalyst, "GET", "/v1/runs?page_size=1&page_token=1");
  EXPECT_NE(r.body.find("\"run_id\":2"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("next_page_token"), std::string::npos) << r.body;
}

// Issue 9 §2: heavy requests are fair — one slot per kind, one computation per caller.
TEST(HeavySlots, OneKindCannotKeepTheOtherOut) {
  HeavySlots slots;
  Status why;
  HeavySlots::Slot arrears = slots.acquire(HeavySlots::Kind::kArrears, "ddo:DDO001", &why);
  ASSERT_TRUE(arrears.held());
  EXPECT_FALSE(slots.acquire(HeavySlots::Kind::kArrears, "ddo:DDO002", &why).held());
  EXPECT_EQ(why.code(), Status::Code::kExhausted);
  EXPECT_FALSE(slots.acquire(HeavySlots::Kind::kWhatIf, "ddo:DDO001", &why).held());  // one per caller
  {
    const HeavySlots::Slot whatif = slots.acquire(HeavySlots::Kind::kWhatIf, "analyst", &why);
    EXPECT_TRUE(whatif.held());
  }
  arrears = HeavySlots::Slot();  // released
  EXPECT_TRUE(slots.acquire(HeavySlots::Kind::kArrears, "ddo:DDO002", &why).held());
}

// Issue 9 §2: other salary for a month the row was already paid in is refused.
TEST_F(InvariantTest, OtherSalaryForAPaidMonthIsRefused) {
  run_month();
  confirm(kBill1);
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();  // stops E0001, but November was paid by the confirmed bill
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
  clock_.set_date(days_from_civil(2026, 12, 23));
  const Reply r = call(kDdo1, "POST", "/v1/employees/E0001/other-salary", R"({"month": "2026-11"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("already paid"), std::string::npos) << r.body;
}

// Issue 9 §2: an other-salary bill and the regular bill cannot both be confirmed for a row.
TEST_F(InvariantTest, SecondConfirmationOfARowInAMonthIsRefused) {
  run_month();
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();  // November withheld for E0001
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/release").status, 200);
  clock_.set_date(days_from_civil(2026, 12, 23));
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0001/other-salary", R"({"month": "2026-11"})").status, 201);
  // A rerun of November pays E0001 on the regular bill again (released).
  ASSERT_EQ(call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})").status, 201);
  confirm("/v1/bills/2026-11/OS/DDO001/E0001");
  const Reply r = call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(otp_now()));
  EXPECT_EQ(r.status, 409) << r.body;  // E0001 is already paid for 2026-11
  EXPECT_NE(r.body.find("E0001"), std::string::npos) << r.body;
}

// Issue 9 §2: a bill's totals equal the sum of its payslips in every state, also after an
// edit of one of its rows and a rerun of the month.
TEST_F(InvariantTest, BillTotalsEqualTheSumOfItsPayslipsInEveryState) {
  simdjson::dom::parser parser;
  const auto check = [&](const std::string& when) {
    const Reply bill = call(kAdmin, "GET", kBill1);
    ASSERT_EQ(bill.status, 200) << bill.body;
    const int64_t gross = parser.parse(bill.body)["gross"];
    const int64_t net = parser.parse(bill.body)["net"];
    const int64_t employees = parser.parse(bill.body)["employees"];
    int64_t sum_gross = 0, sum_net = 0, n = 0;
    for (const char* id : {"E0001", "E0002", "E0003", "E0004", "E0005"}) {
      const Reply slip = call(kAdmin, "GET", std::string("/v1/employees/") + id + "/payslips/2026-11");
      if (slip.status != 200) continue;
      simdjson::dom::element e = parser.parse(slip.body);
      if (std::string_view(e["bill_id"]) != "2026-11/TR01/DDO001/1") continue;
      sum_gross += int64_t(e["amounts"]["gross"]);
      sum_net += int64_t(e["amounts"]["net"]);
      ++n;
    }
    EXPECT_EQ(gross, sum_gross) << when;
    EXPECT_EQ(net, sum_net) << when;
    EXPECT_EQ(employees, n) << when;
  };
  run_month();
  check("generated");
  confirm(kBill1);
  check("confirmed");
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"basic_pay": 56900, "pay_cell": 9})").status, 200);
  run_month();
  check("confirmed, after an edit and a rerun");
  ASSERT_EQ(call(kTreasury1, "POST", std::string(kBill1) + "/pass").status, 200);
  check("passed");
  service_.reset();
  open();
  check("passed, after a restart");
}

// Issue 9 §2: the profile is part of the state. A restart with another profile records a
// new version for runs from then on; the months already run keep theirs.
TEST_F(InvariantTest, ARestartWithAnotherProfileKeepsOldMonths) {
  run_month();
  const std::string before = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body;
  std::string profile = read_text(profile_path_);
  const std::string from = R"({ "from": "2026-01", "percent": 60.5 })";
  ASSERT_NE(profile.find(from), std::string::npos);
  profile.replace(profile.find(from), from.size(), R"({ "from": "2026-01", "percent": 70 })");
  profile_path_ = (dir_ / "revised-profile.json").string();
  std::ofstream(profile_path_) << profile;
  service_.reset();
  open();
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body, before);
  const Reply runs = call(kAdmin, "GET", "/v1/runs/1");
  EXPECT_NE(runs.body.find("\"profile_version\":1"), std::string::npos) << runs.body;
  run_month();  // the new version applies from now on
  const std::string after = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body;
  EXPECT_NE(after, before);
  EXPECT_NE(call(kAdmin, "GET", "/v1/runs/2").body.find("\"profile_version\":2"), std::string::npos);
  // And a second restart with the revised profile adds no version and changes nothing.
  service_.reset();
  open();
  EXPECT_EQ(call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-11").body, after);
}

// RFC 6238 §5.2: a one-time password is accepted once.
TEST_F(InvariantTest, OneTimePasswordIsSingleUse) {
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0002", R"({"bill_group": "2"})").status, 200);
  run_month();
  const std::string code = otp_now();
  ASSERT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(code)).status, 200);
  const Reply again = call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/2/confirm", otp_body(code));
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_NE(again.body.find("already used"), std::string::npos) << again.body;
  clock_.set(clock_.now() + 30);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/bills/2026-11/TR01/DDO001/2/confirm", otp_body(otp_now())).status, 200);
}

// Issue 9 §2: a DDO's confirmations lock after a few wrong codes, for a while; the lock is
// audited and visible to the DDO.
TEST_F(InvariantTest, WrongCodesLockConfirmations) {
  run_month();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body("000000")).status, 422) << i;
  }
  const Reply locked = call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(otp_now()));
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_NE(locked.body.find("LOCKED"), std::string::npos) << locked.body;
  const Reply ddo = call(kDdo1, "GET", "/v1/ddos/DDO001");
  ASSERT_EQ(ddo.status, 200) << ddo.body;
  EXPECT_NE(ddo.body.find("\"locked_until\""), std::string::npos) << ddo.body;
  EXPECT_EQ(call(kDdo2, "GET", "/v1/ddos/DDO001").status, 403);
  const Reply audit = call(kDdo1, "GET", "/v1/ddos/DDO001/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("otp.failure"), std::string::npos) << audit.body;
  // The lock survives a restart and ends after its time.
  service_.reset();
  open();
  EXPECT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(otp_now())).status, 429);
  clock_.set(clock_.now() + 16 * 60);
  EXPECT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(otp_now())).status, 200);
}

// Issue 9 §2: one server per data folder.
TEST_F(InvariantTest, ASecondServerOnTheSameFolderIsRefused) {
  std::unique_ptr<Service> second;
  const Status s = try_open(second);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pid " + std::to_string(::getpid())), std::string::npos) << s.message();
  second.reset();
  service_.reset();  // the first lets go
  EXPECT_TRUE(try_open(second).ok());
}

// Issue 9 §2: a store emptied or removed where events had been written is refused at start.
TEST_F(InvariantTest, AnEmptiedOrMissingStoreIsRefusedAtStart) {
  run_month();
  service_.reset();
  if (postgres()) {
    // The trail truncated, an event deleted in the middle, the table dropped.
    std::unique_ptr<Service> s;
    ASSERT_EQ(pg_exec("CREATE TABLE saved (LIKE audit INCLUDING ALL); INSERT INTO saved SELECT * FROM audit"), "");
    ASSERT_EQ(pg_exec("DELETE FROM audit WHERE seq = 2"), "");
    Status opened = try_open(s);
    EXPECT_FALSE(opened.ok());
    EXPECT_NE(opened.message().find("missing from its trail"), std::string::npos) << opened.message();
    s.reset();
    ASSERT_EQ(pg_exec("TRUNCATE audit"), "");
    opened = try_open(s);
    EXPECT_FALSE(opened.ok());
    EXPECT_NE(opened.message().find("PostgreSQL store"), std::string::npos) << opened.message();
    EXPECT_NE(opened.message().find("truncated"), std::string::npos) << opened.message();
    s.reset();
    ASSERT_EQ(pg_exec("DROP TABLE audit"), "");
    opened = try_open(s);
    EXPECT_FALSE(opened.ok());
    EXPECT_NE(opened.message().find("missing"), std::string::npos) << opened.message();
    s.reset();
    ASSERT_EQ(pg_exec("ALTER TABLE saved RENAME TO audit"), "");  // restored from a backup
    EXPECT_TRUE(try_open(s).ok());
    return;
  }
  const fs::path store = dir_ / "data" / "audit.sqlite3";
  fs::remove(dir_ / "data" / "audit.sqlite3-wal");
  fs::remove(dir_ / "data" / "audit.sqlite3-shm");
  std::ofstream(store, std::ios::trunc).close();  // zero bytes
  std::unique_ptr<Service> s;
  Status opened = try_open(s);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("audit.sqlite3"), std::string::npos) << opened.message();
  s.reset();
  fs::remove(store);
  opened = try_open(s);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("missing"), std::string::npos) << opened.message();
}

// Issue 9 §2: a store that disappears while running turns /healthz and writes into 503.
TEST_F(InvariantTest, AStoreRemovedWhileRunningAnswers503) {
  run_month();
  if (postgres()) {
    ASSERT_EQ(pg_exec("TRUNCATE audit"), "");  // emptied under the server
  }
  for (const char* name : {"audit.sqlite3", "audit.sqlite3-wal", "audit.sqlite3-shm"}) fs::remove(dir_ / "data" / name);
  const Reply write = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 1})");
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_NE(write.body.find("STORE_UNAVAILABLE"), std::string::npos) << write.body;
  EXPECT_EQ(call(kNone, "GET", "/healthz").status, 503);
  EXPECT_EQ(call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})").status, 503);
}

// Issue 9 §2: the tokens file is refused when group or others can read it.
TEST_F(InvariantTest, AGroupReadableTokensFileIsRefused) {
  service_.reset();
  fs::permissions(dir_ / "tokens", fs::perms::group_read, fs::perm_options::add);
  std::unique_ptr<Service> s;
  const Status opened = try_open(s);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("tokens"), std::string::npos) << opened.message();
}

// Issue 9 §2: `vetan tokens` makes the file 0600 and refuses a second TOTP secret for a DDO
// unless told to rotate it (the old secret is then gone).
TEST_F(InvariantTest, TokensCommandKeepsOneTotpSecretPerDdo) {
  const std::string file = (dir_ / "new-tokens").string();
  ASSERT_EQ(tokens_command({"--role", "ddo:D7", "--totp", "--file", file}), kExitOk);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(tokens_command({"--role", "ddo:D7", "--totp", "--file", file}), kExitRefused);
  EXPECT_EQ(tokens_command({"--role", "ddo:D7", "--file", file}), kExitOk);  // no secret: fine
  ASSERT_EQ(tokens_command({"--role", "ddo:D7", "--totp", "--rotate", "--file", file}), kExitOk);
  TokenRegistry registry;
  EXPECT_TRUE(registry.load(file).ok());
}

// Issue 9 §2, HTTP: a transfer coding other than chunked is refused and the connection
// closed; Expect: 100-continue is answered; connections beyond the cap get 503.
TEST_F(InvariantTest, HttpTransferCodingExpectContinueAndConnectionCap) {
  HttpOptions options;
  options.port = 0;
  options.max_connections = 2;
  // Long enough that the two idle connections below stay open while the probe asks again
  // (the server closes a connection idle for read_timeout).
  options.read_timeout = std::chrono::milliseconds(20000);
  HttpServer server(service_.get(), options);
  ASSERT_TRUE(server.listen().ok());
  std::thread thread([&] { server.run(); });
  const uint16_t port = server.port();
  const std::string auth = std::string("Authorization: Bearer ") + kTokens[kAdmin] + "\r\n";

  std::string r = http_exchange(port, "POST /v1/runs HTTP/1.1\r\nHost: x\r\n" + auth +
                                          "Transfer-Encoding: gzip\r\n\r\nxxxx");
  EXPECT_EQ(r.find("HTTP/1.1 400"), 0u) << r;
  EXPECT_NE(r.find("Transfer-Encoding"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
  r = http_exchange(port, "POST /v1/runs HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: chunked, gzip\r\n\r\n");
  EXPECT_EQ(r.find("HTTP/1.1 400"), 0u) << r;

  {
    // The client waits for 100 Continue before it sends the body.
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    const std::string body = R"({"lwp_days": 1})";
    net::write(socket, net::buffer("PATCH /v1/employees/E0001 HTTP/1.1\r\nHost: x\r\n" + auth +
                                   "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n"));
    char buffer[4096];
    const size_t n = socket.read_some(net::buffer(buffer));
    EXPECT_EQ(std::string(buffer, n).find("HTTP/1.1 100 Continue"), 0u) << std::string(buffer, n);
    net::write(socket, net::buffer(body));
    std::string reply;
    boost::system::error_code ec;
    for (;;) {
      const size_t m = socket.read_some(net::buffer(buffer), ec);
      reply.append(buffer, m);
      if (ec) break;
    }
    EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
  }

  {
    // Two idle connections fill the cap; a third gets 503.
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::socket a(io), b(io);
    a.connect({net::ip::make_address("127.0.0.1"), port});
    b.connect({net::ip::make_address("127.0.0.1"), port});
    // The server counts a connection once it has accepted it; on a loaded machine that can
    // take a while, so ask again (a few seconds at most) until both are counted.
    for (int tries = 0; tries < 100; ++tries) {  // each probe closes at once: it never holds a slot
      r = http_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      if (r.find("HTTP/1.1 503") == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(r.find("HTTP/1.1 503"), 0u) << r;
    EXPECT_NE(r.find("TOO_MANY_CONNECTIONS"), std::string::npos) << r;
  }
  for (int tries = 0; tries < 100; ++tries) {  // until the server has seen the two close
    r = http_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if (r.find("HTTP/1.1 200") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(r.find("HTTP/1.1 200"), 0u) << r;
  server.stop();
  thread.join();
}

}  // namespace
}  // namespace vetan::serve
