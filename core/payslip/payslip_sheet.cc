#include "core/payslip/payslip_sheet.h"

#include <cctype>

namespace vetan {
namespace {

struct KnownLabel {
  const char* column;
  const char* english;
  const char* hindi;
};

// formats.md's named payslip columns, then the codes of the shipped profiles' allowances
// and deductions (profiles/).
const KnownLabel kKnownLabels[] = {
    {"basic", "Basic pay", "मूल वेतन"},
    {"npa", "Non-practising allowance", "नॉन-प्रैक्टिसिंग भत्ता"},
    {"da", "Dearness allowance", "महँगाई भत्ता"},
    {"hra", "House rent allowance", "मकान किराया भत्ता"},
    {"special_pay", "Special pay", "विशेष वेतन"},
    {"gross", "Gross pay", "सकल वेतन"},
    {"gpf", "GPF subscription", "सामान्य भविष्य निधि अंशदान"},
    {"nps", "NPS (employee's share)", "राष्ट्रीय पेंशन प्रणाली (कर्मचारी अंश)"},
    {"income_tax", "Income tax (TDS)", "आयकर (स्रोत पर कटौती)"},
    {"licence_fee", "Licence fee", "लाइसेंस शुल्क"},
    {"loan", "Advance recovery", "अग्रिम की वसूली"},
    {"recovery", "Over-payment recovery", "अधिक भुगतान की वसूली"},
    {"total_deductions", "Total deductions", "कुल कटौतियाँ"},
    {"net", "Net pay", "शुद्ध देय वेतन"},
    {"employer_nps", "NPS (government's share)", "राष्ट्रीय पेंशन प्रणाली (सरकार का अंश)"},
    {"ta", "Transport allowance", "परिवहन भत्ता"},
    {"cca", "City compensatory allowance", "नगर प्रतिकर भत्ता"},
    {"fma", "Fixed medical allowance", "नियत चिकित्सा भत्ता"},
    {"cghs", "CGHS contribution", "केंद्र सरकार स्वास्थ्य योजना अंशदान"},
    {"cgegis", "CGEGIS", "केंद्र सरकार कर्मचारी समूह बीमा"},
    {"rghs", "RGHS contribution", "राजस्थान सरकार स्वास्थ्य योजना अंशदान"},
    {"si", "State insurance", "राज्य बीमा"},
    {"pt", "Professional tax", "व्यवसाय कर"},
};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

PayslipLabel payslip_label(std::string_view column) {
  for (const KnownLabel& k : kKnownLabels) {
    if (column == k.column) return {k.english, k.hindi};
  }
  return {upper(column), upper(column)};
}

Status PayslipSheet::from_columns(const std::vector<std::string>& names, PayslipSheet* sheet) {
  PayslipSheet s;
  s.columns = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name == "gross") {
      s.gross = i;
    } else if (name == "total_deductions") {
      if (s.gross == kNone) return Status::invalid_argument("payslip column 'total_deductions' comes before 'gross'");
      s.total_deductions = i;
    } else if (name == "net") {
      if (s.total_deductions == kNone) return Status::invalid_argument("payslip column 'net' comes before 'total_deductions'");
      s.net = i;
    } else if (name == "employer_nps") {
      s.employer_nps = i;
    } else if (s.gross == kNone) {
      s.earnings.push_back({i, payslip_label(name)});
    } else if (s.total_deductions == kNone) {
      s.deductions.push_back({i, payslip_label(name)});
    }
  }
  for (const auto& [column, index] : {std::pair{"gross", s.gross},
                                      std::pair{"total_deductions", s.total_deductions},
                                      std::pair{"net", s.net}}) {
    if (index == kNone) return Status::invalid_argument(std::string("payslip has no column '") + column + "'");
  }
  *sheet = std::move(s);
  return Status();
}

std::string mask_account(std::string_view account) {
  std::string out(account);
  const size_t keep = out.size() > 4 ? 4 : 0;
  for (size_t i = 0; i + keep < out.size(); ++i) out[i] = 'X';
  return out;
}

}  // namespace vetan
