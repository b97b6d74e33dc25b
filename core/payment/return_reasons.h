// Reasons a bank gives for a credit it could not make (ISO 20022 ExternalStatusReason1Code,
// the codes Indian banks return for NEFT/RTGS credits), and what the DDO does next.
#pragma once

#include <string_view>

namespace vetan {

// The meaning of a status reason code, or "" for a code not in this list (the code is
// still recorded as the bank gave it).
inline std::string_view return_reason_text(std::string_view code) {
  struct Entry {
    std::string_view code, text;
  };
  static constexpr Entry kReasons[] = {
      {"AC01", "incorrect account number"},   {"AC03", "invalid creditor account number"},
      {"AC04", "closed account number"},      {"AC06", "blocked account"},
      {"AC13", "invalid debtor account type"}, {"AG01", "transaction forbidden on this account"},
      {"AM04", "insufficient funds"},         {"AM05", "duplication"},
      {"BE01", "name inconsistent with the account"}, {"DUPL", "duplicate payment"},
      {"MD07", "end customer deceased"},      {"MS03", "reason not specified (bank)"},
      {"NARR", "narrative (see additional information)"}, {"RC01", "bank identifier (IFSC) incorrect"},
      {"RR03", "missing creditor name or address"}};
  for (const Entry& e : kReasons) {
    if (e.code == code) return e.text;
  }
  return "";
}

}  // namespace vetan
