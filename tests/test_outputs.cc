// formats.md "What a run writes": columns, order, quoting, and summary.json.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "api/output_writer.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::mini_profile_json;
using test::run_rows;

TEST(OutputsFormats, PayslipColumnsAndByteOrderOfIds) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("employee_id", "b"), Employee(2).set("employee_id", "A"),
                       Employee(3).set("employee_id", "a"), Employee(4).set("employee_id", "B9"),
                       Employee(5).set("employee_id", "B10"), Employee(6).set("employee_id", "अ")});
  const test::CsvFile payslips =
      test::parse_csv_text(test::run_output_files(*run).at("payslips.csv"));
  const std::vector<std::string> header = {"employee_id",  "line",
                                           "bill_id",      "treasury_code",
                                           "ddo_code",     "bill_group",
                                           "budget_head",  "fund_type",
                                           "payable_days", "basic",
                                           "npa",          "da",
                                           "hra",          "ta",
                                           "cca",          "special_pay",
                                           "gross",        "gpf",
                                           "nps",          "income_tax",
                                           "si",           "rghs",
                                           "pt",           "licence_fee",
                                           "loan",         "total_deductions",
                                           "net",          "employer_nps"};
  EXPECT_EQ(std::vector<std::string>(
                payslips.header.begin(),
                payslips.header.begin() + long(std::min(header.size(), payslips.header.size()))),
            header);
  std::vector<std::string> ids;
  for (const auto& row : payslips.rows) ids.push_back(row[0]);
  EXPECT_EQ(ids, (std::vector<std::string>{"A", "B10", "B9", "a", "b", "अ"}));
  EXPECT_EQ(payslips.rows[0][1], "2");  // line of "A"
  EXPECT_EQ(payslips.rows[0][8], "28");
}

TEST(OutputsFormats, FieldsQuotedOnlyWhenNeeded) {
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).set("treasury_code", "TR,9").set("budget_head", "Head \"A\""),
       Employee(2).set("stop_payment", "1").set("stop_reason", "Under inquiry, \"held\"\nlong"),
       Employee(3).set("employee_id", "E,3").set("ddo_code", "DDO \"3\"").set("pan", "")});
  const auto files = test::run_output_files(*run);
  EXPECT_EQ(files.at("bill_heads.csv"),
            "bill_id,budget_head,fund_type,employees,gross,total_deductions,net\n"
            "\"2026-02/TR,9/DDO001/1\",\"Head \"\"A\"\"\",SF,1,94277,10318,83959\n");
  EXPECT_EQ(files.at("stopped.csv"),
            "line,employee_id,ddo_code,stop_reason,name\n"
            "2,E0002,DDO001,\"Under inquiry, \"\"held\"\"\nlong\",Employee 2\n");
  const std::string prefix =
      "line,employee_id,ddo_code,reasons,detail,name\n3,\"E,3\",\"DDO \"\"3\"\"\",INVALID_PAN,";
  EXPECT_EQ(files.at("mismatches.csv").substr(0, prefix.size()), prefix);
}

// append_csv_field tests 8 bytes at a time, then the tail: every special byte at every
// place of values up to 3 words long is found (quoted, inner quotes doubled), and a value
// without one is copied as it is.
TEST(OutputsFormats, CsvFieldQuotedWhereverTheSpecialByteIs) {
  for (const char special : {',', '"', '\r', '\n'}) {
    for (size_t size = 1; size <= 24; ++size) {
      for (size_t at = 0; at < size; ++at) {
        std::string value(size, 'x');
        value[at] = special;
        std::string expected = "\"";
        for (char c : value) {
          if (c == '"') expected.push_back('"');
          expected.push_back(c);
        }
        expected.push_back('"');
        std::string out = "prefix";
        append_csv_field(&out, value);
        EXPECT_EQ(out, "prefix" + expected) << "size " << size << " at " << at;
      }
    }
  }
  for (size_t size = 0; size <= 24; ++size) {
    // Bytes next to the special ones (and UTF-8 lead bytes) are plain.
    std::string value;
    for (size_t i = 0; i < size; ++i) value.push_back("+-!#\t\x0b\x0c\xe0\xa4\x85"[i % 10]);
    std::string out;
    append_csv_field(&out, value);
    EXPECT_EQ(out, value) << "size " << size;
  }
}

TEST(OutputsFormats, MismatchesAndStoppedSortedByLineWithRawFields) {
  std::string csv =
      test::master_csv({Employee(1).set("pan", ""), Employee(2).set("stop_payment", "1"),
                        Employee(3), Employee(4).set("stop_payment", "1")});
  csv += "  E9 , broken row ,, DDO9\n";  // 4 fields: unreadable; its raw id is "E9"
  auto run = test::run_csv(mini_profile_json(), "2026-02", csv);
  const auto files = test::run_output_files(*run);
  const test::CsvFile mismatches = test::parse_csv_text(files.at("mismatches.csv"));
  ASSERT_EQ(mismatches.rows.size(), 2u);
  EXPECT_EQ(mismatches.rows[0][0], "1");
  EXPECT_EQ(mismatches.rows[0][3], "INVALID_PAN");
  EXPECT_EQ(mismatches.rows[1][0], "5");
  EXPECT_EQ(mismatches.rows[1][1], "E9");
  EXPECT_EQ(mismatches.rows[1][2], "");  // ddo_code is column 8: absent from the short row
  EXPECT_EQ(mismatches.rows[1][3], "INVALID_RECORD");
  EXPECT_EQ(files.at("stopped.csv"),
            "line,employee_id,ddo_code,stop_reason,name\n2,E0002,DDO001,,Employee 2\n"
            "4,E0004,DDO001,,Employee 4\n");
}

TEST(OutputsFormats, SummaryJson) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1), Employee(2).set("stop_payment", "1"), Employee(3).set("pan", ""),
                Employee(4).set("pan", "").set("bank_account", "1"), Employee(5).gpf(1)});
  const std::string text = test::run_output_files(*run).at("summary.json");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(text).get(root), simdjson::SUCCESS) << text;
  EXPECT_EQ(std::string_view(root["month"].get_string().value()), "2026-02");
  EXPECT_EQ(int64_t(root["rows"]), 5);
  EXPECT_EQ(int64_t(root["paid"]), 1);
  EXPECT_EQ(int64_t(root["stopped"]), 1);
  EXPECT_EQ(int64_t(root["mismatched"]), 3);
  EXPECT_EQ(int64_t(root["bills"]), 1);
  EXPECT_EQ(int64_t(root["gross"]), 94277);
  EXPECT_EQ(int64_t(root["total_deductions"]), 10318);
  EXPECT_EQ(int64_t(root["net"]), 83959);
  EXPECT_EQ(int64_t(root["employer_nps"]), 12044);
  simdjson::dom::object reasons;
  ASSERT_EQ(root["reasons"].get_object().get(reasons), simdjson::SUCCESS);
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_EQ(int64_t(reasons["INVALID_PAN"]), 2);
  EXPECT_EQ(int64_t(reasons["INVALID_BANK_ACCOUNT"]), 1);
  EXPECT_EQ(int64_t(reasons["GPF_BELOW_MINIMUM"]), 1);
}

}  // namespace
}  // namespace vetan
