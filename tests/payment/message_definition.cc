#include "tests/payment/message_definition.h"

#include <cstring>
#include <map>
#include <regex>

namespace vetan::test {
namespace {

// A leaf's type. kNone: an element with children.
enum class Kind {
  kNone, kMax35, kMax34, kMax140, kMax15Numeric, kIsoDate, kIsoDateTime, kDecimal,
  kAmount, kBoolean, kPaymentMethod, kChargeBearer, kCode4, kClearingSystemCode, kBic,
  kCurrency, kIban
};

struct Child {
  const char* name;
  int min, max;  // max -1: unbounded
};

struct Element {
  Kind kind = Kind::kNone;
  std::vector<Child> children;  // in the order of the definition
};

// Types by element name within their parent ("Parent/Name" when the name alone is
// ambiguous).
const std::map<std::string, Element>& definition() {
  static const std::map<std::string, Element> d = {
      {"Document", {Kind::kNone, {{"CstmrCdtTrfInitn", 1, 1}}}},
      {"CstmrCdtTrfInitn", {Kind::kNone, {{"GrpHdr", 1, 1}, {"PmtInf", 1, -1}}}},
      // GroupHeader32
      {"GrpHdr", {Kind::kNone, {{"MsgId", 1, 1}, {"CreDtTm", 1, 1}, {"Authstn", 0, 2},
                                {"NbOfTxs", 1, 1}, {"CtrlSum", 0, 1}, {"InitgPty", 1, 1},
                                {"FwdgAgt", 0, 1}}}},
      // PartyIdentification32 (the parts used)
      {"InitgPty", {Kind::kNone, {{"Nm", 0, 1}, {"PstlAdr", 0, 1}, {"Id", 0, 1}, {"CtryOfRes", 0, 1}, {"CtctDtls", 0, 1}}}},
      {"Dbtr", {Kind::kNone, {{"Nm", 0, 1}, {"PstlAdr", 0, 1}, {"Id", 0, 1}, {"CtryOfRes", 0, 1}, {"CtctDtls", 0, 1}}}},
      {"Cdtr", {Kind::kNone, {{"Nm", 0, 1}, {"PstlAdr", 0, 1}, {"Id", 0, 1}, {"CtryOfRes", 0, 1}, {"CtctDtls", 0, 1}}}},
      // PaymentInstructionInformation3
      {"PmtInf", {Kind::kNone, {{"PmtInfId", 1, 1}, {"PmtMtd", 1, 1}, {"BtchBookg", 0, 1},
                                {"NbOfTxs", 0, 1}, {"CtrlSum", 0, 1}, {"PmtTpInf", 0, 1},
                                {"ReqdExctnDt", 1, 1}, {"PoolgAdjstmntDt", 0, 1}, {"Dbtr", 1, 1},
                                {"DbtrAcct", 1, 1}, {"DbtrAgt", 1, 1}, {"DbtrAgtAcct", 0, 1},
                                {"InstrForDbtrAgt", 0, 1}, {"UltmtDbtr", 0, 1}, {"ChrgBr", 0, 1},
                                {"ChrgsAcct", 0, 1}, {"ChrgsAcctAgt", 0, 1}, {"CdtTrfTxInf", 1, -1}}}},
      // PaymentTypeInformation19 / 20
      {"PmtTpInf", {Kind::kNone, {{"InstrPrty", 0, 1}, {"SvcLvl", 0, 1}, {"LclInstrm", 0, 1}, {"CtgyPurp", 0, 1}}}},
      {"CtgyPurp", {Kind::kNone, {{"Cd", 1, 1}}}},
      {"Purp", {Kind::kNone, {{"Cd", 1, 1}}}},
      // CashAccount16
      {"DbtrAcct", {Kind::kNone, {{"Id", 1, 1}, {"Tp", 0, 1}, {"Ccy", 0, 1}, {"Nm", 0, 1}}}},
      {"CdtrAcct", {Kind::kNone, {{"Id", 1, 1}, {"Tp", 0, 1}, {"Ccy", 0, 1}, {"Nm", 0, 1}}}},
      // AccountIdentification4Choice: exactly one of IBAN, Othr
      {"DbtrAcct/Id", {Kind::kNone, {{"IBAN", 0, 1}, {"Othr", 0, 1}}}},
      {"CdtrAcct/Id", {Kind::kNone, {{"IBAN", 0, 1}, {"Othr", 0, 1}}}},
      // GenericAccountIdentification1
      {"Othr", {Kind::kNone, {{"Id", 1, 1}, {"SchmeNm", 0, 1}, {"Issr", 0, 1}}}},
      // BranchAndFinancialInstitutionIdentification4
      {"DbtrAgt", {Kind::kNone, {{"FinInstnId", 1, 1}, {"BrnchId", 0, 1}}}},
      {"CdtrAgt", {Kind::kNone, {{"FinInstnId", 1, 1}, {"BrnchId", 0, 1}}}},
      // FinancialInstitutionIdentification7
      {"FinInstnId", {Kind::kNone, {{"BIC", 0, 1}, {"ClrSysMmbId", 0, 1}, {"Nm", 0, 1}, {"PstlAdr", 0, 1}, {"Othr", 0, 1}}}},
      // ClearingSystemMemberIdentification2
      {"ClrSysMmbId", {Kind::kNone, {{"ClrSysId", 0, 1}, {"MmbId", 1, 1}}}},
      {"ClrSysId", {Kind::kNone, {{"Cd", 0, 1}, {"Prtry", 0, 1}}}},
      // CreditTransferTransactionInformation10
      {"CdtTrfTxInf", {Kind::kNone, {{"PmtId", 1, 1}, {"PmtTpInf", 0, 1}, {"Amt", 1, 1},
                                     {"XchgRateInf", 0, 1}, {"ChrgBr", 0, 1}, {"ChqInstr", 0, 1},
                                     {"UltmtDbtr", 0, 1}, {"IntrmyAgt1", 0, 1}, {"IntrmyAgt1Acct", 0, 1},
                                     {"IntrmyAgt2", 0, 1}, {"IntrmyAgt2Acct", 0, 1}, {"IntrmyAgt3", 0, 1},
                                     {"IntrmyAgt3Acct", 0, 1}, {"CdtrAgt", 0, 1}, {"CdtrAgtAcct", 0, 1},
                                     {"Cdtr", 0, 1}, {"CdtrAcct", 0, 1}, {"UltmtCdtr", 0, 1},
                                     {"InstrForCdtrAgt", 0, -1}, {"InstrForDbtrAgt", 0, 1},
                                     {"Purp", 0, 1}, {"RgltryRptg", 0, 10}, {"Tax", 0, 1},
                                     {"RltdRmtInf", 0, 10}, {"RmtInf", 0, 1}}}},
      {"PmtId", {Kind::kNone, {{"InstrId", 0, 1}, {"EndToEndId", 1, 1}}}},
      // AmountType3Choice: InstdAmt or EqvtAmt
      {"Amt", {Kind::kNone, {{"InstdAmt", 0, 1}, {"EqvtAmt", 0, 1}}}},
      {"RmtInf", {Kind::kNone, {{"Ustrd", 0, -1}, {"Strd", 0, -1}}}},
      // Leaves
      {"MsgId", {Kind::kMax35, {}}},
      {"PmtInfId", {Kind::kMax35, {}}},
      {"InstrId", {Kind::kMax35, {}}},
      {"EndToEndId", {Kind::kMax35, {}}},
      {"MmbId", {Kind::kMax35, {}}},
      {"Othr/Id", {Kind::kMax34, {}}},
      {"Nm", {Kind::kMax140, {}}},
      {"Ustrd", {Kind::kMax140, {}}},
      {"CreDtTm", {Kind::kIsoDateTime, {}}},
      {"ReqdExctnDt", {Kind::kIsoDate, {}}},
      {"NbOfTxs", {Kind::kMax15Numeric, {}}},
      {"CtrlSum", {Kind::kDecimal, {}}},
      {"InstdAmt", {Kind::kAmount, {}}},
      {"BtchBookg", {Kind::kBoolean, {}}},
      {"PmtMtd", {Kind::kPaymentMethod, {}}},
      {"ChrgBr", {Kind::kChargeBearer, {}}},
      {"CtgyPurp/Cd", {Kind::kCode4, {}}},
      {"Purp/Cd", {Kind::kCode4, {}}},
      {"ClrSysId/Cd", {Kind::kClearingSystemCode, {}}},
      {"BIC", {Kind::kBic, {}}},
      {"Ccy", {Kind::kCurrency, {}}},
      {"IBAN", {Kind::kIban, {}}},
  };
  return d;
}

std::string name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string content(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string s = c ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  return s;
}

// ISO 20022 Max*Text: 1..n characters (UTF-8 code points), no leading/trailing space
// beyond the data; the Latin set is checked by the caller's tests separately.
size_t characters(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string check_leaf(Kind kind, const std::string& path, const xmlNode* n) {
  const std::string v = content(n);
  auto bad = [&](const std::string& why) { return path + ": '" + v + "' " + why; };
  auto matches = [&](const char* pattern) { return std::regex_match(v, std::regex(pattern)); };
  switch (kind) {
    case Kind::kMax35: return characters(v) >= 1 && characters(v) <= 35 ? "" : bad("is not Max35Text");
    case Kind::kMax34: return characters(v) >= 1 && characters(v) <= 34 ? "" : bad("is not Max34Text");
    case Kind::kMax140: return characters(v) >= 1 && characters(v) <= 140 ? "" : bad("is not Max140Text");
    case Kind::kMax15Numeric: return matches("[0-9]{1,15}") ? "" : bad("is not Max15NumericText");
    case Kind::kIsoDate: return matches("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])") ? "" : bad("is not an ISODate");
    case Kind::kIsoDateTime:
      return matches("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?")
                 ? "" : bad("is not an ISODateTime");
    case Kind::kDecimal:  // DecimalNumber: 18 digits, 17 after the point
      return matches("[0-9]{1,18}(\\.[0-9]{1,17})?") && v.size() <= 19 ? "" : bad("is not a DecimalNumber");
    case Kind::kAmount: {  // ActiveOrHistoricCurrencyAndAmount: >= 0, 18 digits, 5 decimals
      if (!matches("[0-9]{1,18}(\\.[0-9]{1,5})?")) return bad("is not an amount");
      xmlChar* ccy = xmlGetProp(n, reinterpret_cast<const xmlChar*>("Ccy"));
      std::string currency = ccy ? reinterpret_cast<const char*>(ccy) : "";
      xmlFree(ccy);
      return std::regex_match(currency, std::regex("[A-Z]{3}")) ? "" : path + ": Ccy '" + currency + "' is not a currency code";
    }
    case Kind::kBoolean: return v == "true" || v == "false" ? "" : bad("is not a boolean");
    case Kind::kPaymentMethod:  // PaymentMethod3Code
      return v == "CHK" || v == "TRF" || v == "TRA" ? "" : bad("is not a PaymentMethod3Code");
    case Kind::kChargeBearer:  // ChargeBearerType1Code
      return v == "DEBT" || v == "CRED" || v == "SHAR" || v == "SLEV" ? "" : bad("is not a ChargeBearerType1Code");
    case Kind::kCode4: return matches("[A-Z0-9]{1,4}") ? "" : bad("is not a 4-character external code");
    case Kind::kClearingSystemCode: return matches("[A-Z0-9]{1,5}") ? "" : bad("is not an ExternalClearingSystemIdentification1Code");
    case Kind::kBic: return matches("[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?") ? "" : bad("is not a BIC");
    case Kind::kCurrency: return matches("[A-Z]{3}") ? "" : bad("is not a currency code");
    case Kind::kIban: return matches("[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}") ? "" : bad("is not an IBAN");
    case Kind::kNone: return "";
  }
  return "";
}

std::string check_element(const xmlNode* n, const std::string& parent, const std::string& path) {
  const std::string name = name_of(n);
  const auto& d = definition();
  auto it = d.find(parent + "/" + name);
  if (it == d.end()) it = d.find(name);
  if (it == d.end()) return path + ": not an element vetan's definition knows";
  const Element& e = it->second;
  if (e.kind != Kind::kNone) {
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) return path + ": a leaf with child elements";
    }
    return check_leaf(e.kind, path, n);
  }
  // The children, in definition order, each within its occurrences.
  size_t at = 0;
  std::vector<int> seen(e.children.size(), 0);
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      if (content(c).find_first_not_of(" \t\r\n") != std::string::npos) return path + ": text in an element of elements";
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string child = name_of(c);
    while (at < e.children.size() && child != e.children[at].name) ++at;
    if (at == e.children.size()) {
      return path + "/" + child + ": not allowed here, or out of order (the definition's order of " + name + ")";
    }
    if (e.children[at].max != -1 && ++seen[at] > e.children[at].max) {
      return path + "/" + child + ": more than " + std::to_string(e.children[at].max) + " times";
    }
    if (std::string p = check_element(c, name, path + "/" + child); !p.empty()) return p;
  }
  for (size_t i = 0; i < e.children.size(); ++i) {
    int count = 0;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      count += c->type == XML_ELEMENT_NODE && name_of(c) == e.children[i].name;
    }
    if (count < e.children[i].min) return path + "/" + e.children[i].name + ": required, missing";
  }
  // The choices: an account's Id holds one of IBAN and Othr; an amount one of InstdAmt and EqvtAmt.
  if ((parent == "DbtrAcct" || parent == "CdtrAcct") && name == "Id") {
    int count = 0;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) count += c->type == XML_ELEMENT_NODE;
    if (count != 1) return path + ": a choice of IBAN or Othr holds " + std::to_string(count);
  }
  if (name == "Amt") {
    int count = 0;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) count += c->type == XML_ELEMENT_NODE;
    if (count != 1) return path + ": a choice of InstdAmt or EqvtAmt holds " + std::to_string(count);
  }
  return "";
}

}  // namespace

std::string check_pain001(xmlDoc* document) {
  const xmlNode* root = xmlDocGetRootElement(document);
  if (root == nullptr || name_of(root) != "Document") return "the root is not Document";
  if (root->ns == nullptr ||
      std::strcmp(reinterpret_cast<const char*>(root->ns->href), "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03") != 0) {
    return "Document: not in the pain.001.001.03 namespace";
  }
  return check_element(root, "", "Document");
}

}  // namespace vetan::test
