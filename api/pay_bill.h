// One bill's payment files (docs/payment.md), shared by `vetan pay` and `vetan serve`: the
// credits of its payslips brought into the bank's character set and checked, then the
// pain.001.001.03 message (core/payment/pain001.h) and the bank advice, with their SHA-256;
// and the checks of a bank's pain.002 return against the message it answers. The same
// payslips always give the same bytes, whichever program makes them.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/payment/pain001.h"
#include "loaders/payment/debtors_json.h"
#include "loaders/payment/pain002_reader.h"

namespace vetan {

// The bank advice's header line.
inline constexpr char kAdviceHeader[] =
    "end_to_end_id,bill_id,employee_id,name,bank_account,ifsc,amount\n";

// One payslip of the bill, as the run paid it (the master's name, not yet in the bank's set).
struct PayslipCredit {
  std::string_view employee_id, name, bank_account, ifsc;
  Money net = 0;
};

// A bill's credits and files. The credits' names point into `names`, their other fields into
// the payslips given to prepare_bill_credits: neither may change or move while it is used.
struct BillPaymentFiles {
  std::string names;               // the creditors' names in the payment Latin set, back to back
  std::vector<Credit> credits;     // the payslips with a net above zero, in the order given
  std::vector<uint32_t> credited;  // for each credit, its payslip's index
  Int128 control_sum = 0;
  PaymentIds ids;
  std::string xml, advice, xml_sha256, advice_sha256;
};

// Brings each payslip's name into the payment Latin set and checks each credit (payslips with
// net 0 have nothing to credit and are left out). Returns "" when all pass; else the first
// problem ("name '…' holds U+…, which the bank's Latin character set cannot carry; …",
// "net: negative", account_problem's text) with the index of its payslip in *bad.
std::string prepare_bill_credits(std::span<const PayslipCredit> payslips, BillPaymentFiles* out,
                                 size_t* bad);

// Formats the message and the advice of bill `bill_id` of `month` paid on `execution_date`
// from the debtor's account, and their SHA-256, into *p (p->ids too).
// REQUIRES: prepare_bill_credits passed on *p.
void format_bill_payment(std::string_view bill_id, Month month, Date execution_date,
                         std::string_view initiating_party, const DebtorAccount& debtor,
                         BillPaymentFiles* p);

// "YYYY-MM-DD" to a date; false when it is not a date.
bool parse_iso_date(std::string_view text, Date* date);

// The message a pain.002 return answers, as issued.
struct IssuedPayment {
  std::string message_id, payment_information_id, bill_id;
};

// The refusal of a return that rejects the whole message without naming its transactions
// (nothing was paid), naming `name` and the line; ok otherwise.
Status check_return_group(const PaymentStatusReport& report, const std::string& name);

// Checks each transaction status of `report` against the message: its OrgnlPmtInfId is the
// message's, its OrgnlEndToEndId a credit of it (`is_credit`). Fails naming `name`, the line
// and the element. Fills *rejected with the indexes of the RJCT statuses, in file order.
Status rejected_credits(const PaymentStatusReport& report, const std::string& name,
                        const IssuedPayment& issued,
                        const std::function<bool(std::string_view)>& is_credit,
                        std::vector<size_t>* rejected);

}  // namespace vetan
