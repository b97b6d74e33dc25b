// Reads a bank's return file for `vetan pay returns` (docs/payment.md "Returns"): an
// ISO 20022 pain.002.001.03 Customer Payment Status Report answering one pain.001 message,
// parsed with libxml2 (no network, no DTD, no entity expansion).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace vetan {

struct TransactionStatus {
  std::string payment_information_id;  // OrgnlPmtInfId of the enclosing block
  std::string end_to_end_id;           // OrgnlEndToEndId
  std::string status;                  // TxSts (ExternalPaymentTransactionStatus1Code)
  std::string reason_code;             // StsRsnInf/Rsn/Cd ("" when absent)
  std::string additional_information;  // StsRsnInf/AddtlInf, joined with "; "
  int line = 0;                        // the TxInfAndSts element's line in the file
};

struct PaymentStatusReport {
  std::string message_id;           // GrpHdr/MsgId
  std::string original_message_id;  // OrgnlGrpInfAndSts/OrgnlMsgId
  std::string group_status;         // OrgnlGrpInfAndSts/GrpSts ("" when absent)
  int original_line = 0;
  std::vector<TransactionStatus> transactions;
};

// Parses `bytes`. Fails with "NAME: line L: ..." naming the element: not well-formed XML
// (libxml2's message and column), another message than pain.002.001.03, a required element
// missing or empty, a status outside the code list, a rejection without a reason code.
Status read_pain002(std::string_view bytes, const std::string& name, PaymentStatusReport* report);

}  // namespace vetan
