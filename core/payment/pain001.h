// ISO 20022 pain.001.001.03 (CustomerCreditTransferInitiationV03) for one bill
// (docs/payment.md): one message, one PmtInf debiting the DDO's account, one CdtTrfTxInf per
// credit. The identifiers are made from the bill id alone, so the same bill always gives the
// same identifiers and the same bytes (a bank refuses a MsgId it has seen: regeneration never
// pays twice).
//
// Thread-safety: pure functions; format bills on as many threads as you like.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/common/civil_date.h"
#include "core/common/money.h"

namespace vetan {

// ISO 20022 Max35Text, Max34Text, Max140Text.
inline constexpr size_t kMaxIdLength = 35, kMaxAccountLength = 34, kMaxNameLength = 140;

// A bill's message identifiers: MsgId "VETAN-YYYYMM-<16 hex>", PmtInfId MsgId + "-P1"
// (the hex: 64-bit FNV-1a of the bill id), and the prefix of its EndToEndIds.
struct PaymentIds {
  std::string message_id;
  std::string payment_information_id;
  std::string end_to_end_prefix;  // "<16 hex>-": EndToEndId = prefix + 7-digit sequence
};
PaymentIds payment_ids(std::string_view bill_id, Month month);

// Appends the EndToEndId of the bill's `sequence`-th credit (1-based) to *out.
void append_end_to_end_id(std::string* out, const PaymentIds& ids, uint32_t sequence);

// A party's account: name (payment Latin set, at most 140), account (1-34 letters and
// digits) and the branch's IFSC (4 letters, 0, 6 letters or digits).
struct PaymentAccount {
  std::string_view name, account, ifsc;
};

// One credit: the employee, the account paid and the amount (whole rupees, > 0).
struct Credit {
  std::string_view employee_id;
  PaymentAccount creditor;
  Money amount = 0;
};

struct CreditTransferBill {
  std::string_view bill_id;
  Month month = 0;
  Date execution_date = 0;            // ReqdExctnDt; CreDtTm is this day at 00:00:00
  std::string_view initiating_party;  // the treasury (payment Latin set)
  PaymentAccount debtor;              // the DDO's account
  std::span<const Credit> credits;    // in the order they are paid (sequence 1, 2, ...)
};

// What is wrong with an account for a payment file, or "" when nothing: the field named
// (name, account, ifsc) and the rule broken.
std::string account_problem(const PaymentAccount& account);

// True iff `ifsc` has the shape of an IFSC (RBI): 4 letters, '0', 6 letters or digits.
bool is_ifsc(std::string_view ifsc);

// Appends the message to *out (UTF-8, LF line ends, two-space indent). REQUIRES: every
// account passes account_problem and every amount is > 0 (callers check first, to name the
// line). Allocates only by growing *out.
void format_pain001(const CreditTransferBill& bill, std::string* out);

// Appends `rupees` as an ISO 20022 amount with two decimals ("1234.00").
void append_amount(std::string* out, Int128 rupees);

}  // namespace vetan
