// The GPF fund and the PF-9 case in the service (gpf.md §6-§7, issue 10 items 4-5;
// /work/notes/fund-routes.md): import whole or not at all, postings by the roles that
// sanction them, the export giving the statement's figures, the case end to end with every
// step's role checked, a second payment refused, and all of it rebuilt on restart.
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "api/commands.h"
#include "api/gpf_authority.h"
#include "core/gpf/statement.h"
#include "loaders/gpf/ledger_csv.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

// The fund's roles beside the fixture's.
enum FundWho { kEmployee2, kEmployee1, kHoo1, kHoo2, kInitiator, kChecker, kApprover, kFundWhoCount };
const char* const kFundTokens[kFundWhoCount] = {"tok-e2", "tok-e1", "tok-hoo1", "tok-hoo2", "tok-agi", "tok-agc", "tok-aga"};
const char* const kFundRoles[kFundWhoCount] = {"employee:E0002", "employee:E0001", "hoo:DDO001", "hoo:DDO002",
                                               "ag:initiator",   "ag:checker",     "ag:approver"};

const std::string kLedger =
    "gpf_account,month,kind,amount,reference\n"
    "GPF/2,2025-04,OPENING,100000,\n"
    "GPF/2,2025-05,SUBSCRIPTION,5000,b1\n"
    "GPF/9,2025-04,OPENING,50000,\n";
// `body` (a JSON object) with "gpf_account": `account` first.
std::string with_account(const std::string& account, const std::string& body) {
  return "{\"gpf_account\": \"" + account + "\", " + body.substr(body.find('{') + 1);
}
const std::string kPdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

class GpfServeTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    service_.reset();
    std::ofstream tokens(dir_ / "tokens", std::ios::app);
    for (int i = 0; i < kFundWhoCount; ++i) tokens << sha256_hex(kFundTokens[i]) << " " << kFundRoles[i] << "\n";
    tokens.close();
    // The mini profile with gpf.interest: 7.1% from 2020-04.
    std::string profile = read_text(profile_path_);
    const std::string key = "\"gpf\": {";
    ASSERT_NE(profile.find(key), std::string::npos);
    profile.replace(profile.find(key), key.size(), key + " \"interest\": [{\"from\": \"2020-04\", \"percent\": 7.1}],");
    profile_path_ = (dir_ / "profile.json").string();
    std::ofstream(profile_path_) << profile;
    open();
  }
  Reply fund(FundWho who, const std::string& method, const std::string& target, const std::string& body = "") {
    return service_->handle(Request{method, target, std::string("Bearer ") + kFundTokens[who], body});
  }
  void restart() {
    service_.reset();
    open();
  }
  static int64_t number(const std::string& json, const char* key) {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(json);
    return int64_t(root[key]);
  }
  static std::string text(const std::string& json, const char* outer, const char* key) {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(json);
    return std::string(std::string_view(root[outer][key]));
  }
};

TEST_F(GpfServeTest, ImportIsWholeOrNothingAndOnce) {
  Reply r = call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger + "GPF/3,2025-13,SUBSCRIPTION,1,\n");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("\"line\":4"), std::string::npos) << r.body;
  EXPECT_EQ(call(kAdmin, "GET", "/v1/gpf/export").body, "gpf_account,month,kind,amount,reference\n");
  EXPECT_EQ(call(kDdo1, "POST", "/v1/gpf/ledger/import", kLedger).status, 403);
  r = call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(number(r.body, "imported_lines"), 3);
  EXPECT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 409);
  restart();
  r = call(kAdmin, "GET", "/v1/gpf/ledger?account=GPF%2F2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"OPENING\",\"amount\":100000"), std::string::npos) << r.body;
}

TEST_F(GpfServeTest, LedgerImportedAtStart) {
  std::ofstream(dir_ / "ledger.csv") << kLedger;
  gpf_ledger_path_ = (dir_ / "ledger.csv").string();
  restart();
  restart();  // the same file again: imported once
  const Reply r = call(kAdmin, "GET", "/v1/gpf/export");
  EXPECT_EQ(r.body, "gpf_account,month,kind,amount,reference\nGPF/2,2025-04,OPENING,100000,import:" +
                        sha256_hex(kLedger).substr(0, 12) + "\nGPF/2,2025-05,SUBSCRIPTION,5000,import:" +
                        sha256_hex(kLedger).substr(0, 12) + "\nGPF/9,2025-04,OPENING,50000,import:" +
                        sha256_hex(kLedger).substr(0, 12) + "\n");
  // An unreadable file refuses the start, naming it.
  std::ofstream(dir_ / "bad.csv") << "gpf_account,month,kind,amount\nX,2025-04,OPEN,1\n";
  gpf_ledger_path_ = (dir_ / "bad.csv").string();
  std::unique_ptr<Service> other;
  service_.reset();
  const Status s = try_open(other);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.csv"), std::string::npos) << s.message();
}

TEST_F(GpfServeTest, PostingsByTheRolesThatSanctionThem) {
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  const std::string advance = R"({"kind": "ADVANCE", "month": "2025-06", "amount": 20000, "reference": "TA/1"})";
  const std::string deposit = R"({"kind": "DEPOSIT", "month": "2025-07", "amount": 3000})";
  EXPECT_EQ(call(kTreasury1, "POST", "/v1/gpf/postings", with_account("GPF/2", advance)).status, 403);
  EXPECT_EQ(call(kAnalyst, "POST", "/v1/gpf/postings", with_account("GPF/2", advance)).status, 403);
  EXPECT_EQ(fund(kEmployee2, "POST", "/v1/gpf/postings", with_account("GPF/2", advance)).status, 403);
  EXPECT_EQ(fund(kInitiator, "POST", "/v1/gpf/postings", with_account("GPF/2", advance)).status, 403);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/gpf/postings", with_account("GPF/9", advance)).status, 403);  // not its office's account
  EXPECT_EQ(call(kDdo1, "POST", "/v1/gpf/postings", with_account("GPF/2", deposit)).status, 403);  // a DEPOSIT is the AG's
  EXPECT_EQ(call(kDdo1, "POST", "/v1/gpf/postings", with_account("GPF/2", R"({"kind": "SUBSCRIPTION", "month": "2025-06", "amount": 1})")).status, 400);
  EXPECT_EQ(call(kDdo1, "POST", "/v1/gpf/postings", with_account("GPF/2", R"({"kind": "WITHDRAWAL", "month": "2025-06", "amount": 1000000})")).status, 422);  // below 0
  Reply r = call(kDdo1, "POST", "/v1/gpf/postings", with_account("GPF/2", advance));
  ASSERT_EQ(r.status, 201) << r.body;
  r = fund(kApprover, "POST", "/v1/gpf/postings", with_account("GPF/2", deposit));
  ASSERT_EQ(r.status, 201) << r.body;
  // The statement by hand: opening 100000; May +5000; June -20000; July +3000.
  // balances: Apr 100000, May 105000, Jun 85000, Jul..Mar 88000 (9 months)
  // Σ = 100000 + 105000 + 85000 + 9 × 88000 = 1082000; interest = rnd(1082000 × 7.1 / 1200)
  // = rnd(6401.83) = 6402; closing = 88000 + 6402 = 94402.
  restart();
  r = fund(kEmployee2, "GET", "/v1/gpf/statement?account=GPF%2F2&fy=2025-26");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(number(r.body, "interest"), 6402);
  EXPECT_EQ(number(r.body, "closing"), 94402);
  EXPECT_EQ(fund(kEmployee1, "GET", "/v1/gpf/statement?account=GPF%2F2&fy=2025-26").status, 403);
  EXPECT_EQ(call(kTreasury1, "GET", "/v1/gpf/ledger?account=GPF%2F2").status, 403);
  EXPECT_EQ(fund(kHoo1, "GET", "/v1/gpf/ledger?account=GPF%2F2").status, 200);

  // gpf.md §6: `vetan gpf` on the export gives the same figures.
  const std::string csv = fund(kChecker, "GET", "/v1/gpf/export").body;
  GpfLedger ledger;
  ASSERT_TRUE(parse_gpf_ledger(csv, "export", &ledger).ok());
  EXPECT_TRUE(ledger.problems.empty());
  GpfStatementResult result;
  ASSERT_TRUE(compute_gpf_statement(ledger, GpfRates({{make_month(2020, 4), 710}}), make_month(2025, 4), &result).ok());
  ASSERT_EQ(ledger.accounts.value(0), "GPF/2");
  EXPECT_EQ(result.walks[0].year.interest, 6402);
  EXPECT_EQ(result.walks[0].year.closing, 94402);
}

TEST_F(GpfServeTest, FundRolesKeptToTheFundsRoutes) {
  for (int who = 0; who < kFundWhoCount; ++who) {
    EXPECT_EQ(fund(FundWho(who), "GET", "/v1/bills").status, 403) << kFundRoles[who];
    EXPECT_EQ(fund(FundWho(who), "GET", "/v1/employees/E0002").status, 403) << kFundRoles[who];
  }
}

// gpf.md §7 end to end: each step by its role, every other role refused and nothing changed.
TEST_F(GpfServeTest, Pf9CaseEndToEndAndRestart) {
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  const std::string application =
      R"({"reason": "RETIREMENT", "bank_account": "1000000002", "ifsc": "SBIN0001234", "payable_month": "2026-10"})";
  EXPECT_EQ(call(kDdo1, "POST", "/v1/pf9/cases", application).status, 403);
  Reply r = fund(kEmployee2, "POST", "/v1/pf9/cases", application);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = text(r.body, "case", "case_id");
  EXPECT_EQ(text(r.body, "case", "state"), "DRAFT");
  const std::string base = "/v1/pf9/cases/" + id;
  EXPECT_EQ(fund(kEmployee1, "GET", base).status, 404);

  // Documents: PDF by content only, and all three before the lock.
  EXPECT_EQ(fund(kEmployee2, "POST", base + "/documents/SIGNATURE", "GIF89a").status, 400);
  EXPECT_EQ(fund(kEmployee2, "POST", base + "/documents/SIGNATURE", "%PDF-1.4 no end").status, 400);
  EXPECT_EQ(fund(kEmployee2, "POST", base + "/lock").status, 400);
  for (const char* kind : {"SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"}) {
    r = fund(kEmployee2, "POST", base + "/documents/" + kind, kPdf);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(read_text((dir_ / "data" / "documents" / (sha256_hex(kPdf) + ".pdf")).string()), kPdf);

  struct StepCase {
    std::string path, body;
    Who caller;  // a fixture role, or kNone when `fund_caller` acts
    int fund_caller;
    std::string state;
  };
  const std::vector<StepCase> steps = {
      {"/lock", "{}", kNone, kEmployee2, "SUBMITTED"},
      {"/return", R"({"remark": "IFSC of another branch"})", kDdo1, -1, "RETURNED"},
      {"", R"({"ifsc": "SBIN0000002"})", kNone, kEmployee2, "RETURNED"},  // PATCH
      {"/lock", "{}", kNone, kEmployee2, "SUBMITTED"},
      {"/agree", R"({"final_deductions": [{"month": "2026-10", "amount": 5000}], "advances": []})", kDdo1, -1,
       "DDO_AGREED"},
      {"/sign", "{}", kDdo1, -1, "DDO_SIGNED"},
      {"/forward", "{}", kNone, kHoo1, "FORWARDED"},
      {"/initiate", R"({"amount": 1, "reason": "test amount"})", kNone, kInitiator, "INITIATED"},
      {"/check", R"({"amount": 1, "reason": "as initiated"})", kNone, kChecker, "CHECKED"},
      {"/approve", R"({"amount": 1, "reason": "as checked"})", kNone, kApprover, "AUTHORISED"},
      {"/pay", R"({"voucher": "TV/1", "amount": 1})", kTreasury1, -1, "PAID"},
  };
  for (const StepCase& s : steps) {
    const std::string method = s.path.empty() ? "PATCH" : "POST";
    // Every other role is refused (403, or 404 when it may not even read the case).
    for (int who = kAdmin; who < kWhoCount; ++who) {
      if (who == s.caller) continue;
      const int status = call(Who(who), method, base + s.path, s.body).status;
      EXPECT_TRUE(status == 403 || status == 404) << s.path << " by fixture role " << who << ": " << status;
    }
    for (int who = 0; who < kFundWhoCount; ++who) {
      if (who == s.fund_caller) continue;
      const int status = fund(FundWho(who), method, base + s.path, s.body).status;
      EXPECT_TRUE(status == 403 || status == 404) << s.path << " by " << kFundRoles[who] << ": " << status;
    }
    r = s.caller != kNone ? call(s.caller, method, base + s.path, s.body)
                          : fund(FundWho(s.fund_caller), method, base + s.path, s.body);
    ASSERT_EQ(r.status, 200) << s.path << ": " << r.body;
    EXPECT_EQ(text(r.body, "case", "state"), s.state) << s.path;
  }
  // A second payment is refused; the first stays.
  r = call(kTreasury1, "POST", base + "/pay", R"({"voucher": "TV/2", "amount": 1})");
  EXPECT_EQ(r.status, 409) << r.body;
  const std::string before = call(kAdmin, "GET", base).body;
  EXPECT_NE(before.find("\"voucher\":\"TV/1\""), std::string::npos) << before;
  EXPECT_NE(before.find("\"application_number\":\"PF9/2026/000001\""), std::string::npos) << before;
  restart();
  EXPECT_EQ(call(kAdmin, "GET", base).body, before);
  EXPECT_EQ(call(kTreasury1, "POST", base + "/pay", R"({"voucher": "TV/3", "amount": 1})").status, 409);
  // Lists: by state, narrowed to the caller.
  EXPECT_NE(fund(kEmployee2, "GET", "/v1/pf9/cases?state=PAID").body.find(id), std::string::npos);
  EXPECT_EQ(fund(kEmployee1, "GET", "/v1/pf9/cases").body.find(id), std::string::npos);
  EXPECT_EQ(call(kDdo2, "GET", "/v1/pf9/cases").body.find(id), std::string::npos);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/pf9/cases?state=DRAFT").body.find(id), std::string::npos);
}

TEST_F(GpfServeTest, Pf9AmountDifferingFromComputedNeedsReason) {
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  Reply r = fund(kEmployee2, "POST", "/v1/pf9/cases",
                 R"({"reason": "QUIT", "bank_account": "1", "ifsc": "SBIN0001234", "payable_month": "2026-10"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string base = "/v1/pf9/cases/" + text(r.body, "case", "case_id");
  for (const char* kind : {"SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"}) {
    ASSERT_EQ(fund(kEmployee2, "POST", base + "/documents/" + kind, kPdf).status, 200);
  }
  ASSERT_EQ(fund(kEmployee2, "POST", base + "/lock", "{}").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", base + "/agree", "{}").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", base + "/sign", "{}").status, 200);
  r = fund(kHoo1, "POST", base + "/forward", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  const int64_t computed = number(r.body, "computed_amount");
  EXPECT_GT(computed, 105000);  // the balance with interest
  r = fund(kInitiator, "POST", base + "/initiate", R"({"amount": 1})");
  EXPECT_EQ(r.status, 400) << r.body;
  r = fund(kInitiator, "POST", base + "/initiate", "{\"amount\": " + std::to_string(computed) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(r.body, "case", "state"), "INITIATED");
}

// The case list (issue 10): each case carries the computed amount its detail gives, so a
// queue needs no request per row; every role lists exactly the cases it may read, the state
// filter narrows it, and a bad filter or page size is a 400 naming it.
TEST_F(GpfServeTest, Pf9ListCarriesTheComputedAmountAndKeepsToTheCallersCases) {
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  Reply r = fund(kEmployee2, "POST", "/v1/pf9/cases",
                 R"({"reason": "QUIT", "bank_account": "1", "ifsc": "SBIN0001234", "payable_month": "2026-10"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = text(r.body, "case", "case_id");
  const std::string base = "/v1/pf9/cases/" + id;
  for (const char* kind : {"SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"}) {
    ASSERT_EQ(fund(kEmployee2, "POST", base + "/documents/" + kind, kPdf).status, 200);
  }
  ASSERT_EQ(fund(kEmployee2, "POST", base + "/lock", "{}").status, 200);
  simdjson::dom::parser parser;
  // Each role: the list holds the case iff the detail is readable, with the same amount.
  size_t readers = 0;
  auto check = [&](const Reply& detail, const Reply& list, const std::string& who) {
    ASSERT_EQ(list.status, 200) << who << ": " << list.body;
    simdjson::dom::array cases = parser.parse(list.body)["cases"];
    size_t found = 0;
    for (simdjson::dom::element c : cases) {
      if (std::string_view(c["case_id"]) != id) continue;
      ++found;
      ASSERT_EQ(detail.status, 200) << who << " lists a case it may not read";
      simdjson::dom::parser other;
      const int64_t want = other.parse(detail.body)["computed_amount"];
      EXPECT_EQ(int64_t(c["computed_amount"]), want) << who;
      EXPECT_GT(want, 105000) << who;  // the balance with interest
    }
    EXPECT_EQ(found, detail.status == 200 ? 1u : 0u) << who << ": " << detail.status;
    readers += found;
  };
  for (int who = kAdmin; who < kWhoCount; ++who) {
    check(call(Who(who), "GET", base), call(Who(who), "GET", "/v1/pf9/cases"), "fixture role " + std::to_string(who));
  }
  for (int who = 0; who < kFundWhoCount; ++who) {
    check(fund(FundWho(who), "GET", base), fund(FundWho(who), "GET", "/v1/pf9/cases"), kFundRoles[who]);
  }
  EXPECT_GE(readers, 4u);  // the employee, its DDO and Head of Office, the AG's officers, admin
  EXPECT_EQ(fund(kEmployee2, "GET", "/v1/pf9/cases?state=SUBMITTED").body.find(id) != std::string::npos, true);
  EXPECT_EQ(fund(kEmployee2, "GET", "/v1/pf9/cases?state=DRAFT").body.find(id), std::string::npos);
  r = fund(kEmployee2, "GET", "/v1/pf9/cases?state=BOGUS");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("state"), std::string::npos) << r.body;
  r = fund(kEmployee2, "GET", "/v1/pf9/cases?page_size=0");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("page_size"), std::string::npos) << r.body;
  // A page token past the case: an empty page, no next token.
  r = fund(kEmployee2, "GET", "/v1/pf9/cases?page_token=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(id), std::string::npos);
  EXPECT_EQ(r.body.find("next_page_token"), std::string::npos);
}

// gpf.md §6: every completed run posts each PAID row's gpf as a SUBSCRIPTION of the month,
// the bill id as reference. Lines of the export with `account` and `kind`.
std::vector<std::string> export_lines(const std::string& csv, const std::string& account) {
  std::vector<std::string> out;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(account + ",", 0) == 0 && line.find(",SUBSCRIPTION,") != std::string::npos) out.push_back(line);
  }
  return out;
}

class GpfRunTest : public GpfServeTest {
 protected:
  void SetUp() override {
    GpfServeTest::SetUp();
    // E0005 (a copy of E0002) gets an account of its own: the run posts to the account the
    // master says when the run starts.
    ASSERT_EQ(call(kDdo2, "PATCH", "/v1/employees/E0005", R"({"gpf_account": "GPF/5"})").status, 200);
  }
  int64_t gpf_of(const std::string& employee) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + employee + "/payslips/2026-11");
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    return int64_t(parser.parse(r.body)["amounts"]["gpf"]);
  }
  void confirm(const std::string& bill) {
    const Reply r = call(kDdo1, "POST", bill + "/confirm", "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"}");
    ASSERT_EQ(r.status, 200) << r.body;
    clock_.set(clock_.now() + 30);
  }
  std::string exported() { return call(kAdmin, "GET", "/v1/gpf/export").body; }
  const std::string kBill1 = "2026-11/TR01/DDO001/1", kBill2 = "2026-11/TR02/DDO002/1";
};

TEST_F(GpfRunTest, RunsPostSubscriptionsAndARegeneratedBillReplacesThem) {
  run_month();
  const int64_t gpf = gpf_of("E0002");
  ASSERT_GT(gpf, 0);
  const std::string one = "GPF/2,2026-11,SUBSCRIPTION," + std::to_string(gpf) + "," + kBill1;
  EXPECT_EQ(export_lines(exported(), "GPF/2"), std::vector<std::string>{one});
  EXPECT_EQ(export_lines(exported(), "GPF/5"),
            std::vector<std::string>{"GPF/5,2026-11,SUBSCRIPTION," + std::to_string(gpf_of("E0005")) + "," + kBill2});
  // NPS rows (no account, no gpf) post nothing.
  EXPECT_EQ(export_lines(exported(), "").size(), 0u);
  // The account index follows the edit: E0005's DDO reads GPF/5, E0002's DDO does not.
  EXPECT_EQ(call(kDdo2, "GET", "/v1/gpf/ledger?account=GPF%2F5").status, 200);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/gpf/ledger?account=GPF%2F5").status, 403);
  EXPECT_EQ(call(kDdo2, "GET", "/v1/gpf/ledger?account=GPF%2F2").status, 403);

  // Rejected, then regenerated twice: still one subscription of the row for the month.
  ASSERT_EQ(call(kDdo1, "POST", "/v1/bills/" + kBill1 + "/reject", R"({"reason": "will correct"})").status, 200);
  run_month();
  run_month();
  EXPECT_EQ(export_lines(exported(), "GPF/2"), std::vector<std::string>{one});
  EXPECT_EQ(export_lines(exported(), "GPF/5").size(), 1u);
  const std::string before = exported();
  restart();
  EXPECT_EQ(exported(), before);
  // The statement reads them: the fund's figures over the import and the runs.
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  const Reply st = fund(kEmployee2, "GET", "/v1/gpf/statement?account=GPF%2F2&fy=2026-27");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(number(st.body, "opening") - number(fund(kEmployee2, "GET", "/v1/gpf/statement?account=GPF%2F2&fy=2025-26").body, "closing"), 0);
  const Reply nov = fund(kEmployee2, "GET", "/v1/gpf/statement?account=GPF%2F2&fy=2026-27");
  EXPECT_NE(nov.body.find("{\"month\":\"2026-11\",\"credits\":" + std::to_string(gpf)), std::string::npos) << nov.body;
  const Reply ledger = fund(kEmployee2, "GET", "/v1/gpf/ledger?account=GPF%2F2");
  EXPECT_NE(ledger.body.find("\"reference\":\"" + kBill1 + "\",\"by\":\"system\""), std::string::npos) << ledger.body;
}

TEST_F(GpfRunTest, ASupplementaryBillBesideASettledOnePostsOnlyItsRows) {
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/stop", R"({"reason": "inquiry"})").status, 200);
  run_month();  // bill 1 pays E0001 and E0004 (NPS): no subscription
  EXPECT_EQ(export_lines(exported(), "GPF/2").size(), 0u);
  confirm("/v1/bills/" + kBill1);
  ASSERT_EQ(call(kDdo1, "POST", "/v1/employees/E0002/release").status, 200);
  run_month();  // E0002 goes on 1-S2
  const std::string s2 = "GPF/2,2026-11,SUBSCRIPTION," + std::to_string(gpf_of("E0002")) + "," + kBill1 + "-S2";
  EXPECT_EQ(export_lines(exported(), "GPF/2"), std::vector<std::string>{s2});
  run_month();  // 1-S3 supersedes 1-S2: its postings go, the new ones come
  const std::vector<std::string> lines = export_lines(exported(), "GPF/2");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(kBill1 + "-S3"), std::string::npos) << lines[0];
  restart();
  EXPECT_EQ(export_lines(exported(), "GPF/2"), lines);
}

TEST_F(GpfServeTest, SubscriptionsCreditedNextMonthWhenTheProfileSaysSo) {
  std::string profile = read_text(profile_path_);
  const std::string key = "\"gpf\": {";
  profile.replace(profile.find(key), key.size(), key + " \"salary_credited\": \"next_month\",");
  std::ofstream(profile_path_) << profile;
  restart();
  run_month();
  EXPECT_NE(call(kAdmin, "GET", "/v1/gpf/export").body.find("GPF/2,2026-12,SUBSCRIPTION,"), std::string::npos);
}

// gpf.md §7 step 4, issue 10 item 5: the approver's amount authorises the case; the service
// issues a document signed with its Ed25519 key, which `vetan gpf verify` checks offline; the
// treasury pays that amount, once.
TEST_F(GpfServeTest, AuthorisationIsSignedVerifiedOfflineAndPaidAsAuthorised) {
  ASSERT_EQ(call(kAdmin, "POST", "/v1/gpf/ledger/import", kLedger).status, 200);
  Reply r = fund(kEmployee2, "POST", "/v1/pf9/cases",
                 R"({"reason": "RETIREMENT", "bank_account": "1000000002", "ifsc": "SBIN0001234", "payable_month": "2026-10"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = text(r.body, "case", "case_id");
  const std::string base = "/v1/pf9/cases/" + id;
  for (const char* kind : {"SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"}) {
    ASSERT_EQ(fund(kEmployee2, "POST", base + "/documents/" + kind, kPdf).status, 200);
  }
  ASSERT_EQ(fund(kEmployee2, "POST", base + "/lock", "{}").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", base + "/agree", "{}").status, 200);
  ASSERT_EQ(call(kDdo1, "POST", base + "/sign", "{}").status, 200);
  r = fund(kHoo1, "POST", base + "/forward", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  const int64_t computed = number(r.body, "computed_amount");
  const std::string amount = "{\"amount\": " + std::to_string(computed) + "}";
  ASSERT_EQ(fund(kInitiator, "POST", base + "/initiate", amount).status, 200);
  ASSERT_EQ(fund(kChecker, "POST", base + "/check", amount).status, 200);
  EXPECT_EQ(call(kAdmin, "GET", base + "/authorisation").status, 409);  // not authorised yet
  ASSERT_EQ(fund(kApprover, "POST", base + "/approve", amount).status, 200);

  r = call(kTreasury1, "GET", base + "/authorisation");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string document = r.body;
  EXPECT_EQ(call(kTreasury2, "GET", base + "/authorisation").status, 404);
  EXPECT_EQ(fund(kEmployee1, "GET", base + "/authorisation").status, 404);
  EXPECT_EQ(fund(kEmployee2, "GET", base + "/authorisation").body, document);
  const std::string key = call(kTreasury1, "GET", "/v1/gpf/authority-key").body;
  ASSERT_EQ(key.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u) << key;

  std::string detail;
  Pf9Authorisation a;
  EXPECT_EQ(verify_pf9_authorisation(document, key, &detail, &a), AuthorisationVerdict::kValid) << detail;
  EXPECT_EQ(a.case_id, id);
  EXPECT_EQ(a.amount, computed);
  EXPECT_EQ(a.gpf_account, "GPF/2");
  EXPECT_EQ(a.employee_id, "E0002");
  EXPECT_EQ(a.treasury_code, "TR01");
  EXPECT_EQ(a.approved_by, "ag:approver");
  EXPECT_EQ(a.approved_at, utc_timestamp(clock_.now()));
  // Changed by one rupee: invalid.
  std::string changed = document;
  const std::string line = "amount: " + std::to_string(computed) + "\n";
  ASSERT_NE(changed.find(line), std::string::npos) << changed;
  changed.replace(changed.find(line), line.size(), "amount: " + std::to_string(computed + 1) + "\n");
  EXPECT_EQ(verify_pf9_authorisation(changed, key, &detail), AuthorisationVerdict::kInvalid);
  EXPECT_NE(detail.find("does not match"), std::string::npos) << detail;
  // Signed by another key (a forger's, named in the document): invalid against the authority's.
  Ed25519Key forger;
  ASSERT_TRUE(forger.load_or_create((dir_ / "forger.key").string()).ok());
  Pf9Authorisation forged = a;
  forged.amount = computed * 10;
  const std::string forgery = signed_pf9_authorisation(forged, forger);
  EXPECT_EQ(verify_pf9_authorisation(forgery, "", &detail), AuthorisationVerdict::kValid) << detail;  // self-consistent
  EXPECT_EQ(verify_pf9_authorisation(forgery, key, &detail), AuthorisationVerdict::kInvalid);
  EXPECT_NE(detail.find("other than the authority"), std::string::npos) << detail;
  EXPECT_EQ(verify_pf9_authorisation("hello\n", key, &detail), AuthorisationVerdict::kUnusable);
  EXPECT_EQ(verify_pf9_authorisation(document, "not a key", &detail), AuthorisationVerdict::kUnusable);

  // `vetan gpf verify`: 0 valid, 1 invalid, 2 unusable.
  std::ofstream(dir_ / "auth.txt") << document;
  std::ofstream(dir_ / "changed.txt") << changed;
  std::ofstream(dir_ / "authority.pem") << key;
  const std::string pem = (dir_ / "authority.pem").string();
  EXPECT_EQ(gpf_command({"verify", (dir_ / "auth.txt").string(), "--key", pem}), 0);
  EXPECT_EQ(gpf_command({"verify", (dir_ / "auth.txt").string()}), 0);
  EXPECT_EQ(gpf_command({"verify", (dir_ / "changed.txt").string(), "--key", pem}), 1);
  EXPECT_EQ(gpf_command({"verify", (dir_ / "missing.txt").string(), "--key", pem}), 2);
  EXPECT_EQ(gpf_command({"verify", (dir_ / "auth.txt").string(), "--key", (dir_ / "auth.txt").string()}), 2);

  // The treasury pays the authorised amount, and only it, once.
  r = call(kTreasury1, "POST", base + "/pay", "{\"voucher\": \"TV/9\", \"amount\": " + std::to_string(computed + 1) + "}");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("AMOUNT_MISMATCH"), std::string::npos) << r.body;
  EXPECT_EQ(call(kTreasury1, "POST", base + "/pay", R"({"voucher": "TV/9"})").status, 400);
  r = call(kTreasury1, "POST", base + "/pay", "{\"voucher\": \"TV/9\", \"amount\": " + std::to_string(computed) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(call(kTreasury1, "POST", base + "/pay", "{\"voucher\": \"TV/10\", \"amount\": " + std::to_string(computed) + "}").status,
            409);

  // The key is made once: a restart signs with the same key (the same bytes); the key file is
  // the owner's alone, and one that group or others may read refuses the start.
  const fs::path key_file = dir_ / "data" / "gpf-authority.key";
  EXPECT_EQ(fs::status(key_file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  restart();
  EXPECT_EQ(call(kAdmin, "GET", base + "/authorisation").body, document);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/gpf/authority-key").body, key);
  service_.reset();
  fs::permissions(key_file, fs::perms::group_read, fs::perm_options::add);
  std::unique_ptr<Service> other;
  const Status s = try_open(other);
  EXPECT_EQ(s.code(), Status::Code::kPermissionDenied) << s.message();
  EXPECT_NE(s.message().find("gpf-authority.key"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vetan::serve
