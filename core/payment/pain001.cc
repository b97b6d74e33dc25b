#include "core/payment/pain001.h"

#include <charconv>

#include "core/payment/latin_text.h"

namespace vetan {
namespace {

constexpr char kHex[] = "0123456789abcdef";

uint64_t fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

void append_digits(std::string* out, uint64_t value, int width) {
  char buffer[24];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = char('0' + value % 10);
    value /= 10;
  }
  out->append(buffer, size_t(width));
}

void append_date(std::string* out, Date date) {
  const CivilDate d = civil_from_days(date);
  append_digits(out, uint64_t(d.year), 4);
  out->push_back('-');
  append_digits(out, uint64_t(d.month), 2);
  out->push_back('-');
  append_digits(out, uint64_t(d.day), 2);
}

// <FinInstnId> of an Indian branch: its IFSC as the member id of the clearing system
// INFSC (ISO 20022 ExternalClearingSystemIdentification1Code: Indian Financial System Code).
void append_agent(std::string* out, std::string_view indent, std::string_view element,
                  std::string_view ifsc) {
  auto line = [&](std::string_view more, std::string_view text) {
    out->append(indent).append(more).append(text);
  };
  line("", "<"), out->append(element).append(">\n");
  line("  ", "<FinInstnId>\n");
  line("    ", "<ClrSysMmbId>\n");
  line("      ", "<ClrSysId>\n");
  line("        ", "<Cd>INFSC</Cd>\n");
  line("      ", "</ClrSysId>\n");
  line("      ", "<MmbId>"), out->append(ifsc).append("</MmbId>\n");
  line("    ", "</ClrSysMmbId>\n");
  line("  ", "</FinInstnId>\n");
  line("", "</"), out->append(element).append(">\n");
}

// <XxxAcct> with a domestic account number (Othr/Id: India has no IBAN).
void append_account(std::string* out, std::string_view indent, std::string_view element,
                    std::string_view account, bool currency) {
  out->append(indent).append("<").append(element).append(">\n");
  out->append(indent).append("  <Id>\n");
  out->append(indent).append("    <Othr>\n");
  out->append(indent).append("      <Id>").append(account).append("</Id>\n");
  out->append(indent).append("    </Othr>\n");
  out->append(indent).append("  </Id>\n");
  if (currency) out->append(indent).append("  <Ccy>INR</Ccy>\n");
  out->append(indent).append("</").append(element).append(">\n");
}

}  // namespace

PaymentIds payment_ids(std::string_view bill_id, Month month) {
  const uint64_t h = fnv1a(bill_id);
  std::string hex(16, '0');
  for (int i = 0; i < 16; ++i) hex[size_t(i)] = kHex[(h >> (60 - 4 * i)) & 15];
  PaymentIds ids;
  ids.message_id = "VETAN-";
  append_digits(&ids.message_id, uint64_t(month_year(month)), 4);
  append_digits(&ids.message_id, uint64_t(month_number(month)), 2);
  ids.message_id += "-" + hex;
  ids.payment_information_id = ids.message_id + "-P1";
  ids.end_to_end_prefix = hex + "-";
  return ids;
}

void append_end_to_end_id(std::string* out, const PaymentIds& ids, uint32_t sequence) {
  out->append(ids.end_to_end_prefix);
  append_digits(out, sequence, 7);
}

bool is_ifsc(std::string_view s) {
  if (s.size() != 11 || s[4] != '0') return false;
  for (size_t i = 0; i < 11; ++i) {
    const char c = s[i];
    const bool letter = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
    if (i < 4 ? !letter : !(letter || digit)) return false;
  }
  return true;
}

std::string account_problem(const PaymentAccount& a) {
  if (a.name.empty()) return "name: empty";
  if (a.name.size() > kMaxNameLength) {
    return "name: " + std::to_string(a.name.size()) + " characters, at most 140 (Max140Text)";
  }
  if (!is_payment_latin(a.name)) return "name: not in the payment Latin set";
  if (a.account.empty() || a.account.size() > kMaxAccountLength) {
    return "account: '" + std::string(a.account) + "' must hold 1 to 34 characters (Max34Text)";
  }
  for (char c : a.account) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      return "account: '" + std::string(a.account) + "' holds a character other than a letter or digit";
    }
  }
  if (!is_ifsc(a.ifsc)) {
    return "ifsc: '" + std::string(a.ifsc) + "' is not an IFSC (4 letters, 0, 6 letters or digits)";
  }
  return "";
}

void append_amount(std::string* out, Int128 rupees) {
  if (rupees < 0) {
    out->push_back('-');
    rupees = -rupees;
  }
  char buffer[48];
  size_t n = 0;
  do {
    buffer[n++] = char('0' + int(rupees % 10));
    rupees /= 10;
  } while (rupees > 0);
  while (n > 0) out->push_back(buffer[--n]);
  out->append(".00");
}

void format_pain001(const CreditTransferBill& bill, std::string* out) {
  const PaymentIds ids = payment_ids(bill.bill_id, bill.month);
  Int128 total = 0;
  for (const Credit& c : bill.credits) total += c.amount;
  char count[24];
  const std::string_view transactions(
      count, size_t(std::to_chars(count, count + sizeof count, bill.credits.size()).ptr - count));

  out->append(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n"
      "  <CstmrCdtTrfInitn>\n"
      "    <GrpHdr>\n"
      "      <MsgId>");
  out->append(ids.message_id).append("</MsgId>\n      <CreDtTm>");
  append_date(out, bill.execution_date);
  out->append("T00:00:00</CreDtTm>\n      <NbOfTxs>").append(transactions);
  out->append("</NbOfTxs>\n      <CtrlSum>");
  append_amount(out, total);
  out->append("</CtrlSum>\n      <InitgPty>\n        <Nm>").append(bill.initiating_party);
  out->append(
      "</Nm>\n"
      "      </InitgPty>\n"
      "    </GrpHdr>\n"
      "    <PmtInf>\n"
      "      <PmtInfId>");
  out->append(ids.payment_information_id);
  out->append(
      "</PmtInfId>\n"
      "      <PmtMtd>TRF</PmtMtd>\n"
      "      <BtchBookg>true</BtchBookg>\n"
      "      <NbOfTxs>");
  out->append(transactions).append("</NbOfTxs>\n      <CtrlSum>");
  append_amount(out, total);
  out->append(
      "</CtrlSum>\n"
      "      <PmtTpInf>\n"
      "        <CtgyPurp>\n"
      "          <Cd>SALA</Cd>\n"
      "        </CtgyPurp>\n"
      "      </PmtTpInf>\n"
      "      <ReqdExctnDt>");
  append_date(out, bill.execution_date);
  out->append("</ReqdExctnDt>\n      <Dbtr>\n        <Nm>").append(bill.debtor.name);
  out->append("</Nm>\n      </Dbtr>\n");
  append_account(out, "      ", "DbtrAcct", bill.debtor.account, true);
  append_agent(out, "      ", "DbtrAgt", bill.debtor.ifsc);
  out->append("      <ChrgBr>SLEV</ChrgBr>\n");

  std::string_view remittance = "Salary ";
  uint32_t sequence = 0;
  for (const Credit& c : bill.credits) {
    ++sequence;
    out->append("      <CdtTrfTxInf>\n        <PmtId>\n          <InstrId>");
    append_end_to_end_id(out, ids, sequence);
    out->append("</InstrId>\n          <EndToEndId>");
    append_end_to_end_id(out, ids, sequence);
    out->append("</EndToEndId>\n        </PmtId>\n        <Amt>\n          <InstdAmt Ccy=\"INR\">");
    append_amount(out, c.amount);
    out->append("</InstdAmt>\n        </Amt>\n");
    append_agent(out, "        ", "CdtrAgt", c.creditor.ifsc);
    out->append("        <Cdtr>\n          <Nm>").append(c.creditor.name);
    out->append("</Nm>\n        </Cdtr>\n");
    append_account(out, "        ", "CdtrAcct", c.creditor.account, false);
    out->append(
        "        <Purp>\n"
        "          <Cd>SALA</Cd>\n"
        "        </Purp>\n"
        "        <RmtInf>\n"
        "          <Ustrd>");
    out->append(remittance);
    append_digits(out, uint64_t(month_year(bill.month)), 4);
    out->push_back('-');
    append_digits(out, uint64_t(month_number(bill.month)), 2);
    out->append("</Ustrd>\n        </RmtInf>\n      </CdtTrfTxInf>\n");
  }
  out->append("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
}

}  // namespace vetan
