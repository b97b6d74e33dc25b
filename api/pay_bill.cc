#include "api/pay_bill.h"

#include "api/output_writer.h"
#include "core/common/sha256.h"
#include "core/payment/latin_text.h"

namespace vetan {

std::string prepare_bill_credits(std::span<const PayslipCredit> payslips, BillPaymentFiles* p,
                                 size_t* bad) {
  std::vector<uint32_t> name_end;
  name_end.reserve(payslips.size());
  for (size_t i = 0; i < payslips.size(); ++i) {
    const char32_t c = to_payment_latin(payslips[i].name, &p->names);
    if (c != 0) {
      *bad = i;
      return "name '" + std::string(payslips[i].name) + "' holds " + describe_character(c) +
             ", which the bank's Latin character set cannot carry; correct the name in the master "
             "(docs/payment.md#names)";
    }
    name_end.push_back(uint32_t(p->names.size()));
  }
  p->credits.reserve(payslips.size());
  uint32_t start = 0;
  for (size_t i = 0; i < payslips.size(); ++i) {
    const PayslipCredit& s = payslips[i];
    const std::string_view name(p->names.data() + start, name_end[i] - start);
    start = name_end[i];
    if (s.net == 0) continue;  // nothing to credit (docs/payment.md)
    Credit credit{s.employee_id, {name, s.bank_account, s.ifsc}, s.net};
    std::string problem = s.net < 0 ? "net: negative" : account_problem(credit.creditor);
    if (!problem.empty()) {
      *bad = i;
      return problem;
    }
    p->credits.push_back(credit);
    p->credited.push_back(uint32_t(i));
    p->control_sum += s.net;
  }
  return "";
}

void format_bill_payment(std::string_view bill_id, Month month, Date execution_date,
                         std::string_view initiating_party, const DebtorAccount& debtor,
                         BillPaymentFiles* p) {
  p->ids = payment_ids(bill_id, month);
  CreditTransferBill bill;
  bill.bill_id = bill_id;
  bill.month = month;
  bill.execution_date = execution_date;
  bill.initiating_party = initiating_party;
  bill.debtor = {debtor.name, debtor.account, debtor.ifsc};
  bill.credits = p->credits;
  p->xml.clear();
  p->xml.reserve(1200 + p->credits.size() * 900);
  format_pain001(bill, &p->xml);
  p->advice = kAdviceHeader;
  p->advice.reserve(p->credits.size() * 96 + 64);
  uint32_t sequence = 0;
  for (const Credit& c : p->credits) {
    append_end_to_end_id(&p->advice, p->ids, ++sequence);
    for (std::string_view text :
         {bill_id, c.employee_id, c.creditor.name, c.creditor.account, c.creditor.ifsc}) {
      p->advice.push_back(',');
      append_csv_field(&p->advice, text);
    }
    p->advice.push_back(',');
    append_amount(&p->advice, c.amount);
    p->advice.push_back('\n');
  }
  p->xml_sha256 = sha256_hex(p->xml);
  p->advice_sha256 = sha256_hex(p->advice);
}

bool parse_iso_date(std::string_view d, Date* date) {
  Month m = 0;
  if (d.size() != 10 || d[7] != '-' || !parse_month(d.substr(0, 7), &m)) return false;
  int day = 0;
  for (char c : d.substr(8)) {
    if (c < '0' || c > '9') return false;
    day = day * 10 + (c - '0');
  }
  if (day < 1 || day > days_in(m)) return false;
  *date = first_day(m) + Date(day - 1);
  return true;
}

Status check_return_group(const PaymentStatusReport& report, const std::string& name) {
  if (report.group_status == "RJCT" && report.transactions.empty()) {
    return Status::invalid_argument(
        name + ": line " + std::to_string(report.original_line) +
        ": the bank rejected the whole message " + report.original_message_id +
        " without naming its transactions: nothing was paid; ask the bank for the "
        "transaction statuses");
  }
  return Status();
}

Status rejected_credits(const PaymentStatusReport& report, const std::string& name,
                        const IssuedPayment& issued,
                        const std::function<bool(std::string_view)>& is_credit,
                        std::vector<size_t>* rejected) {
  for (size_t i = 0; i < report.transactions.size(); ++i) {
    const TransactionStatus& t = report.transactions[i];
    if (t.payment_information_id != issued.payment_information_id) {
      return Status::invalid_argument(name + ": line " + std::to_string(t.line) +
                                      ": <OrgnlPmtInfId> '" + t.payment_information_id +
                                      "' is not the PmtInfId of " + report.original_message_id +
                                      " (" + issued.payment_information_id + ")");
    }
    if (!is_credit(t.end_to_end_id)) {
      return Status::invalid_argument(
          name + ": line " + std::to_string(t.line) + ": <OrgnlEndToEndId> '" + t.end_to_end_id +
          "' is not a payment of " + report.original_message_id + " (bill " + issued.bill_id + ")");
    }
    if (t.status == "RJCT") rejected->push_back(i);
  }
  return Status();
}

}  // namespace vetan
