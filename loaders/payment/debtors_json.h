// The payment configuration of `vetan pay --config` (docs/payment.md "The configuration"):
// the initiating party (the treasury) and each DDO's account the bills are paid from.
//
//   {"initiating_party": "Treasury Office Jaipur",
//    "debtors": [{"ddo_code": "DDO001", "name": "DDO PWD Jaipur",
//                 "account": "10000000001", "ifsc": "SBIN0001234"}]}
#pragma once

#include <map>
#include <string>

#include "core/common/status.h"

namespace vetan {

struct DebtorAccount {
  std::string name, account, ifsc;
};

struct PaymentConfig {
  std::string initiating_party;
  std::map<std::string, DebtorAccount> debtors;  // by ddo_code
};

// Parses the configuration. Fails naming the key ("debtors[2].ifsc: ..."): a missing or
// unknown key, a repeated DDO, a name outside the payment Latin set, an account or IFSC of
// the wrong shape (core/payment/pain001.h account_problem).
Status parse_payment_config(const std::string& json, PaymentConfig* config);

}  // namespace vetan
