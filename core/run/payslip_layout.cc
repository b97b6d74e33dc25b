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

PayslipLayout::PayslipLayout(const Profile& p) {
  names = {"basic", "npa", "da", "hra"};
  for (const Allowance& a : p.allowances) names.push_back(lower(a.code));
  special_pay = names.size();
  names.push_back("special_pay");
  gross = names.size();
  names.push_back("gross");
  gpf = names.size();
  names.push_back("gpf");
  nps = names.size();
  names.push_back("nps");
  income_tax = names.size();
  names.push_back("income_tax");
  deductions = names.size();
  for (const Deduction& d : p.deductions) names.push_back(lower(d.code));
  licence_fee = names.size();
  names.push_back("licence_fee");
  loan = names.size();
  names.push_back("loan");
  total_deductions = names.size();
  names.push_back("total_deductions");
  net = names.size();
  names.push_back("net");
  employer_nps = names.size();
  names.push_back("employer_nps");
  columns = names.size();
}

}  // namespace vetan
