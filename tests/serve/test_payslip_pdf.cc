// Issue 12 item 7: GET /v1/employees/{id}/payslips/{month}.pdf is the JSON payslip drawn:
// the same answer for every role (scope), the same refusals, and a one-page PDF whose text
// (pdftotext, when installed) shows the employee's name and the JSON payslip's net.
#include <simdjson.h>

#include <cstdio>
#include <fstream>

#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

using PayslipPdfTest = ServeTest;

std::string indian(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    const size_t left = s.size() - i;
    if (i > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0))) out += ',';
    out += s[i];
  }
  return out;
}

TEST_F(PayslipPdfTest, SameScopeAndRefusalsAsTheJsonPayslip) {
  run_month();
  const Who roles[] = {kNone, kAdmin, kAnalyst, kDdo1, kDdo2, kTreasury1, kTreasury2};
  for (const char* target : {"/v1/employees/E0001/payslips/2026-11", "/v1/employees/E0005/payslips/2026-11",
                             "/v1/employees/E0001/payslips/2026-10", "/v1/employees/E0001/payslips/11-2026",
                             "/v1/employees/NOBODY/payslips/2026-11"}) {
    for (Who who : roles) {
      const Reply json = call(who, "GET", target);
      const Reply pdf = call(who, "GET", std::string(target) + ".pdf");
      EXPECT_EQ(pdf.status, json.status) << target << " as #" << who << ": " << json.body;
      if (json.status == 200) {
        EXPECT_EQ(pdf.content_type, "application/pdf");
        EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
      } else {
        EXPECT_EQ(pdf.body, json.body) << "the same refusal";
      }
    }
  }
}

TEST_F(PayslipPdfTest, OnePageShowingTheNameAndTheNet) {
  run_month();
  const Reply json = call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11");
  ASSERT_EQ(json.status, 200) << json.body;
  simdjson::dom::parser parser;
  const int64_t net = parser.parse(json.body)["amounts"]["net"];
  const Reply pdf = call(kDdo1, "GET", "/v1/employees/E0001/payslips/2026-11.pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  size_t pages = 0;
  for (size_t p = pdf.body.find("/Type /Page"); p != std::string::npos; p = pdf.body.find("/Type /Page", p + 1)) {
    if (pdf.body.compare(p, 12, "/Type /Pages") != 0) ++pages;  // a page, not the page tree
  }
  EXPECT_EQ(pages, 1u);
  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) GTEST_SKIP() << "pdftotext not installed";
  const std::string path = (dir_ / "slip.pdf").string();
  std::ofstream(path, std::ios::binary) << pdf.body;
  const std::string command = "pdftotext -raw -enc UTF-8 " + path + " " + path + ".txt";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string text = read_text(path + ".txt");
  std::string name;
  {
    std::istringstream lines(read_text((dir_ / "employees.csv").string()));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind("E0001,", 0) == 0) name = line.substr(6, line.find(',', 6) - 6);
    }
  }
  ASSERT_FALSE(name.empty());
  EXPECT_NE(text.find(name), std::string::npos) << text;
  EXPECT_NE(text.find("₹ " + indian(net)), std::string::npos) << "net " << net << ": " << text;
  EXPECT_NE(text.find("2026-11/TR01/DDO001/1"), std::string::npos) << text;
  EXPECT_NE(text.find("रुपये मात्र"), std::string::npos) << text;
}

}  // namespace
}  // namespace vetan::serve
