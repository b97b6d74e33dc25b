// Issue 12 item 7: the PDF writer itself (api/payslip_pdf). Names and the net in words are
// drawn from glyphs shaped once per word, with pango's layout as the fallback for a text that
// does not fit one line; whichever path draws it, the page's text (pdftotext) must read as
// written, in Devanagari too, and the same pages must make the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/payslip_pdf/payslip_pdf.h"
#include "core/payslip/amount_words.h"
#include "core/payslip/payslip_sheet.h"

namespace vetan {
namespace {

const std::vector<std::string> kColumns = {"basic", "da", "hra", "gross", "gpf", "income_tax", "total_deductions",
                                           "net", "employer_nps"};

struct Slip {
  std::string name;
  Money net;
};

// The PDF of `slips`, one page each (net as given, the other amounts made up).
std::string draw(const std::vector<Slip>& slips) {
  PayslipSheet sheet;
  EXPECT_TRUE(PayslipSheet::from_columns(kColumns, &sheet).ok());
  std::string bytes;
  PayslipPdf pdf(sheet, "2026-11", "test", [&bytes](std::string_view b) { bytes.append(b); });
  for (size_t i = 0; i < slips.size(); ++i) {
    const Money net = slips[i].net;
    std::vector<Money> a = {net, 1000, 500, net + 1500, 1200, 300, 1500, net, 900};
    std::string id = std::to_string(1000 + i);
    id.insert(0, 1, 'E');
    PayslipPage page;
    page.month = "2026-11";
    page.bill_id = "2026-11/TR01/DDO001/1";
    page.treasury_code = "TR01";
    page.ddo_code = "DDO001";
    page.employee_id = id;
    page.name = slips[i].name;
    page.pay_level = "L-7";
    page.pay_cell = 3;
    page.payable_days = 30;
    page.bank_account = "30211456789";
    page.ifsc = "SBIN0001234";
    page.amounts = a.data();
    pdf.add_page(page);
  }
  EXPECT_TRUE(pdf.finish().ok());
  return bytes;
}

// pdftotext -raw of `pdf`, page by page; empty when pdftotext is not installed.
std::vector<std::string> pages_of(const std::string& pdf) {
  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) return {};
  char path[] = "/tmp/vetan-payslip-pdf-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {};
  std::fclose(fdopen(fd, "w"));
  std::ofstream(path, std::ios::binary) << pdf;
  const std::string text_path = std::string(path) + ".txt";
  const std::string command = "pdftotext -raw -enc UTF-8 " + std::string(path) + " " + text_path;
  std::vector<std::string> pages;
  if (std::system(command.c_str()) == 0) {
    std::stringstream text;
    text << std::ifstream(text_path).rdbuf();
    std::string all = text.str();
    std::replace(all.begin(), all.end(), '\n', ' ');  // a wrapped line reads as one
    for (size_t at = 0, end; (end = all.find('\f', at)) != std::string::npos; at = end + 1) {
      pages.push_back(all.substr(at, end - at));
    }
  }
  std::remove(path);
  std::remove(text_path.c_str());
  return pages;
}

TEST(PayslipPdfText, NamesAndWordsReadAsWrittenOnEitherPath) {
  const std::string long_name =
      "Venkata Subrahmanya Lakshmi Narasimha Satyanarayana Ramachandra Murthy Chakravarthula";
  const std::vector<Slip> slips = {
      {"राजेश शर्मा", 75884},                 // Devanagari: conjuncts and the reph
      {"Meena Kumari", 44998},                // Latin
      {long_name, 123456789},                 // wider than its column: laid out by pango
      {"श्रीमती क्षमा त्रिपाठी", 100},          // more conjuncts, words seen before on no page
      {"Meena Kumari", 44998},                // a page again: its words from the cache
      {"  Thomas  O'Brien ", 0}};             // spaces before, between and after
  const std::string pdf = draw(slips);
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  const std::vector<std::string> pages = pages_of(pdf);
  if (pages.empty()) GTEST_SKIP() << "pdftotext not installed";
  ASSERT_EQ(pages.size(), slips.size());
  for (size_t i = 0; i < slips.size(); ++i) {
    std::string name = slips[i].name;
    if (i == 5) name = "Thomas O'Brien";  // pdftotext reads a wider gap as one space
    if (i == 2) {  // wrapped by pango: each word on the page
      for (const char* word : {"Venkata", "Satyanarayana", "Chakravarthula"}) {
        EXPECT_NE(pages[i].find(word), std::string::npos) << "page " << i + 1 << ": " << pages[i];
      }
    } else {
      EXPECT_NE(pages[i].find(name), std::string::npos) << "page " << i + 1 << " names " << name << ": " << pages[i];
    }
    EXPECT_NE(pages[i].find(rupees_in_english_words(slips[i].net)), std::string::npos)
        << "page " << i + 1 << ": " << pages[i];
    EXPECT_NE(pages[i].find(rupees_in_hindi_words(slips[i].net)), std::string::npos)
        << "page " << i + 1 << ": " << pages[i];
  }
}

TEST(PayslipPdfText, TheSamePagesMakeTheSameBytes) {
  const std::vector<Slip> slips = {{"राजेश शर्मा", 75884}, {"Meena Kumari", 44998}, {"राजेश शर्मा", 1}};
  EXPECT_EQ(draw(slips), draw(slips));
}

}  // namespace
}  // namespace vetan
