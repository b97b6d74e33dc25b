#include "core/run/payslip_layout.h"

#include <cctype>

namespace vetan {
namespace {

std::string lower(const std::string& code) {
  std::string s = code;
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

PayslipLayout::PayslipLayout(const Profile& p, bool with_recovery) {
  // Appends a column and returns its index.
  auto add = [this](const std::string& name) {
    names.push_back(name);
    return names.size() - 1;
  };
  for (const char* name : {"basic", "npa", "da", "hra"}) add(name);
  for (const Allowance& a : p.allowances) add(lower(a.code));
  special_pay = add("special_pay");
  gross = add("gross");
  gpf = add("gpf");
  nps = add("nps");
  income_tax = add("income_tax");
  deductions = names.size();
  for (const Deduction& d : p.deductions) add(lower(d.code));
  licence_fee = add("licence_fee");
  loan = add("loan");
  if (with_recovery) recovery = add("recovery");
  total_deductions = add("total_deductions");
  net = add("net");
  employer_nps = add("employer_nps");
  columns = names.size();
}

}  // namespace vetan
