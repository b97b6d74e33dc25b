// Income-tax returns from a run's own figures (issue 12 item 5, docs/returns.md): per DDO
// and quarter the deductee rows of Form 24Q Annexure I, per employee and financial year the
// Part B figures of Form 16, and per treasury, month and DDO the Form 24G totals. Every
// amount is a sum of payslip amounts (gross and income_tax) or, for Form 16's tax, rules §6
// applied to the year's salary; nothing is estimated. No I/O: the command
// (api/returns_command.cc) reads the run folders and writes the files.
//
// Thread-safety: compute_tax_returns only reads its input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/profile/profile.h"

namespace vetan {

// A quarter of a financial year: `fy_start` is the year of its April; quarter 1 is April to
// June ... quarter 4 January to March of the next year.
struct TaxQuarter {
  int32_t fy_start = 0;
  int32_t quarter = 0;  // 1..4

  Month first_month() const { return make_month(fy_start, 4) + 3 * (quarter - 1); }
  Month last_month() const { return first_month() + 2; }
  Month fy_first_month() const { return make_month(fy_start, 4); }
};

// Parses "2026-27Q3" (the financial year as the forms write it, then Q1..Q4). Returns false
// when the text is not of that shape or the second year does not follow the first.
bool parse_tax_quarter(std::string_view text, TaxQuarter* quarter);
// "2026-27Q3"; "2026-27" for the year alone.
std::string format_tax_quarter(const TaxQuarter& quarter);
std::string format_financial_year(int32_t fy_start);

// The PAN as the 24Q deductee record takes it: the PAN when it has the shape AAAAA9999A
// (upper case), "PANNOTAVBL" when empty, "PANINVALID" otherwise (the return file's
// conventions for a deductee without a valid PAN).
std::string deductee_pan(std::string_view pan);

// One employee paid in the year, as the returns name them (the master's or the payslips'
// name and PAN) and what Form 16 needs of the master (rules §6.1).
struct ReturnsPerson {
  std::string employee_id;
  std::string name;
  std::string pan;  // as given; deductee_pan() says how the forms print it
  bool old_regime = false;
  Money chapter_via_deductions = 0;  // old regime only
};

// A DDO, and the treasury (the Accounts Office of Form 24G) its bills go to.
struct ReturnsDdo {
  std::string treasury_code;
  std::string ddo_code;
};

// One month's payslips as columns: payslip i paid person[i] (an index of
// ReturnsInput::persons) on a bill of ddo[i] (an index of ReturnsInput::ddos) its gross and
// income_tax.
struct MonthPayslips {
  Month month = 0;
  std::vector<uint32_t> person;
  std::vector<uint32_t> ddo;
  std::vector<Money> gross;
  std::vector<Money> tds;
};

struct ReturnsInput {
  TaxQuarter quarter;
  // 24Q deductee section code: "92A" (employees of a State Government), "92C" (of the Union
  // Government), "92B" (others).
  std::string section;
  // The income-tax entry of the quarter's financial year (rules §6).
  const IncomeTaxYear* tax = nullptr;
  std::vector<ReturnsPerson> persons;
  std::vector<ReturnsDdo> ddos;
  // Every month of the financial year from April to the quarter's last month, once each
  // (REQUIRES: in any order; compute_tax_returns checks the set).
  std::vector<MonthPayslips> months;
};

// One deductee row of Form 24Q Annexure I: a payslip of the quarter.
struct Form24QRow {
  uint32_t ddo;
  uint32_t person;
  uint32_t serial;  // 1, 2, ... within the DDO's quarter
  Month month;
  Money amount_paid;  // the payslip's gross
  Money tds;          // its income_tax: deducted, and deposited by book adjustment
};

// A DDO's quarter: its deductee rows (Form24QRow) summed.
struct Form24QTotal {
  uint32_t ddo;
  int64_t deductees = 0;  // distinct persons
  int64_t rows = 0;
  Money amount_paid = 0;
  Money tds = 0;
};

// Form 16 Part B of one person for the financial year up to the quarter's last month
// (the whole year for quarter 4): rules §6 applied to the salary the payslips paid.
struct Form16PartB {
  uint32_t person;
  uint32_t ddo;  // the DDO of the last month paid (the certificate's issuer)
  Month first_month, last_month;
  int32_t months = 0;                     // months paid
  Money gross_salary = 0;                 // section 17(1): the payslips' gross
  Money gross_from_other_ddos = 0;        // the part paid on other DDOs' bills
  Money standard_deduction = 0;           // section 16(ia), at most the gross
  Money income_under_salaries = 0;        // gross_salary - standard_deduction
  Money chapter_via_deductions = 0;       // old regime: at most the income under salaries
  Money taxable_income = 0;               // rounded half up to a multiple of 10 (section 288A)
  Money tax_on_income = 0;                // rules §6 step 3
  Money rebate_87a = 0;                   // step 4
  Money surcharge = 0;                    // step 5, after marginal relief
  Money cess = 0;                         // step 6
  Money tax_payable = 0;                  // step 7: rounded to a multiple of 10 (section 288B)
  Money relief_89 = 0;                    // not computed (Form 10E): always 0
  Money net_tax_payable = 0;              // tax_payable - relief_89
  Money tds = 0;                          // the payslips' income_tax
  Money balance = 0;                      // net_tax_payable - tds: > 0 due, < 0 deducted over
};

// Form 24G, one DDO's month (the TDS-Salary (24Q) part, 5a): transferred by book adjustment.
struct Form24GLine {
  Month month;
  uint32_t ddo;
  int64_t employees = 0;
  Money amount_paid = 0;
  Money tds = 0;
};

struct TaxReturns {
  TaxQuarter quarter;
  // Sorted by treasury_code, ddo_code, then employee_id and month.
  std::vector<Form24QRow> form24q;
  // Sorted by treasury_code, ddo_code.
  std::vector<Form24QTotal> form24q_totals;
  // Sorted by employee_id.
  std::vector<Form16PartB> form16;
  // The quarter's months, each sorted by treasury_code, ddo_code.
  std::vector<Form24GLine> form24g;
};

// Computes the returns of `in.quarter`. Fails, naming the month or the employee, when a
// month of the year up to the quarter's end is missing or given twice, a month outside it
// is given, an index is out of range, or a person chooses the old regime and the year has
// none (rules §6.1).
Status compute_tax_returns(const ReturnsInput& in, TaxReturns* out);

}  // namespace vetan
