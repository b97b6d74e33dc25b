// formats.md "The employee master: CSV" (UTF-8, comma separated) and docs/input.md "Files
// that are refused": the files people bring instead — UTF-16 and UTF-32 text, Windows-1252
// text, semicolon-, tab- or bar-separated exports, workbooks — each refused by the loader
// with what it is, the line and column, and what to do; and the files it must accept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loaders/csv/csv_loader.h"
#include "loaders/csv/file_shape.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::master_csv;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kName = "employees.csv";

// The loader's refusal of `data` (through its entry point, so the check is where it runs).
std::string refusal(std::string_view data) {
  EmployeeTable table;
  const Status s = parse_employees_csv(data, kName, &table);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(table.rows, 0u) << "a refused file left rows in the table";
  EXPECT_EQ(s.message(), check_file_shape(data, kName).message())
      << "the loader's refusal is not the file-shape check's";
  return s.message();
}

// A small master with a Devanagari name, as the shipped samples have.
std::string sample() {
  return master_csv({Employee(1), Employee(2).set("name", "राजेश शर्मा"), Employee(3)});
}

// UTF-8 text as UTF-16 code units, little- or big-endian.
std::string utf16(std::string_view utf8, bool little) {
  std::string out;
  auto unit = [&](uint32_t u) {
    const char lo = char(u & 0xFF), hi = char(u >> 8);
    out.push_back(little ? lo : hi);
    out.push_back(little ? hi : lo);
  };
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<uint8_t>(utf8[i]);
    const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<uint8_t>(utf8[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

TEST(FileShape, AcceptsUtf8WithAndWithoutByteOrderMark) {
  for (const std::string& data : {sample(), "\xEF\xBB\xBF" + sample(), std::string()}) {
    EXPECT_TRUE(check_file_shape(data, kName).ok()) << check_file_shape(data, kName).message();
  }
  EmployeeTable table;
  ASSERT_TRUE(parse_employees_csv("\xEF\xBB\xBF" + sample(), kName, &table).ok());
  EXPECT_EQ(table.rows, 3u);
}

TEST(FileShape, Utf16WithByteOrderMark) {
  EXPECT_EQ(refusal("\xFF\xFE" + utf16(sample(), true)),
            "employees.csv: the file is UTF-16 (little-endian); save it as UTF-8 (CSV UTF-8 in "
            "Excel)");
  EXPECT_EQ(refusal("\xFE\xFF" + utf16(sample(), false)),
            "employees.csv: the file is UTF-16 (big-endian); save it as UTF-8 (CSV UTF-8 in "
            "Excel)");
}

TEST(FileShape, Utf16WithoutByteOrderMark) {
  EXPECT_EQ(refusal(utf16(sample(), true)),
            "employees.csv: the file is UTF-16 (little-endian, without a byte-order mark); save "
            "it as UTF-8 (CSV UTF-8 in Excel)");
  EXPECT_EQ(refusal(utf16(sample(), false)),
            "employees.csv: the file is UTF-16 (big-endian, without a byte-order mark); save it "
            "as UTF-8 (CSV UTF-8 in Excel)");
  // Excel's "Unicode Text": UTF-16 LE, tab separated: the encoding is what is named first.
  std::string tabbed = sample();
  for (char& c : tabbed) c = c == ',' ? '\t' : c;
  EXPECT_THAT(refusal("\xFF\xFE" + utf16(tabbed, true)), HasSubstr("UTF-16 (little-endian)"));
}

TEST(FileShape, Utf32AndWorkbooks) {
  EXPECT_THAT(refusal(std::string("\xFF\xFE\x00\x00" "e\0\0\0", 8)),
              HasSubstr("the file is UTF-32 (little-endian); save it as UTF-8"));
  EXPECT_THAT(refusal(std::string("PK\x03\x04\x14\x00\x06\x00", 8)),
              AllOf(StartsWith("employees.csv: the file is a ZIP archive"), HasSubstr(".xlsx"),
                    HasSubstr("CSV UTF-8")));
  EXPECT_THAT(refusal("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest"), HasSubstr("(.xls), not CSV text"));
}

TEST(FileShape, NulInTheHeader) {
  EXPECT_EQ(refusal(std::string("employee_id,na\0me\n", 18)),
            "employees.csv line 1, column 15: a NUL byte in the header: the file is not UTF-8 "
            "text (binary, or UTF-16 or UTF-32); save it as UTF-8 (CSV UTF-8 in Excel)");
}

TEST(FileShape, Windows1252NamesTheByteItsLineAndColumn) {
  // Excel's "CSV (Comma delimited)" on Windows: names in Windows-1252.
  const std::string data = master_csv({Employee(1), Employee(2).set("name", "Ren\xE9 D\x92Souza")});
  EXPECT_EQ(refusal(data),
            "employees.csv line 3, column 10 (field 'name'): byte 0xE9 is not UTF-8; the file "
            "looks like Windows-1252 (or Latin-1) text, where 0xE9 is 'é'; save it as UTF-8 (CSV "
            "UTF-8 in Excel)");
  // The byte 0x92 (a right quote in Windows-1252, nothing in Latin-1) first.
  EXPECT_THAT(refusal(master_csv({Employee(2).set("name", "D\x92Souza")})),
              HasSubstr("line 2, column 8 (field 'name'): byte 0x92 is not UTF-8; the file looks "
                        "like Windows-1252 (or Latin-1) text, where 0x92 is '’'"));
  // In the header, after a byte-order mark (not counted as a column).
  EXPECT_EQ(refusal("\xEF\xBB\xBF"
                    "employee_id\xFF"),
            "employees.csv line 1, column 12 (in the header): byte 0xFF is not UTF-8; the file "
            "looks like Windows-1252 (or Latin-1) text, where 0xFF is 'ÿ'; save it as UTF-8 (CSV "
            "UTF-8 in Excel)");
}

TEST(FileShape, PartlyUtf8PartlyWindows1252) {
  // A UTF-8 file (Devanagari) in which another program wrote one Windows-1252 name.
  const std::string data = master_csv(
      {Employee(1).set("name", "राजेश शर्मा"), Employee(2).set("name", "Ren\xE9")});
  EXPECT_THAT(refusal(data),
              AllOf(HasSubstr("line 3, column 10 (field 'name'): byte 0xE9 is not UTF-8"),
                    HasSubstr("partly UTF-8 and partly Windows-1252"),
                    HasSubstr("save it as UTF-8")));
}

TEST(FileShape, BrokenUtf8IsNotCalledWindows1252) {
  const std::string header = master_csv({});
  // A cut sequence (the third byte of a Devanagari letter lost), a surrogate, an overlong.
  EXPECT_EQ(refusal("\xEF\xBB\xBF"
                    "ab\xE2\x82"),
            "employees.csv line 1, column 3 (in the header): bytes 0xE2 0x82 are not UTF-8; save "
            "it as UTF-8 (CSV UTF-8 in Excel)");
  EXPECT_EQ(refusal("a\xED\xA0\x80"),
            "employees.csv line 1, column 2 (in the header): bytes 0xED 0xA0 0x80 are not UTF-8; "
            "save it as UTF-8 (CSV UTF-8 in Excel)");
  EXPECT_THAT(refusal("ab\xC0\xAF"), HasSubstr("column 3 (in the header): bytes 0xC0 0xAF are"));
  // A byte Windows-1252 has no character for.
  EXPECT_THAT(refusal(header + "E1,Ram\x81"),
              AllOf(HasSubstr("line 2, column 7 (field 'name'): byte 0x81 is not UTF-8; save"),
                    Not(HasSubstr("Windows-1252"))));
}

TEST(FileShape, LinesCountBlankLinesCrlfAndQuotedLineBreaks) {
  // Lines are the file's lines (the header's is 1), whatever ends them; the field is found
  // through quotes holding commas and line breaks.
  const std::string header = master_csv({});
  const std::string record = test::master_record(Employee(1));
  const std::string data = "\r\n" + header.substr(0, header.size() - 1) + "\r\n" + record +
                           "\r\n\"E2\",\"two\nlines, here\",x\r\rE3,\xE9";
  EXPECT_THAT(refusal(data), HasSubstr("employees.csv line 7, column 4 (field 'name'): byte 0xE9"));
}

TEST(FileShape, SemicolonSeparatedHeader) {
  std::string data = sample();
  for (char& c : data) c = c == ',' ? ';' : c;
  EXPECT_EQ(refusal(data),
            "employees.csv line 1, column 12: the header is separated by ';', not ','; export "
            "with comma as the separator (CSV UTF-8 (comma delimited) in Excel)");
  // After blank lines, the header's own line is named.
  EXPECT_THAT(refusal("\n  \n" + data), HasSubstr("employees.csv line 3, column 12: the header is "
                                                  "separated by ';'"));
}

TEST(FileShape, TabAndBarSeparatedHeaders) {
  std::string tabs = sample(), bars = sample();
  for (char& c : tabs) c = c == ',' ? '\t' : c;
  for (char& c : bars) c = c == ',' ? '|' : c;
  EXPECT_EQ(refusal(tabs),
            "employees.csv line 1, column 12: the header is separated by tabs, not commas (a "
            "tab-delimited text export); save it as CSV UTF-8 (comma delimited)");
  EXPECT_THAT(refusal(bars), HasSubstr("line 1, column 12: the header is separated by '|', not ','"));
}

TEST(FileShape, ExcelSeparatorHint) {
  EXPECT_EQ(refusal("sep=;\n" + sample()),
            "employees.csv line 1: 'sep=;' is Excel's separator hint, not the header; delete "
            "that line and export with comma as the separator (CSV UTF-8 in Excel)");
}

TEST(FileShape, CommasInsideQuotesAndStraySemicolonsAreNotSeparators) {
  // An unknown column whose name holds semicolons (quoted) is ignored, not a separator.
  std::string header = master_csv({});
  header.pop_back();
  const std::string data = header + ",\"notes; a; b; c; d\"\n";
  EXPECT_TRUE(check_file_shape(data, kName).ok()) << check_file_shape(data, kName).message();
}

TEST(FileShape, UpperCaseHeaderIsNamed) {
  // An upper-case header (the loader's near-miss check, formats.md): the message names the
  // column as written and the one meant.
  std::string data = sample();
  const size_t end = data.find('\n');
  for (size_t i = 0; i < end; ++i) data[i] = char(std::toupper(static_cast<unsigned char>(data[i])));
  EmployeeTable table;
  const Status s = parse_employees_csv(data, kName, &table);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), AllOf(StartsWith("employees.csv"), HasSubstr("'EMPLOYEE_ID'"),
                                 HasSubstr("did you mean 'employee_id'?")));
}

}  // namespace
}  // namespace vetan
