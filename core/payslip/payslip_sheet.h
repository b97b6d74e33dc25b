// PayslipSheet: what a printed payslip shows (issue 12 item 7), independent of how it is
// drawn: the earnings and deduction lines in the order of the payslip's columns
// (formats.md), each with its English and Hindi label, and where the totals are. The
// lines are the same for every payslip of one layout, so a renderer lays them out once and
// fills in only the amounts per page.
//
// Thread-safety: immutable once built.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace vetan {

struct PayslipLabel {
  std::string english;
  std::string hindi;  // UTF-8 Devanagari
};

// The label of a payslip column (formats.md names, lower case): the named columns and the
// profile codes the shipped profiles use have Hindi labels of their own; any other profile
// code prints as its upper-case code in both languages.
PayslipLabel payslip_label(std::string_view column);

struct PayslipLine {
  size_t column;  // index into the payslip's amounts
  PayslipLabel label;
};

struct PayslipSheet {
  static constexpr size_t kNone = size_t(-1);
  std::vector<PayslipLine> earnings;    // the columns before gross
  std::vector<PayslipLine> deductions;  // the columns after gross, before total_deductions
  size_t gross = kNone, total_deductions = kNone, net = kNone;
  size_t employer_nps = kNone;  // kNone when the payslip has no such column
  size_t columns = 0;

  // Builds the sheet from the payslip's column names in layout order (PayslipLayout::names,
  // or an other-salary bill's payslip). Fails, naming the column, when gross,
  // total_deductions or net is missing or out of order.
  static Status from_columns(const std::vector<std::string>& names, PayslipSheet* sheet);
};

// A bank account as a payslip prints it: all but the last four characters as 'X'
// ("XXXXXXXX4321"); four or fewer characters are masked whole.
std::string mask_account(std::string_view account);

}  // namespace vetan
