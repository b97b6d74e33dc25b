// Payment files (issue 12 item 3, docs/payment.md): pain.001.001.03 parsed back with libxml2
// and checked against the message definition (message_definition.cc), the payment Latin
// set, identifiers, and the pain.002 return reader's refusals.
#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <set>
#include <string>
#include <vector>

#include "core/payment/latin_text.h"
#include "core/payment/pain001.h"
#include "loaders/payment/debtors_json.h"
#include "loaders/payment/pain002_reader.h"
#include "tests/payment/message_definition.h"

namespace vetan {
namespace {

struct Parsed {
  xmlDoc* doc = nullptr;
  explicit Parsed(const std::string& xml)
      : doc(xmlReadMemory(xml.data(), int(xml.size()), "pain001.xml", nullptr, XML_PARSE_NONET)) {}
  ~Parsed() { xmlFreeDoc(doc); }
};

// Every text of the elements named `name`, in document order.
void texts(const xmlNode* n, const std::string& name, std::vector<std::string>* out) {
  for (const xmlNode* c = n; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (name == reinterpret_cast<const char*>(c->name)) {
      xmlChar* t = xmlNodeGetContent(c);
      out->push_back(reinterpret_cast<const char*>(t));
      xmlFree(t);
    }
    texts(c->children, name, out);
  }
}
std::vector<std::string> texts(const Parsed& p, const std::string& name) {
  std::vector<std::string> out;
  texts(xmlDocGetRootElement(p.doc), name, &out);
  return out;
}

constexpr Month kNovember = 2026 * 12 + 10;

std::string three_credits_xml(std::string_view bill_id = "2026-11/TR01/DDO001/1") {
  static const std::vector<Credit> credits = {
      {"E1", {"Meena Kumari", "30211456789", "SBIN0001234"}, 44998},
      {"E2", {"Rajesh Sharma", "30211456790", "HDFC0000456"}, 75884},
      {"E3", {"Thomas, P. J.", "920010045612", "UTIB0000789"}, 1}};
  CreditTransferBill bill;
  bill.bill_id = bill_id;
  bill.month = kNovember;
  bill.execution_date = first_day(kNovember + 1);
  bill.initiating_party = "Treasury Office Jaipur";
  bill.debtor = {"DDO Education Jaipur", "10000000001", "SBIN0001234"};
  bill.credits = credits;
  std::string xml;
  format_pain001(bill, &xml);
  return xml;
}

TEST(Pain001, ParsesBackAndHoldsToTheMessageDefinition) {
  Parsed p(three_credits_xml());
  ASSERT_NE(p.doc, nullptr);
  EXPECT_EQ(test::check_pain001(p.doc), "");
  EXPECT_EQ(texts(p, "NbOfTxs"), (std::vector<std::string>{"3", "3"}));
  // CtrlSum is the sum of the amounts, in rupees with two decimals.
  EXPECT_EQ(texts(p, "CtrlSum"), (std::vector<std::string>{"120883.00", "120883.00"}));
  EXPECT_EQ(texts(p, "InstdAmt"), (std::vector<std::string>{"44998.00", "75884.00", "1.00"}));
  EXPECT_EQ(texts(p, "PmtMtd"), std::vector<std::string>{"TRF"});
  EXPECT_EQ(texts(p, "ChrgBr"), std::vector<std::string>{"SLEV"});
  EXPECT_EQ(texts(p, "Ccy"), std::vector<std::string>{"INR"});
  EXPECT_EQ(texts(p, "ReqdExctnDt"), std::vector<std::string>{"2026-12-01"});
  // The IFSC is the member id of the Indian clearing system, debtor's agent first.
  EXPECT_EQ(texts(p, "MmbId"), (std::vector<std::string>{"SBIN0001234", "SBIN0001234",
                                                         "HDFC0000456", "UTIB0000789"}));
  EXPECT_EQ(texts(p, "Cd"), (std::vector<std::string>{"SALA", "INFSC", "INFSC", "SALA", "INFSC",
                                                      "SALA", "INFSC", "SALA"}));
  const auto ids = texts(p, "EndToEndId");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3u);
  for (const std::string& names : texts(p, "Nm")) EXPECT_TRUE(is_payment_latin(names)) << names;
}

TEST(Pain001, TheDefinitionCheckFindsABrokenMessage) {
  const std::string good = three_credits_xml();
  auto broken = [&](std::string from, std::string to) {
    std::string xml = good;
    const size_t at = xml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    xml.replace(at, from.size(), to);
    Parsed p(xml);
    return p.doc == nullptr ? std::string("unparsed") : test::check_pain001(p.doc);
  };
  EXPECT_EQ(broken("      <ChrgBr>SLEV</ChrgBr>\n", ""), "");  // optional: still valid
  // Out of order: ChrgBr before DbtrAgt.
  EXPECT_NE(broken("      <DbtrAgt>", "      <ChrgBr>SLEV</ChrgBr>\n      <DbtrAgt>"), "");
  EXPECT_NE(broken("<PmtMtd>TRF</PmtMtd>", "<PmtMtd>XFER</PmtMtd>"), "");
  EXPECT_NE(broken("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>OUR</ChrgBr>"), "");
  EXPECT_NE(broken("<ReqdExctnDt>2026-12-01", "<ReqdExctnDt>2026-13-01"), "");
  EXPECT_NE(broken("<MsgId>", "<MsgId>" + std::string(20, 'X')), "");  // over 35
  EXPECT_NE(broken("<NbOfTxs>3</NbOfTxs>\n      <CtrlSum>", "<CtrlSum>"), "");  // GrpHdr needs it
  EXPECT_NE(broken("<InstdAmt Ccy=\"INR\">44998.00", "<InstdAmt Ccy=\"inr\">44998.00"), "");
  EXPECT_NE(broken("<InstdAmt Ccy=\"INR\">44998.00", "<InstdAmt Ccy=\"INR\">44998.001234"), "");
}

TEST(Pain001, TheSameBillGivesTheSameBytesAndAnotherBillOtherIds) {
  EXPECT_EQ(three_credits_xml(), three_credits_xml());
  const PaymentIds a = payment_ids("2026-11/TR01/DDO001/1", kNovember);
  const PaymentIds b = payment_ids("2026-11/TR01/DDO001/2", kNovember);
  EXPECT_NE(a.message_id, b.message_id);
  EXPECT_NE(a.end_to_end_prefix, b.end_to_end_prefix);
  EXPECT_EQ(a.message_id.rfind("VETAN-202611-", 0), 0u);
  EXPECT_LE(a.payment_information_id.size(), kMaxIdLength);
  std::string e2e;
  append_end_to_end_id(&e2e, a, 9999999);
  EXPECT_LE(e2e.size(), kMaxIdLength);
  EXPECT_NE(three_credits_xml("2026-11/TR01/DDO001/2"), three_credits_xml());
}

TEST(PaymentLatin, TransliteratesDevanagariAndAccentsAndRefusesTheRest) {
  auto latin = [](std::string_view text) {
    std::string out;
    const char32_t bad = to_payment_latin(text, &out);
    return bad == 0 ? out : "refused " + describe_character(bad);
  };
  EXPECT_EQ(latin("राजेश शर्मा"), "Rajesh Sharma");
  EXPECT_EQ(latin("महेंद्र"), "Mahendra");
  EXPECT_EQ(latin("सीमा"), "Sima");
  EXPECT_EQ(latin("पूजा सिंह"), "Puja Sinh");
  EXPECT_EQ(latin("Dr. Anita Rao"), "Dr. Anita Rao");
  EXPECT_EQ(latin("José Müller"), "Jose Muller");
  EXPECT_EQ(latin("१२३"), "123");
  EXPECT_EQ(latin("தமிழ்"), "refused U+0BA4");
  EXPECT_EQ(latin("A & B"), "refused U+0026");
  EXPECT_EQ(latin("a_b"), "refused U+005F");
  EXPECT_EQ(latin("bad \xff byte"), "refused a byte that is not UTF-8");
  EXPECT_EQ(latin("cut \xe0\xa4"), "refused a byte that is not UTF-8");
  for (std::string_view name : {"राजेश शर्मा", "ज़ाकिर ख़ान", "अंकित", "श्री", "José"}) {
    std::string out;
    ASSERT_EQ(to_payment_latin(name, &out), 0u) << name;
    EXPECT_TRUE(is_payment_latin(out)) << out;
    EXPECT_FALSE(out.empty());
  }
}

TEST(PaymentAccount, ProblemsNameTheField) {
  EXPECT_EQ(account_problem({"Meena", "30211456789", "SBIN0001234"}), "");
  EXPECT_EQ(account_problem({"", "1", "SBIN0001234"}).rfind("name:", 0), 0u);
  EXPECT_EQ(account_problem({std::string(141, 'a'), "1", "SBIN0001234"}).rfind("name:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", "", "SBIN0001234"}).rfind("account:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", std::string(35, '1'), "SBIN0001234"}).rfind("account:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", "3021-1456", "SBIN0001234"}).rfind("account:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", "1", "SBIN1001234"}).rfind("ifsc:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", "1", "sbin0001234"}).rfind("ifsc:", 0), 0u);
  EXPECT_EQ(account_problem({"Meena", "1", "SBIN000123"}).rfind("ifsc:", 0), 0u);
}

TEST(PaymentConfig, RefusalsNameTheKey) {
  PaymentConfig c;
  const std::string good =
      R"({"initiating_party": "Treasury", "debtors": [{"ddo_code": "D1", "name": "DDO One", "account": "1", "ifsc": "SBIN0001234"}]})";
  ASSERT_TRUE(parse_payment_config(good, &c).ok());
  EXPECT_EQ(c.debtors.at("D1").account, "1");
  auto message = [](const std::string& json) {
    PaymentConfig ignored;
    return parse_payment_config(json, &ignored).message();
  };
  EXPECT_EQ(message(R"({"initiating_party": "T", "debtors": [{"ddo_code": "D1", "name": "N", "account": "1", "ifsc": "BAD"}]})")
                .rfind("debtors[0].ifsc:", 0), 0u);
  EXPECT_EQ(message(R"({"initiating_party": "T", "debtors": [{"ddo_code": "D1", "name": "N", "account": "1", "ifsc": "SBIN0001234", "bic": "X"}]})"),
            "debtors[0].bic: unknown key");
  EXPECT_NE(message(R"({"initiating_party": "T & Co", "debtors": []})").find("initiating_party"), std::string::npos);
  EXPECT_EQ(message(R"({"initiating_party": "T", "debtors": [{"ddo_code": "D1", "name": "N", "account": "1", "ifsc": "SBIN0001234"}, {"ddo_code": "D1", "name": "N", "account": "2", "ifsc": "SBIN0001234"}]})"),
            "debtors[1].ddo_code: 'D1' is given twice");
}

const char kReturn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>BANK-RET-1</MsgId>
      <CreDtTm>2026-12-02T10:00:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>VETAN-202611-0123456789abcdef</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>VETAN-202611-0123456789abcdef-P1</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>0123456789abcdef-0000002</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf>
          <Rsn>
            <Cd>AC04</Cd>
          </Rsn>
          <AddtlInf>account closed</AddtlInf>
        </StsRsnInf>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>0123456789abcdef-0000001</OrgnlEndToEndId>
        <TxSts>ACSC</TxSts>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
)";

TEST(Pain002, ReadsTheStatusesWithTheirLines) {
  PaymentStatusReport r;
  const Status s = read_pain002(kReturn, "ret.xml", &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.message_id, "BANK-RET-1");
  EXPECT_EQ(r.original_message_id, "VETAN-202611-0123456789abcdef");
  ASSERT_EQ(r.transactions.size(), 2u);
  EXPECT_EQ(r.transactions[0].end_to_end_id, "0123456789abcdef-0000002");
  EXPECT_EQ(r.transactions[0].status, "RJCT");
  EXPECT_EQ(r.transactions[0].reason_code, "AC04");
  EXPECT_EQ(r.transactions[0].additional_information, "account closed");
  EXPECT_EQ(r.transactions[0].line, 15);
  EXPECT_EQ(r.transactions[1].status, "ACSC");
}

TEST(Pain002, RefusalsNameTheLineAndElement) {
  auto message = [](std::string from, std::string to) {
    std::string xml = kReturn;
    const size_t at = xml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    xml.replace(at, from.size(), to);
    PaymentStatusReport ignored;
    return read_pain002(xml, "ret.xml", &ignored).message();
  };
  EXPECT_EQ(message("</TxSts>\n        <StsRsnInf>", "</TxSt>\n        <StsRsnInf>").rfind("ret.xml: line 17, column", 0), 0u);
  EXPECT_NE(message("</TxSts>\n        <StsRsnInf>", "</TxSt>\n        <StsRsnInf>").find("not well-formed XML"), std::string::npos);
  EXPECT_EQ(message("<OrgnlEndToEndId>0123456789abcdef-0000001</OrgnlEndToEndId>", ""),
            "ret.xml: line 25: <TxInfAndSts/OrgnlEndToEndId> is missing (pain.002.001.03 requires it)");
  EXPECT_EQ(message("<Cd>AC04</Cd>", ""),
            "ret.xml: line 15: <TxInfAndSts> of '0123456789abcdef-0000002' is RJCT without "
            "<StsRsnInf/Rsn/Cd>: the reason is required");
  EXPECT_NE(message("<TxSts>ACSC</TxSts>", "<TxSts>DONE</TxSts>").find("line 27: <TxSts> 'DONE'"), std::string::npos);
  EXPECT_NE(message("pain.002.001.03\">", "pain.002.001.10\">").find("the root is not"), std::string::npos);
  EXPECT_NE(message("<OrgnlMsgNmId>pain.001.001.03", "<OrgnlMsgNmId>pain.001.001.09").find("line 10"), std::string::npos);
}

}  // namespace
}  // namespace vetan
