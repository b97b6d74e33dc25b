// Payment files and bank returns through the service (issue 12 items 3 and 4; docs/payment.md
// "In the service"): the treasury issues a PASSED bill's pain.001.001.03 message and bank
// advice (the bytes core/payment makes for the same credits, parsed back with libxml2), once;
// the bank's pain.002 return marks credits failed; a failed row is paid again once through
// other salary; the files are signed by the treasury's key; all of it survives a restart.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <simdjson.h>

#include <thread>

#include "api/cms.h"
#include "api/serve/crypto.h"
#include "api/serve/http_server.h"
#include "core/payment/pain001.h"
#include "loaders/payment/debtors_json.h"
#include "tests/serve/serve_fixture.h"
#include "tests/serve/test_pki.h"

namespace vetan::serve {
namespace {

constexpr char kConfig[] = R"({
  "initiating_party": "Treasury Office Jaipur",
  "debtors": [
    {"ddo_code": "DDO001", "name": "DDO Education Jaipur", "account": "10000000001", "ifsc": "SBIN0001234"},
    {"ddo_code": "DDO002", "name": "DDO PWD Ajmer", "account": "20000000002", "ifsc": "HDFC0000123"}
  ]
})";
constexpr char kBill1[] = "/v1/bills/2026-11/TR01/DDO001/1";
constexpr char kBill2[] = "/v1/bills/2026-11/TR02/DDO002/1";

// The children of `node` that are elements named `name`.
std::vector<xmlNode*> children(xmlNode* node, const char* name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = node ? node->children : nullptr; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE &&
        std::string_view(reinterpret_cast<const char*>(c->name)) == name) {
      out.push_back(c);
    }
  }
  return out;
}
xmlNode* child(xmlNode* node, const char* name) {
  const auto all = children(node, name);
  return all.size() == 1 ? all[0] : nullptr;
}
std::string text_of(xmlNode* node) {
  if (node == nullptr) return "<missing>";
  xmlChar* t = xmlNodeGetContent(node);
  std::string s(reinterpret_cast<const char*>(t));
  xmlFree(t);
  return s;
}

class PaymentServeTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    ASSERT_TRUE(parse_payment_config(kConfig, &config_).ok());
    reopen();
  }
  // A service on the same data folder and store with the payment configuration (and signer).
  Status try_reopen() {
    service_.reset();
    service_ = std::make_unique<Service>();
    service_->set_payment_config(config_);
    if (!key_path_.empty()) {
      if (Status s = service_->set_payment_signer(key_path_, cert_path_); !s.ok()) return s;
    }
    return service_->open(options((dir_ / "data").string()));
  }
  void reopen() {
    const Status s = try_reopen();
    ASSERT_TRUE(s.ok()) << s.message();
  }
  std::string otp_body(const std::string& secret) {
    clock_.set(clock_.now() + 30);  // a fresh time step
    return "{\"otp\": \"" + totp_code(secret, clock_.now()) + "\"}";
  }
  // November run, DDO001's bill confirmed and passed (DDO002's left GENERATED).
  void passed_bill() {
    run_month();
    ASSERT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(kTotpSecret)).status,
              200);
    ASSERT_EQ(call(kTreasury1, "POST", std::string(kBill1) + "/pass").status, 200);
  }
  int64_t net_of(const std::string& id) {
    const Reply r = call(kAdmin, "GET", "/v1/employees/" + id + "/payslips/2026-11");
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;  // its own: parser_'s elements stay valid
    return int64_t(parser.parse(r.body)["amounts"]["net"]);
  }
  // A pain.002.001.03 return for `message` of one PmtInf with these (end-to-end, status, reason).
  static std::string pain002(
      const std::string& message, const std::string& return_id,
      const std::vector<std::tuple<std::string, std::string, std::string>>& statuses,
      const std::string& pmtinf = "") {
    std::string x =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">\n"
        "<CstmrPmtStsRpt>\n"
        "<GrpHdr><MsgId>" +
        return_id +
        "</MsgId><CreDtTm>2026-12-02T10:00:00</CreDtTm></GrpHdr>\n"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>" +
        message +
        "</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>"
        "<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>\n"
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>" +
        (pmtinf.empty() ? message + "-P1" : pmtinf) + "</OrgnlPmtInfId>\n";
    for (const auto& [id, status, reason] : statuses) {
      x +=
          "<TxInfAndSts><OrgnlEndToEndId>" + id + "</OrgnlEndToEndId><TxSts>" + status + "</TxSts>";
      if (!reason.empty())
        x += "<StsRsnInf><Rsn><Cd>" + reason +
             "</Cd></Rsn><AddtlInf>returned</AddtlInf></StsRsnInf>";
      x += "</TxInfAndSts>\n";
    }
    return x + "</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n";
  }

  PaymentConfig config_;
  std::string key_path_, cert_path_;
  simdjson::dom::parser parser_;
};

TEST_F(PaymentServeTest, APassedBillIsIssuedOnceWithTheBytesOfPain001) {
  const std::string issue = std::string(kBill1) + "/payment";
  run_month();
  // Not PASSED yet: refused naming the state; nothing recorded.
  size_t before = audit_events();
  Reply r = call(kTreasury1, "POST", issue);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("GENERATED"), std::string::npos) << r.body;
  ASSERT_EQ(call(kDdo1, "POST", std::string(kBill1) + "/confirm", otp_body(kTotpSecret)).status,
            200);
  r = call(kTreasury1, "POST", issue);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("CONFIRMED"), std::string::npos) << r.body;
  ASSERT_EQ(call(kTreasury1, "POST", std::string(kBill1) + "/pass").status, 200);
  before = audit_events();

  // Who may issue: its treasury and admin; not its DDO, another treasury, the analyst.
  EXPECT_EQ(call(kNone, "POST", issue).status, 401);
  for (Who who : {kDdo1, kDdo2, kTreasury2, kAnalyst})
    EXPECT_EQ(call(who, "POST", issue).status, 403) << who;
  EXPECT_EQ(call(kTreasury1, "POST", "/v1/bills/2026-11/TR01/DDO001/9/payment").status, 404);
  EXPECT_EQ(call(kTreasury1, "POST", issue, R"({"execution_date": "2026-12-32"})").status, 400);
  EXPECT_EQ(call(kTreasury1, "POST", issue, R"({"execution_date": 20261201})").status, 400);
  EXPECT_EQ(call(kTreasury1, "POST", issue, R"({"date": "2026-12-01"})").status, 400);
  EXPECT_EQ(call(kTreasury1, "GET", issue).status, 404);  // nothing issued yet
  EXPECT_EQ(audit_events(), before);

  r = call(kTreasury1, "POST", issue, R"({"execution_date": "2026-12-01"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(audit_events(), before + 1);
  simdjson::dom::element meta = parser_.parse(r.body);
  const std::string message_id{std::string_view(meta["message_id"])};
  const std::string sha{std::string_view(meta["sha256"])};
  const std::string advice_sha{std::string_view(meta["advice_sha256"])};
  EXPECT_EQ(message_id, payment_ids("2026-11/TR01/DDO001/1", make_month(2026, 11)).message_id);
  EXPECT_EQ(std::string_view(meta["execution_date"]), "2026-12-01");
  EXPECT_EQ(std::string_view(meta["issued_by"]), "treasury:TR01");
  const std::string bill_audit = call(kAdmin, "GET", std::string(kBill1) + "/audit").body;
  EXPECT_NE(bill_audit.find("payment.issue"), std::string::npos) << bill_audit;
  EXPECT_NE(bill_audit.find(sha), std::string::npos);

  // The same bytes format_pain001 makes for the bill's credits (payslips by employee_id;
  // E0003 is stopped, E0004 mismatched: not on the bill).
  std::vector<std::string> ids = {"E0001", "E0002"};
  const std::vector<std::string> names = {"Handcheck Employee", "Rajesh Sharma"};
  std::vector<Credit> credits;
  Money sum = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const Money net = net_of(ids[i]);
    sum += net;
    credits.push_back(
        {ids[i], {names[i], i == 0 ? "1000000001" : "1000000002", "SBIN0001234"}, net});
  }
  EXPECT_EQ(int64_t(meta["transactions"]), 2);
  EXPECT_EQ(int64_t(meta["control_sum"]), sum);
  CreditTransferBill bill{"2026-11/TR01/DDO001/1",
                          make_month(2026, 11),
                          days_from_civil(2026, 12, 1),
                          "Treasury Office Jaipur",
                          {"DDO Education Jaipur", "10000000001", "SBIN0001234"},
                          credits};
  std::string expected;
  format_pain001(bill, &expected);
  r = call(kDdo1, "GET", "/v1/payments/" + message_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_EQ(r.body, expected);
  EXPECT_EQ(sha256_hex(r.body), sha);
  EXPECT_EQ(read_text((dir_ / "data" / "payments" / (message_id + ".xml")).string()), expected);

  // Parsed back with libxml2: the group header and each credit as issued.
  xmlDoc* doc =
      xmlReadMemory(r.body.data(), int(r.body.size()), "pain.001.xml", nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr);
  xmlNode* root = xmlDocGetRootElement(doc);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(root->ns->href)),
            "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03");
  xmlNode* initn = child(root, "CstmrCdtTrfInitn");
  xmlNode* header = child(initn, "GrpHdr");
  EXPECT_EQ(text_of(child(header, "MsgId")), message_id);
  EXPECT_EQ(text_of(child(header, "NbOfTxs")), "2");
  EXPECT_EQ(text_of(child(header, "CtrlSum")), std::to_string(sum) + ".00");
  xmlNode* info = child(initn, "PmtInf");
  EXPECT_EQ(text_of(child(info, "ReqdExctnDt")), "2026-12-01");
  EXPECT_EQ(text_of(child(child(child(child(info, "DbtrAcct"), "Id"), "Othr"), "Id")),
            "10000000001");
  const auto txs = children(info, "CdtTrfTxInf");
  ASSERT_EQ(txs.size(), 2u);
  for (size_t i = 0; i < txs.size(); ++i) {
    EXPECT_EQ(text_of(child(child(txs[i], "Cdtr"), "Nm")), names[i]);
    EXPECT_EQ(text_of(child(child(txs[i], "Amt"), "InstdAmt")),
              std::to_string(credits[i].amount) + ".00");
    EXPECT_EQ(text_of(child(child(txs[i], "PmtId"), "EndToEndId")),
              message_id.substr(13) + "-000000" + std::to_string(i + 1));
  }
  xmlFreeDoc(doc);

  // The advice, and who reads: its DDO, its treasury, admin; not others.
  r = call(kTreasury1, "GET", "/v1/payments/" + message_id + "/advice");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(sha256_hex(r.body), advice_sha);
  EXPECT_EQ(r.body.rfind("end_to_end_id,bill_id,employee_id,name,bank_account,ifsc,amount\n", 0),
            0u)
      << r.body;
  EXPECT_NE(r.body.find(",E0002,Rajesh Sharma,1000000002,SBIN0001234,"), std::string::npos)
      << r.body;
  for (Who who : {kDdo1, kTreasury1, kAdmin}) {
    EXPECT_EQ(call(who, "GET", issue).status, 200) << who;
    EXPECT_EQ(call(who, "GET", "/v1/payments/" + message_id).status, 200) << who;
  }
  for (Who who : {kDdo2, kTreasury2, kAnalyst}) {
    EXPECT_EQ(call(who, "GET", issue).status, 403) << who;
    EXPECT_EQ(call(who, "GET", "/v1/payments/" + message_id).status, 403) << who;
    EXPECT_EQ(call(who, "GET", "/v1/payments/" + message_id + "/advice").status, 403) << who;
  }
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/VETAN-202611-0000000000000000").status, 404);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/" + message_id + "/signature").status,
            404);  // unsigned

  // Idempotent: the same request answers the same message and records nothing; a file
  // that would differ (another execution date) is refused naming the message issued.
  before = audit_events();
  r = call(kAdmin, "POST", issue, R"({"execution_date": "2026-12-01"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string_view(parser_.parse(r.body)["message_id"]), message_id);
  EXPECT_EQ(std::string_view(parser_.parse(r.body)["sha256"]), sha);
  r = call(kTreasury1, "POST", issue, R"({"execution_date": "2026-12-03"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find(message_id + ".xml"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("other salary"), std::string::npos) << r.body;
  EXPECT_EQ(audit_events(), before);
  EXPECT_EQ(read_text((dir_ / "data" / "payments" / (message_id + ".xml")).string()), expected);

  // Another DDO's bill, not passed: refused; a DDO without a debtor account: refused.
  EXPECT_EQ(call(kTreasury2, "POST", std::string(kBill2) + "/payment").status, 409);
}

// GET /v1/payments: the payment files issued, in bill order, each as its bill's payment reads;
// a DDO sees its own, a treasury its DDOs', admin all; filters narrow, pages follow the token,
// and a bad filter or token is a 400 naming it.
TEST_F(PaymentServeTest, IssuedPaymentsAreListedInScopeByMonthAndPage) {
  passed_bill();
  ASSERT_EQ(call(kDdo2, "POST", std::string(kBill2) + "/confirm", otp_body(kTotpSecret2)).status, 200);
  ASSERT_EQ(call(kTreasury2, "POST", std::string(kBill2) + "/pass").status, 200);
  EXPECT_EQ(parser_.parse(call(kAdmin, "GET", "/v1/payments").body)["payments"].get_array().size(), 0u);
  const Reply one = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  ASSERT_EQ(one.status, 201) << one.body;
  const Reply two = call(kTreasury2, "POST", std::string(kBill2) + "/payment");
  ASSERT_EQ(two.status, 201) << two.body;

  // Each entry is what the bill's own payment GET answers.
  auto ids_of = [&](Who who, const std::string& query) {
    const Reply r = call(who, "GET", "/v1/payments" + query);
    EXPECT_EQ(r.status, 200) << who << " " << query << " " << r.body;
    std::vector<std::string> ids;
    if (r.status != 200) return ids;
    simdjson::dom::parser parser;
    for (simdjson::dom::element p : parser.parse(r.body)["payments"].get_array()) {
      ids.emplace_back(std::string_view(p["bill_id"]));
    }
    return ids;
  };
  const std::vector<std::string> both = {"2026-11/TR01/DDO001/1", "2026-11/TR02/DDO002/1"};
  EXPECT_EQ(ids_of(kAdmin, ""), both);
  EXPECT_EQ(ids_of(kDdo1, ""), std::vector<std::string>{both[0]});
  EXPECT_EQ(ids_of(kTreasury2, ""), std::vector<std::string>{both[1]});
  EXPECT_EQ(ids_of(kAdmin, "?ddo=DDO002"), std::vector<std::string>{both[1]});
  EXPECT_EQ(ids_of(kAdmin, "?treasury=TR01&month=2026-11"), std::vector<std::string>{both[0]});
  EXPECT_TRUE(ids_of(kAdmin, "?month=2026-10").empty());
  {
    const Reply list = call(kAdmin, "GET", "/v1/payments?ddo=DDO001");
    simdjson::dom::parser parser;
    simdjson::dom::element listed = parser.parse(list.body)["payments"].at(0);
    simdjson::dom::element own = parser_.parse(one.body);
    for (const char* key : {"message_id", "sha256", "advice_sha256", "execution_date", "issued_by", "issued_at"}) {
      EXPECT_EQ(std::string_view(listed[key]), std::string_view(own[key])) << key;
    }
    EXPECT_EQ(int64_t(listed["control_sum"]), int64_t(own["control_sum"]));
    EXPECT_EQ(int64_t(listed["failed_credits"]), 0);
  }

  // Pages: one at a time, the token is the last bill id; past the last, an empty page.
  Reply r = call(kAdmin, "GET", "/v1/payments?page_size=1");
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::element page = parser_.parse(r.body);
  ASSERT_EQ(page["payments"].get_array().size(), 1u);
  const std::string token{std::string_view(page["next_page_token"])};
  EXPECT_EQ(token, both[0]);
  EXPECT_EQ(ids_of(kAdmin, "?page_size=1&page_token=" + token), std::vector<std::string>{both[1]});
  r = call(kAdmin, "GET", "/v1/payments?page_size=1&page_token=" + token);
  EXPECT_EQ(r.body.find("next_page_token"), std::string::npos) << r.body;

  // Out of scope or malformed: refused, naming it.
  EXPECT_EQ(call(kNone, "GET", "/v1/payments").status, 401);
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/payments").status, 403);
  r = call(kDdo1, "GET", "/v1/payments?ddo=DDO002");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("DDO002"), std::string::npos) << r.body;
  EXPECT_EQ(call(kTreasury1, "GET", "/v1/payments?treasury=TR02").status, 403);
  r = call(kAdmin, "GET", "/v1/payments?month=2026-13");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("month"), std::string::npos) << r.body;
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments?page_size=0").status, 400);
  r = call(kAdmin, "GET", "/v1/payments?page_token=nonsense");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("page_token"), std::string::npos) << r.body;
}

TEST_F(PaymentServeTest, AServerWithoutConfigurationIssuesNothing) {
  passed_bill();
  service_.reset();
  open();  // no --payment-config
  Reply r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("--payment-config"), std::string::npos) << r.body;
  // A configuration without DDO001's account.
  config_.debtors.erase("DDO001");
  reopen();
  r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("DDO001"), std::string::npos) << r.body;
}

TEST_F(PaymentServeTest, ReturnsMarkCreditsFailedOnceAndAFailedRowIsPaidAgainOnce) {
  passed_bill();
  Reply r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string message_id{std::string_view(parser_.parse(r.body)["message_id"])};
  const std::string e2e = message_id.substr(13) + "-000000";
  const std::string returns = "/v1/payments/" + message_id + "/returns";
  const std::string good =
      pain002(message_id, "RET-1", {{e2e + "1", "RJCT", "AC04"}, {e2e + "2", "ACSC", ""}});

  // Refusals: who, and a return that is not this message's or not well formed.
  size_t before = audit_events();
  for (Who who : {kDdo1, kDdo2, kTreasury2, kAnalyst})
    EXPECT_EQ(call(who, "POST", returns, good).status, 403) << who;
  EXPECT_EQ(call(kAdmin, "POST", "/v1/payments/VETAN-202611-0000000000000000/returns", good).status,
            404);
  r = call(kTreasury1, "POST", returns, "<Document><unclosed></Document>");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("line 1"), std::string::npos) << r.body;
  r = call(kTreasury1, "POST", returns,
           pain002("VETAN-202611-1111111111111111", "RET-0", {{e2e + "1", "RJCT", "AC04"}}));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("OrgnlMsgId"), std::string::npos) << r.body;
  r = call(kTreasury1, "POST", returns,
           pain002(message_id, "RET-0", {{e2e + "9", "RJCT", "AC04"}}));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("OrgnlEndToEndId"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("line "), std::string::npos) << r.body;
  r = call(kTreasury1, "POST", returns,
           pain002(message_id, "RET-0", {{e2e + "1", "RJCT", "AC04"}}, "P9"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("OrgnlPmtInfId"), std::string::npos) << r.body;
  r = call(kTreasury1, "POST", returns, pain002(message_id, "RET-0", {{e2e + "1", "RJCT", ""}}));
  EXPECT_EQ(r.status, 400) << r.body;  // a rejection without a reason code
  EXPECT_EQ(audit_events(), before);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/failed").body, "{\"failed\":[]}");

  r = call(kTreasury1, "POST", returns, good);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(int64_t(parser_.parse(r.body)["failed_newly"]), 1);
  // The same return again adds nothing.
  const std::string failed_once = call(kAdmin, "GET", "/v1/payments/failed").body;
  r = call(kAdmin, "POST", returns, good);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(int64_t(parser_.parse(r.body)["failed_newly"]), 0);
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/failed").body, failed_once);

  // The failed credit, by scope.
  simdjson::dom::element list = parser_.parse(failed_once)["failed"];
  ASSERT_EQ(simdjson::dom::array(list).size(), 1u);
  simdjson::dom::element f = list.at(0);
  EXPECT_EQ(std::string_view(f["employee_id"]), "E0001");
  EXPECT_EQ(std::string_view(f["reason_code"]), "AC04");
  EXPECT_EQ(std::string_view(f["reason"]), "closed account number");
  EXPECT_EQ(std::string_view(f["bill_id"]), "2026-11/TR01/DDO001/1");
  EXPECT_EQ(std::string_view(f["month"]), "2026-11");
  EXPECT_EQ(int64_t(f["amount"]), net_of("E0001"));
  EXPECT_FALSE(bool(f["repaid"]));
  EXPECT_EQ(call(kDdo1, "GET", "/v1/payments/failed").body, failed_once);
  EXPECT_EQ(call(kTreasury1, "GET", "/v1/payments/failed").body, failed_once);
  EXPECT_EQ(call(kDdo2, "GET", "/v1/payments/failed").body, "{\"failed\":[]}");
  EXPECT_EQ(call(kTreasury2, "GET", "/v1/payments/failed").body, "{\"failed\":[]}");
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/payments/failed").status, 403);

  // Paying again (issue 9's "paid at most once" for a failed credit): after the account is
  // corrected, one other-salary request for the month; a second, or one for a row whose
  // credit did not fail, is refused.
  clock_.set_date(days_from_civil(2026, 12, 10));  // in the master_edit window
  r = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"bank_account": "3000000001"})");
  ASSERT_EQ(r.status, 200) << r.body;
  clock_.set_date(days_from_civil(2026, 12, 23));  // other_salary_from
  const auto file = [&](const std::string& id) {
    return call(kDdo1, "POST", "/v1/employees/" + id + "/other-salary",
                R"({"month": "2026-11", "reason": "AC04"})");
  };
  r = file("E0002");  // paid, its credit did not fail
  EXPECT_EQ(r.status, 409) << r.body;
  r = file("E0001");
  ASSERT_EQ(r.status, 201) << r.body;
  r = file("E0001");
  EXPECT_EQ(r.status, 409) << r.body;
  const std::string os_bill = "/v1/bills/2026-11/OS/DDO001/E0001";
  EXPECT_EQ(int64_t(parser_.parse(call(kAdmin, "GET", os_bill).body)["net"]), net_of("E0001"));
  // It is confirmed and passed beside the bill that paid the failed credit, and paid.
  ASSERT_EQ(call(kDdo1, "POST", os_bill + "/confirm", otp_body(kTotpSecret)).status, 200);
  ASSERT_EQ(call(kTreasury1, "POST", os_bill + "/pass").status, 200);
  EXPECT_EQ(std::string_view(parser_.parse(call(kAdmin, "GET", kBill1).body)["state"]), "PASSED");
  r = file("E0001");
  EXPECT_EQ(r.status, 409) << r.body;
  r = call(kTreasury1, "POST", os_bill + "/payment");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string os_message{std::string_view(parser_.parse(r.body)["message_id"])};
  r = call(kTreasury1, "GET", "/v1/payments/" + os_message + "/advice");
  EXPECT_NE(r.body.find(",E0001,Handcheck Employee,3000000001,SBIN0001234," +
                        std::to_string(net_of("E0001")) + ".00"),
            std::string::npos)
      << r.body;
  f = parser_.parse(call(kDdo1, "GET", "/v1/payments/failed").body)["failed"].at(0);
  EXPECT_TRUE(bool(f["repaid"]));
  EXPECT_EQ(std::string_view(f["repaid_by"]), "2026-11/OS/DDO001/E0001");

  // Restart: every payment, failure and re-payment rebuilt from the events.
  const std::string failed = call(kAdmin, "GET", "/v1/payments/failed").body;
  const std::string meta = call(kAdmin, "GET", std::string(kBill1) + "/payment").body;
  reopen();
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/failed").body, failed);
  EXPECT_EQ(call(kAdmin, "GET", std::string(kBill1) + "/payment").body, meta);
  EXPECT_EQ(call(kAdmin, "POST", returns, good).status, 200);
  EXPECT_EQ(file("E0001").status, 409);
}

TEST_F(PaymentServeTest, ARestartWritesALostFileAgainAndRefusesOneThatDiffers) {
  passed_bill();
  Reply r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string message_id{std::string_view(parser_.parse(r.body)["message_id"])};
  const fs::path xml = dir_ / "data" / "payments" / (message_id + ".xml");
  const fs::path advice = dir_ / "data" / "payments" / (message_id + "-advice.csv");
  const std::string bytes = read_text(xml.string()), advice_bytes = read_text(advice.string());
  service_.reset();
  fs::remove(xml);
  fs::remove(advice);
  reopen();
  EXPECT_EQ(read_text(xml.string()), bytes);
  EXPECT_EQ(read_text(advice.string()), advice_bytes);
  service_.reset();
  std::ofstream(xml, std::ios::app) << "<!-- edited -->";
  const Status s = try_reopen();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(xml.string()), std::string::npos) << s.message();
  std::ofstream(xml, std::ios::trunc) << bytes;
  reopen();
  EXPECT_EQ(call(kAdmin, "GET", "/v1/payments/" + message_id).body, bytes);
}

TEST_F(PaymentServeTest, PaymentFilesAreSignedByTheTreasurysKey) {
  const std::string d = dir_.string();
  const long long now = clock_.now(), year = 365LL * 86400;
  test_pki::Identity ca = test_pki::make_identity(d, "ca", "Vetan Test CA", nullptr,
                                                  now - 5 * year, now + 5 * year, true);
  test_pki::Identity treasury = test_pki::make_identity(
      d, "treasury", "TR01 Treasury Officer", &ca, now - year, now + year, false);
  // The keys and certificates are on disk now; their OpenSSL objects are not needed.
  test_pki::free_identity(&treasury);
  test_pki::free_identity(&ca);
  key_path_ = treasury.key_path;
  cert_path_ = treasury.cert_path;
  reopen();
  passed_bill();
  Reply r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  ASSERT_EQ(r.status, 201) << r.body;
  simdjson::dom::element meta = parser_.parse(r.body);
  const std::string message_id{std::string_view(meta["message_id"])};
  const std::string subject{std::string_view(meta["signature"]["subject"])};
  EXPECT_NE(subject.find("CN=TR01 Treasury Officer"), std::string::npos) << subject;
  const std::string xml = call(kDdo1, "GET", "/v1/payments/" + message_id).body;
  r = call(kDdo1, "GET", "/v1/payments/" + message_id + "/signature");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("-----BEGIN CMS-----", 0), 0u) << r.body;
  EXPECT_EQ(sha256_hex(r.body), std::string_view(meta["signature"]["sha256"]));
  EXPECT_EQ(read_text((dir_ / "data" / "payments" / (message_id + ".xml.p7s")).string()), r.body);
  // Verified with OpenSSL against the test CA: over the XML's bytes, by the treasury.
  CmsVerifier verifier;
  ASSERT_TRUE(verifier.load_ca_bundle(ca.cert_path).ok());
  SignerIdentity signer;
  const Status ok = verifier.verify(xml, r.body, now, &signer);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(signer.subject, subject);
  EXPECT_FALSE(verifier.verify(xml + " ", r.body, now, &signer).ok());  // not over other bytes
  EXPECT_NE(call(kAdmin, "GET", std::string(kBill1) + "/audit").body.find(subject),
            std::string::npos);
  // A lost signature is written again from the event; the same issue answers the same one.
  const std::string signature = r.body;
  service_.reset();
  fs::remove(dir_ / "data" / "payments" / (message_id + ".xml.p7s"));
  reopen();
  EXPECT_EQ(read_text((dir_ / "data" / "payments" / (message_id + ".xml.p7s")).string()),
            signature);
  EXPECT_EQ(call(kTreasury1, "POST", std::string(kBill1) + "/payment").status, 200);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/payments/" + message_id + "/signature").body, signature);
}

// A bank's return lists many credits: over HTTP it takes the large body limit.
TEST_F(PaymentServeTest, AReturnTakesTheLargeBodyLimitOverHttp) {
  passed_bill();
  Reply r = call(kTreasury1, "POST", std::string(kBill1) + "/payment");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string message_id{std::string_view(parser_.parse(r.body)["message_id"])};
  HttpOptions options;
  options.port = 0;
  options.body_limit = 1024;
  options.large_body_limit = 64 * 1024;
  HttpServer server(service_.get(), options);
  ASSERT_TRUE(server.listen().ok());
  std::thread thread([&] { server.run(); });
  const auto post = [&](const std::string& target, const std::string& body) {
    return http_exchange(server.port(),
                         "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                             kTokens[kTreasury1] + "\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  const std::string e2e = message_id.substr(13) + "-000000";
  std::vector<std::tuple<std::string, std::string, std::string>> statuses;
  for (int i = 0; i < 8; ++i) statuses.emplace_back(e2e + (i % 2 ? "1" : "2"), "ACSC", "");
  statuses.emplace_back(e2e + "2", "RJCT", "AC01");
  const std::string body = pain002(message_id, "RET-BIG", statuses);
  ASSERT_GT(body.size(), options.body_limit);
  std::string reply = post("/v1/payments/" + message_id + "/returns", body);
  EXPECT_EQ(reply.find("HTTP/1.1 201"), 0u) << reply;
  EXPECT_NE(reply.find("\"failed_newly\":1"), std::string::npos) << reply;
  reply = post("/v1/payments/" + message_id + "/returns", body + std::string(70 * 1024, ' '));
  EXPECT_EQ(reply.find("HTTP/1.1 413"), 0u) << reply;
  server.stop();
  thread.join();
}

// The cycle's invariant (core/cycle): a failed credit makes the row payable once more.
TEST(PaymentCycle, AFailedCreditIsPaidAgainOnceAndOnlyThen) {
  using namespace cycle;
  CycleState state;
  state.set_rows(2);
  const Month nov = make_month(2026, 11);
  auto apply = [&](EventKind kind, Payload p) { return state.apply(Event(kind, std::move(p))); };
  ASSERT_TRUE(
      apply(EventKind::kProfileVersion, ProfileVersion{1, std::string(64, 'a'), "{}"}).ok());
  ASSERT_TRUE(apply(EventKind::kRunStart, RunStart{1, nov, 0, 1, {}}).ok());
  RunSummary summary;
  RunBill bill{"2026-11/TR01/DDO001/1", "TR01/DDO001/1", "TR01", "DDO001", "1",
               {2, 200, 20, 180},       {0, 1}};
  ASSERT_TRUE(apply(EventKind::kRunComplete, RunComplete{1, nov, 1, summary, {bill}, {}}).ok());
  ASSERT_TRUE(apply(EventKind::kBillConfirm,
                    BillAction{bill.id, BillState::kGenerated, BillState::kConfirmed, "", 1})
                  .ok());
  PaymentIssue issue;
  issue.bill_id = bill.id;
  issue.message_id = "M1";
  issue.payment_information_id = "M1-P1";
  issue.month = nov;
  issue.xml_sha256 = issue.advice_sha256 = std::string(64, 'b');
  issue.credits = {{0, "E1", "A", "1", "SBIN0001234", 90}, {1, "E2", "B", "2", "SBIN0001234", 90}};
  issue.control_sum = 180;
  EXPECT_FALSE(apply(EventKind::kPaymentIssue, issue).ok());  // CONFIRMED, not PASSED
  ASSERT_TRUE(apply(EventKind::kBillPass,
                    BillAction{bill.id, BillState::kConfirmed, BillState::kPassed, "", 0})
                  .ok());
  ASSERT_TRUE(apply(EventKind::kPaymentIssue, issue).ok());
  EXPECT_FALSE(apply(EventKind::kPaymentIssue, issue).ok());  // once per bill
  const OtherSalaryFile os1{"2026-11/OS/DDO001/E1", "E1", "DDO001", "TR01", "", nov, 0,
                            {1, 100, 10, 90},       {}};
  const OtherSalaryFile os2{"2026-11/OS/DDO001/E2", "E2", "DDO001", "TR01", "", nov, 1,
                            {1, 100, 10, 90},       {}};
  EXPECT_FALSE(apply(EventKind::kOtherSalaryFile, os1).ok());  // paid, not failed
  EXPECT_FALSE(
      apply(EventKind::kPaymentReturn, PaymentReturn{"M1", "R1", {{3, "x-0000003", "AC01", ""}}})
          .ok());
  EXPECT_FALSE(
      apply(EventKind::kPaymentReturn, PaymentReturn{"M9", "R1", {{1, "x-0000001", "AC01", ""}}})
          .ok());
  ASSERT_TRUE(
      apply(EventKind::kPaymentReturn, PaymentReturn{"M1", "R1", {{1, "x-0000001", "AC01", ""}}})
          .ok());
  EXPECT_FALSE(
      apply(EventKind::kPaymentReturn, PaymentReturn{"M1", "R1", {{1, "x-0000001", "AC01", ""}}})
          .ok());
  EXPECT_TRUE(state.credit_failed(nov, 0));
  EXPECT_FALSE(state.credit_failed(nov, 1));
  EXPECT_FALSE(apply(EventKind::kOtherSalaryFile, os2).ok());  // E2's credit did not fail
  ASSERT_TRUE(apply(EventKind::kOtherSalaryFile, os1).ok());   // paid again: once
  EXPECT_FALSE(apply(EventKind::kOtherSalaryFile, os1).ok());
  ASSERT_TRUE(apply(EventKind::kBillConfirm,
                    BillAction{os1.bill_id, BillState::kGenerated, BillState::kConfirmed, "", 2})
                  .ok());
  EXPECT_EQ(state.settled_by(nov, 0)->id, bill.id);  // the bill that paid stays the row's
  EXPECT_EQ(state.repayment(nov, 0)->id, os1.bill_id);
  EXPECT_FALSE(apply(EventKind::kOtherSalaryFile, os1).ok());
}

}  // namespace
}  // namespace vetan::serve
