// PayslipPdf: printable payslips (issue 12 item 7), one A4 page per employee and month, in
// Hindi and English, drawn with cairo and pango (Devanagari shaped by HarfBuzz through
// pango; fonts Noto Sans and Noto Sans Devanagari). What a page shows is the PayslipSheet of
// core/payslip/; this file only draws it.
//
// The page is a template laid out once: every label, heading and rule is shaped when the
// writer is made and recorded as one PDF form each page paints; per page only the fields
// (name, codes, amounts, the net in words) change. Amounts come from digit glyphs shaped
// once, the name and the words from glyphs shaped once per word, and a code is shaped again
// only when its text differs from the page before (a bill's id, DDO and treasury repeat).
// docs/payslips.md "How it is made".
//
// Thread-safety: a writer is used by one thread at a time. Writers on different threads
// are independent (each has its own pango context and font map).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/common/money.h"
#include "core/common/status.h"
#include "core/payslip/payslip_sheet.h"

namespace vetan {

// One payslip's fields. The views need to live only for the call to add_page.
struct PayslipPage {
  std::string_view month;  // YYYY-MM
  std::string_view bill_id, treasury_code, ddo_code;
  std::string_view employee_id, name, pay_level;
  int pay_cell = 0;
  int payable_days = 0;
  std::string_view bank_account, ifsc;  // the account is printed masked (mask_account)
  const Money* amounts = nullptr;       // PayslipSheet::columns amounts
};

class PayslipPdf {
 public:
  // Receives the PDF's bytes in order as they are made.
  using Sink = std::function<void(std::string_view bytes)>;

  // `title` goes into the PDF's metadata. The PDF's creation date is the first day of
  // `month` (YYYY-MM), so the same payslips always make the same bytes.
  PayslipPdf(const PayslipSheet& sheet, std::string_view month, std::string_view title, Sink sink);
  ~PayslipPdf();
  PayslipPdf(const PayslipPdf&) = delete;
  PayslipPdf& operator=(const PayslipPdf&) = delete;

  // Draws one page.
  void add_page(const PayslipPage& page);

  // Ends the document and hands the last bytes to the sink; fails when cairo did. Call
  // once; a writer with no page makes no document and fails.
  Status finish();

  size_t pages() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetan
