// formats.md "The employee master: CSV", and rules §2 step 0 (unreadable rows): the CSV
// loader on strings, its refusals, and its independence from chunking.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <atomic>
#include <random>
#include <unordered_map>

#include "core/fate/text_checks.h"
#include "core/table/packed_text_column.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::master_csv;
using test::master_record;
using ::testing::HasSubstr;

const std::string kName = "employees.csv";
// The flags of formats.md's boolean columns.
constexpr uint8_t kBooleanFlags = kGovtQuarters | kNpaEligible | kStopPayment;

EmployeeTable load(std::string_view csv, const CsvLoadOptions& options = {}) {
  EmployeeTable table;
  const Status s = parse_employees_csv(csv, kName, &table, options);
  EXPECT_TRUE(s.ok()) << s.message();
  return table;
}

Status refusal(std::string_view csv) {
  EmployeeTable table;
  return parse_employees_csv(csv, kName, &table);
}

std::string problem_of(const EmployeeTable& t, size_t row) {
  for (const RowProblem& p : t.problems) {
    if (p.row == row) return p.text;
  }
  return "";
}

// The header of all columns, then `records` as given (each followed by `eol`).
std::string with_records(const std::vector<std::string>& records, const std::string& eol = "\n") {
  std::string header = master_csv({});
  header.pop_back();
  std::string out = header + eol;
  for (const std::string& r : records) out += r + eol;
  return out;
}

TEST(LoaderFormats, ReadsEveryColumn) {
  const EmployeeTable t = load(master_csv({Employee(7)
                                               .gpf(2500)
                                               .set("npa_eligible", "1")
                                               .set("date_of_retirement", "2040-06-30")
                                               .set("special_pay", "500")
                                               .set("lwp_days", "2")
                                               .set("loan_installment", "1000")
                                               .set("loan_balance", "9000")
                                               .set("income_tax_declared", "300")
                                               .set("fy_gross_to_date", "123456789012")
                                               .set("fy_tds_to_date", "77")
                                               .set("fund_type", "CA")
                                               .set("stop_reason", "none")}));
  ASSERT_EQ(t.rows, 1u);
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.employee_id[0], "E0007");
  EXPECT_EQ(t.name[0], "Employee 7");
  EXPECT_EQ(t.date_of_birth[0], test::date_of(1980, 6, 15));
  EXPECT_EQ(t.date_of_joining[0], test::date_of(2010, 4, 1));
  EXPECT_EQ(t.date_of_retirement[0], test::date_of(2040, 6, 30));
  EXPECT_EQ(t.status[0], uint8_t(EmploymentStatus::kActive));
  EXPECT_EQ(t.treasury_code[0], "TR01");
  EXPECT_EQ(t.ddo_code[0], "DDO001");
  EXPECT_EQ(t.bill_group[0], "1");
  EXPECT_EQ(t.department[0], "Education");
  EXPECT_EQ(t.budget_head[0], "2202-01-101");
  EXPECT_EQ(t.fund_type[0], uint8_t(FundType::kCa));
  EXPECT_EQ(t.pay_level[0], "L-7");
  EXPECT_EQ(t.pay_cell[0], 7);
  EXPECT_EQ(t.basic_pay[0], 53600);
  EXPECT_EQ(t.pension_scheme[0], uint8_t(PensionScheme::kGpf));
  EXPECT_EQ(t.gpf_account[0], "GPF/E0007");
  EXPECT_EQ(t.gpf_subscription[0], 2500);
  EXPECT_EQ(t.pran[0], "");
  EXPECT_EQ(t.hra_class[0], uint8_t(HraClass::kZ));
  EXPECT_EQ(t.flags[0] & kBooleanFlags, uint8_t(kNpaEligible));
  EXPECT_EQ(t.special_pay[0], 500);
  EXPECT_EQ(t.lwp_days[0], 2);
  EXPECT_EQ(t.loan_installment[0], 1000);
  EXPECT_EQ(t.loan_balance[0], 9000);
  EXPECT_EQ(t.income_tax_declared[0], 300);
  EXPECT_EQ(t.fy_gross_to_date[0], 123456789012);
  EXPECT_EQ(t.fy_tds_to_date[0], 77);
  EXPECT_EQ(t.stop_reason[0], "none");
  EXPECT_EQ(t.bank_account[0], "1000000007");
  EXPECT_EQ(t.ifsc[0], "SBIN0001234");
  EXPECT_EQ(t.pan[0], "ABCDE1234F");
}

TEST(LoaderFormats, QuotesCommasAndDoubledQuotes) {
  const EmployeeTable t = load(
      master_csv({Employee(1).set("name", "Sharma, Ramesh"),
                  Employee(2).set("name", "O'Brien \"Jr\""), Employee(3).set("name", "\"\"")}));
  ASSERT_EQ(t.rows, 3u);
  EXPECT_EQ(t.name[0], "Sharma, Ramesh");
  EXPECT_EQ(t.name[1], "O'Brien \"Jr\"");
  EXPECT_EQ(t.name[2], "\"\"");
}

TEST(LoaderFormats, QuoteRulesOfPythonsCsvModule) {
  Employee e(1);
  std::string r = master_record(e);
  // An unquoted field keeps a quote inside it; text after a closing quote stays in the field.
  std::string a = r, b = r;
  a.replace(a.find("Employee 1"), 10, "O\"Brien");
  b.replace(b.find("Employee 1"), 10, "\"Ram\"esh");
  const EmployeeTable t = load(with_records({a, b}));
  ASSERT_EQ(t.rows, 2u);
  EXPECT_EQ(t.name[0], "O\"Brien");
  EXPECT_EQ(t.name[1], "Ramesh");
}

TEST(LoaderFormats, QuotedLineBreaksStayInTheField) {
  const EmployeeTable t = load(master_csv(
      {Employee(1).set("name", "Line one\nline two"), Employee(2).set("name", "Windows\r\nbreak"),
       Employee(3).set("name", "Old Mac\rbreak"), Employee(4)}));
  ASSERT_EQ(t.rows, 4u);
  EXPECT_EQ(t.name[0], "Line one\nline two");
  EXPECT_EQ(t.name[1], "Windows\r\nbreak");
  EXPECT_EQ(t.name[2], "Old Mac\rbreak");
  EXPECT_EQ(t.employee_id[3], "E0004");
}

TEST(LoaderFormats, CrlfAndLoneCrLineEnds) {
  const std::vector<std::string> records = {master_record(Employee(1)), master_record(Employee(2))};
  for (const char* eol : {"\r\n", "\r"}) {
    const EmployeeTable t = load(with_records(records, eol));
    ASSERT_EQ(t.rows, 2u);
    EXPECT_TRUE(t.is_readable(0)) << problem_of(t, 0);
    EXPECT_TRUE(t.is_readable(1)) << problem_of(t, 1);
    EXPECT_EQ(t.pan[1], "ABCDE1234F");  // the last field holds no line-end byte
  }
  // Mixed, and no line end after the last record.
  std::string mixed = with_records({}, "\r\n") + records[0] + "\r" + records[1];
  EXPECT_EQ(load(mixed).rows, 2u);
}

TEST(LoaderFormats, ByteOrderMark) {
  const EmployeeTable t = load("\xEF\xBB\xBF" + master_csv({Employee(1)}));
  ASSERT_EQ(t.rows, 1u);
  EXPECT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.employee_id[0], "E0001");
}

TEST(LoaderFormats, DevanagariText) {
  const EmployeeTable t = load(master_csv({Employee(1)
                                               .set("name", "राजेश शर्मा")
                                               .set("employee_id", "कर्म-१")
                                               .set("department", "शिक्षा")}));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.name[0], "राजेश शर्मा");
  EXPECT_EQ(t.employee_id[0], "कर्म-१");
  EXPECT_EQ(t.department[0], "शिक्षा");
}

TEST(LoaderFormats, BlankLinesAreNotRecords) {
  const std::string r1 = master_record(Employee(1)), r2 = master_record(Employee(2));
  const std::string header = with_records({});
  const std::string csv = "\n  \n" + header + "\n" + r1 + "\n\r\n   \t\n\"\"\n" + r2 + "\n\n";
  const EmployeeTable t = load(csv);
  ASSERT_EQ(t.rows, 2u);  // so r2 has line 2
  EXPECT_EQ(t.employee_id[1], "E0002");
  // Lines whose fields are all empty, as spreadsheets write them (with any field count),
  // are not records either (formats.md, 2026-12-02); a line with one field set is.
  const EmployeeTable commas =
      load(header + r1 + "\n,\n , ,\t,\"\" \n" + r2 + "\n" + ",,x\n");
  ASSERT_EQ(commas.rows, 3u);
  EXPECT_TRUE(commas.is_readable(0));
  EXPECT_EQ(commas.employee_id[1], "E0002");
  EXPECT_FALSE(commas.is_readable(2));  // ",,x": a record with the wrong field count
}

TEST(LoaderFormats, FieldsAndHeaderNamesAreTrimmed) {
  std::string header = master_csv({});
  header.replace(0, std::string("employee_id").size(), "  employee_id\t");
  const std::string nbsp = "\xC2\xA0", ideographic = "\xE3\x80\x80";
  header.pop_back();
  const std::string csv = header + "\n" +
                          master_record(Employee(1)
                                            .set("employee_id", nbsp + " E0001 " + ideographic)
                                            .set("status", " ACTIVE ")
                                            .set("pay_cell", " 7 ")
                                            .set("basic_pay", "\t53600")
                                            .set("date_of_birth", " 1980-06-15 ")
                                            .set("pan", " ABCDE1234F ")) +
                          "\n";
  const EmployeeTable t = load(csv);
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.employee_id[0], "E0001");
  EXPECT_EQ(t.pay_cell[0], 7);
  EXPECT_EQ(t.basic_pay[0], 53600);
  EXPECT_EQ(t.pan[0], "ABCDE1234F");
}

TEST(LoaderFormats, EnumerationsPanAndIfscAreCaseInsensitive) {
  const EmployeeTable t = load(master_csv({Employee(1)
                                               .set("status", "suspended")
                                               .set("pension_scheme", "Gpf")
                                               .set("hra_class", "x")
                                               .set("fund_type", "ca")
                                               .set("pan", "abcde1234f")
                                               .set("ifsc", "sbin0abc123")
                                               .set("govt_quarters", "y")
                                               .set("npa_eligible", "True")
                                               .set("stop_payment", "n"),
                                           Employee(2)
                                               .set("status", "Vrs")
                                               .set("govt_quarters", "TRUE")
                                               .set("npa_eligible", "false")
                                               .set("stop_payment", "Y")}));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  ASSERT_TRUE(t.is_readable(1)) << problem_of(t, 1);
  EXPECT_EQ(t.status[0], uint8_t(EmploymentStatus::kSuspended));
  EXPECT_EQ(t.pension_scheme[0], uint8_t(PensionScheme::kGpf));
  EXPECT_EQ(t.hra_class[0], uint8_t(HraClass::kX));
  EXPECT_EQ(t.fund_type[0], uint8_t(FundType::kCa));
  EXPECT_EQ(t.pan[0], "ABCDE1234F");
  EXPECT_EQ(t.ifsc[0], "SBIN0ABC123");
  EXPECT_EQ(t.flags[0] & kBooleanFlags, uint8_t(kGovtQuarters | kNpaEligible));
  EXPECT_EQ(t.status[1], uint8_t(EmploymentStatus::kVrs));
  EXPECT_EQ(t.flags[1] & kBooleanFlags, uint8_t(kGovtQuarters | kStopPayment));
}

// formats.md: pan and ifsc are upper-cased on reading, as the oracle does (Python's
// str.upper(), the full Unicode mapping): 'ß' becomes "SS".
TEST(LoaderFormats, UpperCasingFollowsUnicode) {
  const EmployeeTable t = load(master_csv({Employee(1).set("pan", "abcß1234f")}));
  ASSERT_TRUE(t.is_readable(0));
  EXPECT_EQ(t.pan[0], "ABCSS1234F");
}

TEST(LoaderFormats, EmptyOptionalFieldsTakeTheirDefaults) {
  Employee e(1);
  for (const char* c : {"date_of_retirement",
                        "department",
                        "budget_head",
                        "fund_type",
                        "gpf_account",
                        "gpf_subscription",
                        "pran",
                        "govt_quarters",
                        "npa_eligible",
                        "special_pay",
                        "lwp_days",
                        "loan_installment",
                        "loan_balance",
                        "income_tax_declared",
                        "fy_gross_to_date",
                        "fy_tds_to_date",
                        "stop_payment",
                        "stop_reason",
                        "bank_account",
                        "ifsc",
                        "pan"}) {
    e.set(c, "");
  }
  const EmployeeTable t = load(master_csv({e}));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.date_of_retirement[0], kNoDate);
  EXPECT_EQ(t.fund_type[0], uint8_t(FundType::kSf));
  EXPECT_EQ(t.gpf_subscription[0], 0);
  EXPECT_EQ(t.flags[0] & kBooleanFlags, 0);
  EXPECT_EQ(t.lwp_days[0], 0);
  EXPECT_EQ(t.bank_account[0], "");  // empty: a mismatch later, not an unreadable row
}

TEST(LoaderFormats, AbsentOptionalColumnsAndExtraColumns) {
  std::vector<std::string> columns = {
      "pan",           "ifsc",     "bank_account",    "hra_class",     "pension_scheme",
      "basic_pay",     "pay_cell", "pay_level",       "bill_group",    "ddo_code",
      "treasury_code", "status",   "date_of_joining", "date_of_birth", "name",
      "employee_id",   "remarks"};
  const EmployeeTable t = load(master_csv({Employee(1)}, columns));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.employee_id[0], "E0001");
  EXPECT_EQ(t.basic_pay[0], 53600);
  EXPECT_EQ(t.fund_type[0], uint8_t(FundType::kSf));
  EXPECT_EQ(t.date_of_retirement[0], kNoDate);
}

// rules §2 step 0: wrong field count.
TEST(LoaderRules2Step0, WrongFieldCount) {
  const std::string r = master_record(Employee(1));
  const EmployeeTable t = load(with_records({"E1,a,b", r + ",extra", r}));
  ASSERT_EQ(t.rows, 3u);
  EXPECT_FALSE(t.is_readable(0));
  const std::string columns = std::to_string(test::all_columns().size());
  EXPECT_EQ(problem_of(t, 0), "row has 3 fields, header has " + columns);
  EXPECT_EQ(t.employee_id[0], "E1");
  EXPECT_FALSE(t.is_readable(1));
  EXPECT_EQ(problem_of(t, 1),
            "row has " + std::to_string(test::all_columns().size() + 1) + " fields, header has " +
                columns);
  EXPECT_TRUE(t.is_readable(2));
}

TEST(LoaderRules2Step0, UnterminatedQuoteRunsToTheEnd) {
  const std::string r = master_record(Employee(1));
  const EmployeeTable t = load(with_records({r}) + "E2,\"unterminated\n" + r + "\n");
  ASSERT_EQ(t.rows, 2u);
  EXPECT_FALSE(t.is_readable(1));
  EXPECT_EQ(problem_of(t, 1),
            "row has 2 fields, header has " + std::to_string(test::all_columns().size()));
}

// rules §2 step 0: every kind of bad field makes the row unreadable, naming the column.
TEST(LoaderRules2Step0, EveryBadFieldNamesItsColumn) {
  struct Bad {
    const char* column;
    const char* value;
  };
  const Bad cases[] = {{"employee_id", ""},
                       {"name", ""},
                       {"date_of_birth", ""},
                       {"date_of_birth", "1980-02-30"},
                       {"date_of_birth", "31/12/1980"},
                       {"date_of_birth", "1980-1-1"},
                       {"date_of_birth", "0000-01-01"},
                       {"date_of_joining", "2010-13-01"},
                       {"date_of_retirement", "soon"},
                       {"status", ""},
                       {"status", "ONLEAVE"},
                       {"treasury_code", ""},
                       {"ddo_code", ""},
                       {"bill_group", ""},
                       {"fund_type", "XX"},
                       {"pay_level", ""},
                       {"pay_cell", ""},
                       {"pay_cell", "0"},
                       {"pay_cell", "seven"},
                       {"pay_cell", "७"},
                       {"basic_pay", "-1"},
                       {"basic_pay", "53,600"},
                       {"basic_pay", "53600.0"},
                       {"basic_pay", "+53600"},
                       {"basic_pay", "1234567890123"},
                       {"basic_pay", "１２"},
                       {"pension_scheme", "UPS"},
                       {"gpf_subscription", "1e3"},
                       {"hra_class", "W"},
                       {"govt_quarters", "2"},
                       {"npa_eligible", "yes"},
                       {"special_pay", "5 000"},
                       {"lwp_days", "32"},
                       {"loan_installment", "x"},
                       {"loan_balance", "-0"},
                       {"income_tax_declared", "1.5"},
                       {"fy_gross_to_date", "abc"},
                       {"fy_tds_to_date", "--"},
                       {"stop_payment", "maybe"}};
  for (const Bad& bad : cases) {
    const EmployeeTable t = load(master_csv({Employee(1).set(bad.column, bad.value)}));
    ASSERT_EQ(t.rows, 1u);
    EXPECT_FALSE(t.is_readable(0)) << bad.column << " = '" << bad.value << "'";
    EXPECT_THAT(problem_of(t, 0), HasSubstr(bad.column)) << "value '" << bad.value << "'";
  }
}

TEST(LoaderRules2Step0, GoodEdgeValues) {
  const EmployeeTable t =
      load(master_csv({Employee(1)
                           .set("date_of_birth", "1980-02-29")
                           .set("lwp_days", "31")
                           .set("basic_pay", "999999999999")
                           .set("loan_balance", "000123"),
                       // Devanagari digits are decimal digits (the oracle's \d matches them).
                       Employee(2).set("date_of_birth", "१९८०-०६-१५")}));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.lwp_days[0], 31);
  EXPECT_EQ(t.basic_pay[0], 999999999999);
  EXPECT_EQ(t.loan_balance[0], 123);
  ASSERT_TRUE(t.is_readable(1)) << problem_of(t, 1);
  EXPECT_EQ(t.date_of_birth[1], test::date_of(1980, 6, 15));
}

// formats.md: integers of up to 12 digits are read exactly, also the large ones (whatever
// the table's storage), and whatever the chunking.
TEST(LoaderFormats, LargeIntegersAreExact) {
  const std::vector<std::string> values = {"4294967294",   "4294967295", "4294967296",
                                           "999999999999", "0",          "2147483648"};
  std::vector<Employee> rows;
  for (size_t i = 0; i < values.size(); ++i) {
    rows.push_back(Employee(int(i))
                       .set("fy_gross_to_date", values[i])
                       .set("loan_balance", values[values.size() - 1 - i])
                       .set("special_pay", values[i]));
  }
  const std::string csv = master_csv(rows);
  for (size_t chunk : {size_t(1), size_t(300), size_t(4) << 20}) {
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    const EmployeeTable t = load(csv, options);
    ASSERT_EQ(t.rows, values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(t.fy_gross_to_date[i], std::stoll(values[i])) << "row " << i << " chunk " << chunk;
      EXPECT_EQ(t.special_pay[i], std::stoll(values[i])) << "row " << i << " chunk " << chunk;
      EXPECT_EQ(t.loan_balance[i], std::stoll(values[values.size() - 1 - i])) << "row " << i;
    }
  }
}

// The oracle reads dates with Python's \d, which matches every Unicode decimal digit
// (category Nd), e.g. the Wancho digits U+1E2F0..U+1E2F9 (Unicode 12).
TEST(LoaderRules2Step0, DatesWithAnyUnicodeDecimalDigits) {
  auto wancho = [](const char* ascii_date) {
    std::string out;
    for (const char* p = ascii_date; *p; ++p) {
      if (*p == '-') {
        out.push_back('-');
        continue;
      }
      const uint32_t cp = 0x1E2F0 + uint32_t(*p - '0');  // 4-byte UTF-8
      out.push_back(char(0xF0 | (cp >> 18)));
      out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    }
    return out;
  };
  const EmployeeTable t =
      load(master_csv({Employee(1).set("date_of_birth", wancho("1980-06-15"))}));
  ASSERT_TRUE(t.is_readable(0)) << problem_of(t, 0);
  EXPECT_EQ(t.date_of_birth[0], test::date_of(1980, 6, 15));
}

TEST(LoaderRules2Step0, ProblemsListEveryColumnInOneText) {
  const EmployeeTable t = load(master_csv({Employee(1)
                                               .set("employee_id", " E9 ")
                                               .set("ddo_code", " D9 ")
                                               .set("pay_cell", "x")
                                               .set("hra_class", "Q")}));
  ASSERT_FALSE(t.is_readable(0));
  EXPECT_THAT(problem_of(t, 0), HasSubstr("pay_cell"));
  EXPECT_THAT(problem_of(t, 0), HasSubstr("hra_class"));
  EXPECT_EQ(t.employee_id[0], "E9");  // the trimmed raw fields
  EXPECT_EQ(t.ddo_code[0], "D9");
}

// formats.md: the run cannot start; exact messages naming the file.
TEST(LoaderRefusals, MissingRequiredColumn) {
  for (const char* column :
       {"employee_id", "name", "date_of_birth", "date_of_joining", "status", "treasury_code",
        "ddo_code", "bill_group", "pay_level", "pay_cell", "basic_pay", "pension_scheme",
        "hra_class", "bank_account", "ifsc", "pan"}) {
    std::vector<std::string> columns;
    for (const std::string& c : test::all_columns()) {
      if (c != column) columns.push_back(c);
    }
    const Status s = refusal(master_csv({Employee(1)}, columns));
    EXPECT_EQ(s.message(), kName + ": the header lacks required column '" + column + "'");
  }
}

TEST(LoaderRefusals, RepeatedColumn) {
  EXPECT_EQ(refusal("employee_id,name, name\n").message(),
            "employees.csv: the header repeats column 'name'");
  std::vector<std::string> columns = test::all_columns();
  columns.push_back("remarks");
  columns.push_back("remarks");
  EXPECT_EQ(refusal(master_csv({}, columns)).message(),
            "employees.csv: the header repeats column 'remarks'");
}

TEST(LoaderRefusals, NoHeader) {
  for (const std::string& csv : {std::string(), std::string("\n\n  \n"),
                                 std::string("\xEF\xBB\xBF"), std::string("\xEF\xBB\xBF\r\n")}) {
    EXPECT_EQ(refusal(csv).message(), "employees.csv: no header");
  }
}

// Files that are not UTF-8 comma-separated text: tests/test_file_shape.cc.

TEST(LoaderRefusals, MissingFile) {
  EmployeeTable table;
  const std::string path = "/nonexistent/vetan/employees.csv";
  const Status s = load_employees_csv(path, &table);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(path + ": cannot read", 0), 0u) << s.message();
}

TEST(LoaderFormats, LoadFromFileEqualsParseFromString) {
  const std::string csv = test::synthetic_master(300, 11, "2026-02", 0.1).csv();
  const std::string dir = test::make_temp_dir("loader");
  test::write_text(dir + "/employees.csv", csv);
  EmployeeTable from_file;
  ASSERT_TRUE(load_employees_csv(dir + "/employees.csv", &from_file).ok());
  test::expect_tables_equal(from_file, load(csv));
  test::remove_tree(dir);
}

// formats.md + rules §8: the table does not depend on how the file is split into chunks,
// also when quoted fields hold line breaks (and whole fake records) across chunk guesses.
std::string tricky_master(size_t synthetic_rows) {
  const test::SyntheticMaster m = test::synthetic_master(synthetic_rows, 5, "2026-02", 0.2);
  std::vector<std::string> records = m.records;
  const std::string fake = master_record(Employee(999));
  records.insert(
      records.begin() + long(records.size() / 3),
      master_record(Employee(900).set("name", "Start\n" + fake + "\n" + fake + "\nend")));
  records.insert(records.begin() + long(records.size() / 2),
                 master_record(Employee(901).set("name", "a\"\n\",\"\n\r\n\rb")));
  records.insert(records.begin() + 1, "");
  records.insert(records.begin() + 2, "   ");
  std::string csv = "\xEF\xBB\xBF" + m.header + "\r\n";
  for (size_t i = 0; i < records.size(); ++i)
    csv += records[i] + (i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r");
  return csv + "E-last,\"unterminated\n" + fake + "\n";
}

TEST(LoaderRules8, ChunkingDoesNotChangeTheTable) {
  const std::string small = tricky_master(25);
  const EmployeeTable reference = load(small);
  ASSERT_GT(reference.rows, 25u);
  for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(7), size_t(64), size_t(1000)}) {
    SCOPED_TRACE("chunk_bytes " + std::to_string(chunk));
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    test::expect_tables_equal(load(small, options), reference);
  }
  const std::string large = tricky_master(2000);
  const EmployeeTable large_reference = load(large);
  for (size_t chunk : {size_t(7), size_t(64), size_t(4096)}) {
    SCOPED_TRACE("chunk_bytes " + std::to_string(chunk));
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    test::expect_tables_equal(load(large, options), large_reference);
  }
}


// A memory-mapped file gives back each chunk's pages once parsed; a chunk parsed again
// (its guessed start fell inside a quoted field) reads them from the file again.
TEST(LoaderRules8, MappedFileChunksEqualTheString) {
  const std::string csv = tricky_master(2000);
  const std::string dir = test::make_temp_dir("loader-chunks");
  test::write_text(dir + "/employees.csv", csv);
  const EmployeeTable reference = load(csv);
  for (size_t chunk : {size_t(4096), size_t(10000), size_t(65536)}) {
    SCOPED_TRACE("chunk_bytes " + std::to_string(chunk));
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    std::atomic<size_t> released = 0;  // called from the join's worker threads
    options.release_memory = [&released] { ++released; };
    EmployeeTable from_file;
    ASSERT_TRUE(load_employees_csv(dir + "/employees.csv", &from_file, options).ok());
    test::expect_tables_equal(from_file, reference);
    EXPECT_GT(released.load(), 0u);
  }
  test::remove_tree(dir);
}

// The loader counts each chunk's rows before parsing them in place: count_records must find
// exactly the records (and where the next one starts) that CsvRecordReader finds, blank
// lines left out, whatever the quotes and line ends.
size_t reader_count(std::string_view data, size_t begin, size_t limit, size_t* records) {
  CsvRecordReader reader;
  size_t position = begin, n = 0;
  while (position < limit && reader.next(data, &position)) {
    if (!reader.blank()) ++n;
  }
  *records = n;
  return position;
}

void expect_counts_like_the_reader(std::string_view data) {
  // From every start the reader reaches, to every limit up to the data's end and past it.
  std::vector<size_t> starts{0};
  CsvRecordReader reader;
  for (size_t p = 0; reader.next(data, &p);) starts.push_back(p);
  for (size_t begin : starts) {
    for (size_t limit = begin; limit <= data.size() + 1; ++limit) {
      size_t expected = 0, counted = 0;
      const size_t expected_end = reader_count(data, begin, limit, &expected);
      const size_t end = count_records(data, begin, limit, &counted);
      ASSERT_EQ(end, expected_end)
          << "begin " << begin << " limit " << limit << " in '" << std::string(data) << "'";
      ASSERT_EQ(counted, expected)
          << "begin " << begin << " limit " << limit << " in '" << std::string(data) << "'";
    }
  }
}

TEST(LoaderCountPass, CountsTheRecordsTheReaderReads) {
  for (std::string_view data : {"",
                                "a",
                                "a\n",
                                "a\r\nb\rc\n",
                                "\n\n\r\n\r",
                                "a,\"b\nc\",d\nx\n",
                                "a,\"b\"\"\n\"\"\",c\r\ny\r",
                                "a\"b,c\nd\n",
                                "a,b\"\n,c\"\nz\n",
                                "a,\"b\"x\"y\nq\n",
                                "a,\"unterminated\nb\nc",
                                ",,\n  ,\t\nx\n",
                                "\" \",,\n\"x\"\n",
                                "\"\"\n\"a\nb\"\n",
                                "a,\"\"\"\n\"\"\",b\n",
                                "\xC2\xA0,\n\xC2\xA0x\n",
                                "a,\r\r\n\n,\"",
                                "a,\"x\"\r\nb,\"\r\"\r\n",
                                "a,\"",
                                "a,\"\"",
                                "a,b,\"c\"\"\""}) {
    expect_counts_like_the_reader(data);
  }
  // Random text of the bytes that matter to CSV.
  std::mt19937 random(7);
  const std::string alphabet = ",\"\r\n a\t";
  for (int trial = 0; trial < 400; ++trial) {
    std::string data(random() % 40, ' ');
    for (char& c : data) c = alphabet[random() % alphabet.size()];
    expect_counts_like_the_reader(data);
  }
}

TEST(LoaderCountPass, TrickyMasterCountsEveryChunk) {
  const std::string csv = tricky_master(40);
  for (size_t chunk : {size_t(1), size_t(5), size_t(64), size_t(300)}) {
    for (size_t begin = 0; begin < csv.size(); begin += chunk) {
      size_t expected = 0, counted = 0;
      const size_t limit = begin + chunk;
      ASSERT_EQ(count_records(csv, begin, limit, &counted),
                reader_count(csv, begin, limit, &expected));
      ASSERT_EQ(counted, expected);
    }
  }
}

// Chunks parse with dictionaries of their own; joined, every value has the code of its
// first appearance in the file, as one parser reading it all would give, for any chunking
// and any number of threads.
void expect_first_appearance_codes(const DictColumn& column, size_t rows, const char* name) {
  ASSERT_EQ(column.codes.size(), rows) << name;
  std::unordered_map<std::string, size_t> seen;  // value -> its first appearance's rank
  for (size_t r = 0; r < rows; ++r) {
    const size_t code = seen.try_emplace(std::string(column[r]), seen.size()).first->second;
    ASSERT_EQ(column.codes[r], code) << name << " row " << r;
  }
  EXPECT_EQ(column.dictionary.size(), seen.size()) << name;
}

TEST(LoaderRules8, DictionaryCodesAreThoseOfFirstAppearance) {
  const std::string csv = tricky_master(3000);
  const EmployeeTable reference = load(csv);
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
    for (size_t chunk : {size_t(7), size_t(4096), size_t(1) << 22}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + " chunk_bytes " + std::to_string(chunk));
      CsvLoadOptions options;
      options.chunk_bytes = chunk;
      const EmployeeTable t = load(csv, options);
      test::expect_tables_equal(t, reference);
      for (auto [column, name] : {std::pair{&t.treasury_code, "treasury_code"},
                                  {&t.ddo_code, "ddo_code"},
                                  {&t.bill_group, "bill_group"},
                                  {&t.department, "department"},
                                  {&t.budget_head, "budget_head"},
                                  {&t.pay_level, "pay_level"},
                                  {&t.stop_reason, "stop_reason"},
                                  {&t.exempt_deductions, "exempt_deductions"}}) {
        expect_first_appearance_codes(*column, t.rows, name);
        EXPECT_EQ(column->codes.is_wide(), false) << name;
      }
    }
  }
}

// More distinct values than 16-bit codes hold, within one chunk (its own codes pass 65535)
// and across chunks (only the joined dictionary does): the column widens, codes stay those
// of first appearance, and every value reads back.
TEST(LoaderRules8, DictionaryPastSixteenBitsAcrossChunks) {
  std::vector<std::string> records;
  const size_t rows = 70000;
  auto ddo = [](size_t i) {
    std::string text = std::to_string(i % 69000);
    text.push_back('D');
    return text;
  };
  for (size_t i = 0; i < rows; ++i) {
    records.push_back(master_record(Employee(int(i)).set("ddo_code", ddo(i))));
  }
  const std::string csv = with_records(records);
  for (size_t chunk : {size_t(1) << 30, size_t(1) << 20, size_t(100000)}) {
    SCOPED_TRACE("chunk_bytes " + std::to_string(chunk));
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    const EmployeeTable t = load(csv, options);
    ASSERT_EQ(t.rows, rows);
    EXPECT_TRUE(t.problems.empty());
    EXPECT_TRUE(t.ddo_code.codes.is_wide());
    for (size_t r = 0; r < rows; ++r) ASSERT_EQ(t.ddo_code[r], ddo(r)) << r;
    expect_first_appearance_codes(t.ddo_code, t.rows, "ddo_code");
    EXPECT_FALSE(t.treasury_code.codes.is_wide());
  }
}

// The table's packed text columns (PAN, IFSC, bank_account) read back every value exactly
// as loaded; a value of the column's shape is packed, any other goes to the side list.
template <typename Column>
void expect_round_trip(const std::vector<std::string>& values) {
  Column column;
  for (const std::string& v : values) column.push_back(v);
  Column joined;  // as chunks are joined: side rows move by the rows before them
  joined.push_back("");
  joined.append(column);
  joined.append(column);
  ASSERT_EQ(column.size(), values.size());
  ASSERT_EQ(joined.size(), 2 * values.size() + 1);
  EXPECT_EQ(std::string(joined[0]), "");
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(std::string(column[i]), values[i]) << "row " << i;
    EXPECT_EQ(std::string(joined[1 + i]), values[i]) << "row " << i;
    EXPECT_EQ(std::string(joined[1 + values.size() + i]), values[i]) << "row " << i;
    EXPECT_EQ(column.code(i) == 0, values[i].empty()) << values[i];
  }
}

TEST(TablePackedText, PanRoundTripAndValidity) {
  const std::vector<std::string> values = {
      "ABCDE1234F", "AAAAA0000A", "ZZZZZ9999Z", "", "abcde1234f", "ABCDE1234", "ABCDE12345",
      "ABCD11234F", "ABCDE1234F ", "अबकडE1234F", "ABCDE१२३४F", "ABCSS1234F"};
  expect_round_trip<PanColumn>(values);
  PanColumn column;
  for (const std::string& v : values) {
    column.push_back(v);
    const uint64_t code = column.code(column.size() - 1);
    const bool packed = code != 0 && code != PanColumn::kSideCode;
    EXPECT_EQ(packed, is_valid_pan(v)) << v;  // rules §2 step 3 reads validity off the code
  }
  EXPECT_EQ(column.side_count(), 7u);
}

TEST(TablePackedText, IfscRoundTripAndValidity) {
  const std::vector<std::string> values = {
      "SBIN0001234", "AAAA0000000", "ZZZZ0ZZZZZZ", "SBIN0ABC123", "", "sbin0abc123",
      "SBIN1234567", "SBIN000123", "SBIN00012345", "SBI00001234", "SBIN0-01234", "एसबीआई0001234"};
  expect_round_trip<IfscColumn>(values);
  IfscColumn column;
  for (const std::string& v : values) {
    column.push_back(v);
    const uint64_t code = column.code(column.size() - 1);
    EXPECT_EQ(code != 0 && code != IfscColumn::kSideCode, is_valid_ifsc(v)) << v;
  }
}

TEST(TablePackedText, AccountDigitsKeepLeadingZerosAndLength) {
  std::vector<std::string> values = {
      "0", "00", "000000000", "000000000000000001", "100000000000000000", "999999999999999999",
      "1234567890123456789", "9999999999999999999", "0000000000000000000", "12345678901234567890",
      "", "12AB", "1234 5678", "-123456789", "१२३४५६७८९०", "12345678.0"};
  for (int digits = 1; digits <= 19; ++digits) {  // every length at both ends
    values.push_back(std::string(size_t(digits), '0'));
    values.push_back(std::string(size_t(digits), '9'));
    std::string leading_zero(1, '0');
    leading_zero.append(size_t(digits - 1), '7');
    values.push_back(leading_zero);
  }
  expect_round_trip<DigitsColumn>(values);
  DigitsColumn column;
  for (const std::string& v : values) {
    column.push_back(v);
    const uint64_t code = column.code(column.size() - 1);
    const bool valid = code >= DigitsCodec::from(9) && code < DigitsCodec::from(19);
    EXPECT_EQ(valid, is_valid_bank_account(v)) << v;
  }
  // Distinct texts have distinct codes (the duplicate-account check compares codes).
  DigitsColumn a, b;
  a.push_back("000123456789");
  b.push_back("123456789");
  EXPECT_NE(a.code(0), b.code(0));
}

TEST(TablePackedText, LoadedValuesReadBackExactly) {
  const EmployeeTable t = load(master_csv(
      {Employee(1).set("bank_account", "000000001234567890").set("pan", "abcde1234f"),
       Employee(2).set("bank_account", "123456789012345678").set("ifsc", "sbin0abc123"),
       Employee(3).set("bank_account", "12AB").set("pan", "ABCDE1234").set("ifsc", "SBIN1234567"),
       Employee(4).set("bank_account", "१२३४५६७८९०").set("pan", "अबकडE1234F"),
       Employee(5).set("bank_account", "").set("pan", "").set("ifsc", "")}));
  ASSERT_EQ(t.rows, 5u);
  EXPECT_EQ(t.bank_account[0], "000000001234567890");
  EXPECT_EQ(t.pan[0], "ABCDE1234F");
  EXPECT_EQ(t.bank_account[1], "123456789012345678");
  EXPECT_EQ(t.ifsc[1], "SBIN0ABC123");
  EXPECT_EQ(t.bank_account[2], "12AB");
  EXPECT_EQ(t.pan[2], "ABCDE1234");
  EXPECT_EQ(t.ifsc[2], "SBIN1234567");
  EXPECT_EQ(t.bank_account[3], "१२३४५६७८९०");
  EXPECT_EQ(t.pan[3], "अबकडE1234F");
  EXPECT_EQ(t.bank_account[4], "");
  EXPECT_EQ(t.pan[4], "");
  EXPECT_EQ(t.ifsc[4], "");
}

// Dictionary codes take 16 bits per row until a dictionary outgrows them; the column then
// widens to 32 bits, also when chunks are joined.
TEST(TableDictionaryCodes, WidenPastSixteenBits) {
  auto value = [](size_t i) {
    std::string text = std::to_string(i);
    text.push_back('D');
    return text;
  };
  DictColumn first, second;
  for (size_t i = 0; i < 40000; ++i) first.push_back(value(i));
  for (size_t i = 0; i < 40000; ++i) second.push_back(value(40000 + i));
  second.push_back(value(7));
  EXPECT_FALSE(first.codes.is_wide());
  DictColumn joined;
  joined.append(first);
  EXPECT_FALSE(joined.codes.is_wide());
  joined.append(second);
  EXPECT_TRUE(joined.codes.is_wide());
  ASSERT_EQ(joined.codes.size(), 80001u);
  for (size_t i = 0; i < 80000; ++i) ASSERT_EQ(joined[i], value(i)) << i;
  EXPECT_EQ(joined[80000], value(7));
  EXPECT_EQ(joined.codes[80000], joined.codes[7]);

  DictColumn pushed;
  for (size_t i = 0; i < 70000; ++i) pushed.push_back(value(i % 69000));
  EXPECT_TRUE(pushed.codes.is_wide());
  for (size_t i = 0; i < 70000; ++i) ASSERT_EQ(pushed[i], value(i % 69000)) << i;
}

// Narrow integer columns keep every value exactly: what does not fit the narrow type (or
// is not a multiple of the scale) goes to the side list.
TEST(LoaderColumns, PackedIntegersRoundTripEveryEdgeValue) {
  const std::vector<int64_t> values = {0,      1,       99,      100,     150,   254,
                                       255,    256,     6553400, 6553500, 65535, 6553600,
                                       4294967294LL, 4294967295LL, 999999999999LL};
  SmallIntColumn small;
  HundredsColumn hundreds;
  IntColumn wide;
  for (int64_t v : values) {
    small.push_back(v);
    hundreds.push_back(v);
    wide.push_back(v);
  }
  HundredsColumn joined;
  joined.append(hundreds);
  joined.append(hundreds);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(small[i], values[i]) << i;
    EXPECT_EQ(hundreds[i], values[i]) << i;
    EXPECT_EQ(wide[i], values[i]) << i;
    EXPECT_EQ(joined[i + values.size()], values[i]) << i;
  }
  // Matrix amounts take two bytes a row (no side list) when they are multiples of 100.
  HundredsColumn matrix;
  for (int64_t v = 0; v < 100000; v += 100) matrix.push_back(v * 20);
  EXPECT_LE(matrix.memory_bytes(), 1000 * sizeof(uint16_t) + 64);
}

// The columns of the repository's formats (docs/): tax_regime (NEW/OLD), the Chapter VI-A
// deductions, increment_month (07/01); allowance_class and gpf_basis_pay in the flags.
TEST(LoaderColumns, RegimeIncrementMonthAndAllowanceClassFlags) {
  std::vector<std::string> columns = test::all_columns();
  columns.insert(columns.end(), {"tax_regime", "chapter_via_deductions", "increment_month"});
  const EmployeeTable t = load(master_csv(
      {Employee(1).set("allowance_class", "x").set("tax_regime", "old")
           .set("chapter_via_deductions", "150000").set("increment_month", "01"),
       Employee(2),
       Employee(3).set("hra_class", "Y").set("gpf_basis_pay", "0").set("tax_regime", "NEW")
           .set("increment_month", "07"),
       Employee(4).set("tax_regime", "OLDER").set("increment_month", "1")},
      columns));
  ASSERT_EQ(t.rows, 4u);
  EXPECT_EQ(allowance_class_of(t.flags[0]), int(HraClass::kX));
  EXPECT_EQ(allowance_class_of(t.flags[1]), int(HraClass::kZ));  // hra_class when empty
  EXPECT_EQ(allowance_class_of(t.flags[2]), int(HraClass::kY));
  EXPECT_TRUE(t.flags[0] & kOldTaxRegime);
  EXPECT_TRUE(t.flags[0] & kJanuaryIncrement);
  EXPECT_EQ(t.chapter_via_deductions[0], 150000);
  EXPECT_FALSE(t.flags[1] & (kOldTaxRegime | kJanuaryIncrement | kGpfBasisGiven));
  EXPECT_EQ(t.chapter_via_deductions[1], 0);
  EXPECT_FALSE(t.flags[2] & (kOldTaxRegime | kJanuaryIncrement));
  EXPECT_TRUE(t.flags[2] & kGpfBasisGiven);  // given as 0: the GPF minimum is on 0
  EXPECT_EQ(t.gpf_basis_of(2, 53600), 0);
  EXPECT_EQ(t.gpf_basis_of(1, 53600), 53600);
  EXPECT_FALSE(t.is_readable(3));
  EXPECT_EQ(problem_of(t, 3),
            "tax_regime: 'OLDER' is not one of NEW/OLD; increment_month: '1' is not one of 07/01");
}
}  // namespace
}  // namespace vetan
