// formats.md "The employee master: CSV": the record splitter (CsvRecordReader and its
// 16-bytes-at-a-time scan of unquoted fields, split_unquoted_fields) against a byte-at-a-time
// state machine of Python's csv module (default dialect, strict=False), on the cases that
// matter to a block scan: separators and line ends at and around 16-byte boundaries, quoted
// fields, CRLF, a last line without a line end, empty fields. Also a dictionary's copies
// and moves, and the loader's in-line readings at the edges of their fast paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/table/dictionary.h"
#include "core/table/employee_table.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using Record = std::vector<std::string>;

// Python's csv reader, one byte at a time: every record of `data` with its fields.
std::vector<Record> python_records(std::string_view data) {
  enum State { kStartRecord, kStartField, kInField, kInQuoted, kQuoteInQuoted };
  std::vector<Record> records;
  Record record;
  std::string field;
  State state = kStartRecord;
  auto end_field = [&] {
    record.push_back(field);
    field.clear();
  };
  auto end_record = [&](size_t* i) {
    end_field();
    records.push_back(record);
    record.clear();
    if (data[*i] == '\r' && *i + 1 < data.size() && data[*i + 1] == '\n') ++*i;
    state = kStartRecord;
  };
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    const bool line_end = c == '\r' || c == '\n';
    switch (state) {
      case kStartRecord:
        if (line_end) {  // an empty line: a record without fields
          records.emplace_back();
          if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
          break;
        }
        [[fallthrough]];
      case kStartField:
        if (c == '"') {
          state = kInQuoted;
        } else if (c == ',') {
          end_field();
          state = kStartField;
        } else if (line_end) {
          end_record(&i);
        } else {
          field.push_back(c);
          state = kInField;
        }
        break;
      case kInField:
        if (c == ',') {
          end_field();
          state = kStartField;
        } else if (line_end) {
          end_record(&i);
        } else {
          field.push_back(c);
        }
        break;
      case kInQuoted:
        if (c == '"') {
          state = kQuoteInQuoted;
        } else {
          field.push_back(c);
        }
        break;
      case kQuoteInQuoted:
        if (c == '"') {
          field.push_back('"');
          state = kInQuoted;
        } else if (c == ',') {
          end_field();
          state = kStartField;
        } else if (line_end) {
          end_record(&i);
        } else {
          field.push_back(c);
          state = kInField;
        }
        break;
    }
  }
  if (state != kStartRecord) {
    end_field();
    records.push_back(record);
  }
  return records;
}

std::vector<Record> reader_records(std::string_view data) {
  std::vector<Record> records;
  CsvRecordReader reader;
  size_t position = 0;
  while (reader.next(data, &position)) {
    Record record;
    for (std::string_view f : reader.fields()) record.emplace_back(f);
    records.push_back(record);
  }
  EXPECT_EQ(position, data.size());
  return records;
}

std::string shown(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void expect_splits_like_python(std::string_view data) {
  EXPECT_EQ(reader_records(data), python_records(data)) << "'" << shown(data) << "'";
}

TEST(CsvSplit, StateMachineReadsTheKnownCases) {
  // The reference itself, on records whose fields formats.md's examples spell out.
  EXPECT_EQ(python_records("a,\"b,c\",\"d\"\"e\"\r\n,\n"),
            (std::vector<Record>{{"a", "b,c", "d\"e"}, {"", ""}}));
  EXPECT_EQ(python_records("x\n\ny"), (std::vector<Record>{{"x"}, {}, {"y"}}));
  EXPECT_EQ(python_records("a\"b,\"c\"d"), (std::vector<Record>{{"a\"b", "cd"}}));
}

TEST(CsvSplit, SeparatorsAtEverySixteenByteBoundary) {
  // A field of n bytes, then a separator, for n around the block size; every line end.
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    for (size_t n = 0; n <= 49; ++n) {
      const std::string a(n, 'a');
      expect_splits_like_python(a + "," + a + eol + "x" + eol);
      expect_splits_like_python(a + eol + a + "," + eol);
      expect_splits_like_python(a + ",\"" + a + "\"," + a + eol);
      expect_splits_like_python(a + ",,," + a + eol + ",");
      expect_splits_like_python(a + "," + a);  // the last line without a line end
      expect_splits_like_python(a + "\"q\"," + a + eol);
    }
  }
}

TEST(CsvSplit, QuotedFieldsAndTheirEdges) {
  for (std::string_view data :
       {"\"a,b\",c\n", "a,\"b\nc\",d\r\ne\n", "a,\"\"\"\",b\n", "a,\"x\"y,z\n", "a,\"x\"\"\n",
        "a,\"unterminated,\nb\nc", "\"\",\"\"\r\n", "a,\"b\",\"c\"\r\n\"d\"", ",\n,,\r\n,\"\"",
        "0123456789abcde,\"0123456789abcdef\",0123456789\r\n"
        "0123456789abcdef0123456789abcde\r\n\r\n",
        "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z\n"}) {
    expect_splits_like_python(data);
  }
}

TEST(CsvSplit, RandomTextOfTheBytesThatMatter) {
  std::mt19937 random(13);
  const std::string alphabet = ",\"\r\naaaaaaa";
  for (int trial = 0; trial < 3000; ++trial) {
    std::string data(random() % 90, ' ');
    for (char& c : data) c = alphabet[random() % alphabet.size()];
    expect_splits_like_python(data);
  }
}

TEST(CsvSplit, UnquotedFieldsStopAtALineEndOrAQuotedField) {
  const std::string data = "0123456789abcdef,012,\"q\",x\r\nnext";
  std::vector<std::string_view> fields;
  bool quote_next = false;
  const char* end = data.data() + data.size();
  const char* p = split_unquoted_fields(data.data(), end, &fields, &quote_next);
  EXPECT_TRUE(quote_next);
  EXPECT_EQ(p - data.data(), 21);  // the quote
  EXPECT_EQ(fields, (std::vector<std::string_view>{"0123456789abcdef", "012"}));
  fields.clear();
  p = split_unquoted_fields(data.data() + 25, end, &fields, &quote_next);
  EXPECT_FALSE(quote_next);
  EXPECT_EQ(*p, '\r');
  EXPECT_EQ(fields, (std::vector<std::string_view>{"x"}));
  fields.clear();
  p = split_unquoted_fields(data.data() + 28, end, &fields, &quote_next);
  EXPECT_EQ(p, end);  // no line end: the field runs to the end of the data
  EXPECT_EQ(fields, (std::vector<std::string_view>{"next"}));
}

TEST(TableDictionaryCopies, CopiesAndMovesReadTheirOwnValues) {
  Dictionary d;
  for (std::string_view v : {"DDO0001", "A", "", "a rather long value past sixteen bytes"}) {
    d.add(v);
  }
  Dictionary copy = d;
  {
    Dictionary dying = d;
    copy = dying;  // the assigned copy must not read the dying one's strings
  }
  Dictionary moved = std::move(d);
  for (const Dictionary* x : {&copy, &moved}) {
    ASSERT_EQ(x->size(), 4u);
    EXPECT_EQ(x->value(0), "DDO0001");
    EXPECT_EQ(x->value(3), "a rather long value past sixteen bytes");
    Dictionary::Code code = 9;
    EXPECT_TRUE(x->find("A", &code));
    EXPECT_EQ(code, 1u);
    EXPECT_TRUE(x->find("", &code));
    EXPECT_EQ(code, 2u);
    EXPECT_FALSE(x->find("B", &code));
  }
  EXPECT_EQ(copy.add("DDO0001"), 0u);
  EXPECT_EQ(copy.add("new"), 4u);
  EXPECT_EQ(copy.value(4), "new");
}

// The loader's in-line readings (csv_loader.cc) against what they stand for, at the edges
// of their fast paths.

// Dictionary values of 1 to 21 bytes (two words hold 16), some differing only past the
// 16th byte or in length, one quoted (read from the reader's scratch text), and the last
// one the file's last bytes (no 16 bytes after it to read in place): every row reads back
// its value, codes in order of first appearance.
TEST(LoaderFastPaths, DictionaryValuesOfEveryLengthUpToTheEndOfTheFile) {
  std::vector<std::string> columns = test::all_columns();
  columns.erase(std::find(columns.begin(), columns.end(), "ddo_code"));
  columns.push_back("ddo_code");  // the last column: the last row's value ends the file
  std::vector<std::string> values;
  for (size_t n = 1; n <= 21; ++n) values.push_back(std::string(n, 'D'));
  values.push_back("0123456789ABCDEFx");
  values.push_back("0123456789ABCDEFy");
  values.push_back("0123456789ABCDEF");
  values.push_back("DDO,1");
  for (size_t n = 21; n >= 1; --n) values.push_back(std::string(n, 'D'));
  values.push_back("DDO,1");
  values.push_back("0123456789ABCDEFy");
  values.push_back("DDO7");
  std::vector<test::Employee> rows;
  for (size_t i = 0; i < values.size(); ++i) {
    rows.push_back(test::Employee(int(i) + 1).set("ddo_code", values[i]));
  }
  std::string csv = test::master_csv(rows, columns);
  ASSERT_EQ(csv.back(), '\n');
  csv.pop_back();  // the last line without a line end
  ASSERT_EQ(csv.substr(csv.size() - 5), ",DDO7");
  EmployeeTable t;
  ASSERT_TRUE(parse_employees_csv(csv, "employees.csv", &t).ok());
  ASSERT_EQ(t.rows, values.size());
  std::vector<std::string> first;  // distinct values in order of first appearance
  for (size_t r = 0; r < values.size(); ++r) {
    ASSERT_TRUE(t.is_readable(r)) << r;
    EXPECT_EQ(t.ddo_code[r], values[r]) << r;
    auto it = std::find(first.begin(), first.end(), values[r]);
    if (it == first.end()) it = first.insert(first.end(), values[r]);
    EXPECT_EQ(t.ddo_code.codes[r], size_t(it - first.begin())) << r;
  }
  EXPECT_EQ(t.ddo_code.dictionary.size(), first.size());
}

// Enumerations and booleans spelt otherwise than the usual way go through case folding and
// trimming as before; a value that is no member is still refused, naming its column.
TEST(LoaderFastPaths, EnumerationsAndBooleansOffTheUsualSpelling) {
  const std::string csv = test::master_csv(
      {test::Employee(1).set("status", " active ").set("fund_type", "ca").set("govt_quarters", "Y"),
       test::Employee(2).set("status", "Suspended").set("hra_class", "y").set("npa_eligible", " 1"),
       test::Employee(3).set("status", "TERMINATED").set("stop_payment", "true"),
       test::Employee(4).set("status", "ACTIVEX"), test::Employee(5).set("govt_quarters", "2")});
  EmployeeTable t;
  ASSERT_TRUE(parse_employees_csv(csv, "employees.csv", &t).ok());
  ASSERT_EQ(t.rows, 5u);
  ASSERT_TRUE(t.is_readable(0) && t.is_readable(1) && t.is_readable(2));
  EXPECT_EQ(t.status[0], uint8_t(EmploymentStatus::kActive));
  EXPECT_EQ(t.status[1], uint8_t(EmploymentStatus::kSuspended));
  EXPECT_EQ(t.status[2], uint8_t(EmploymentStatus::kTerminated));
  EXPECT_EQ(t.fund_type[0], 1);  // CA
  EXPECT_EQ(t.hra_class[1], 1);  // Y
  EXPECT_TRUE(t.flags[0] & kGovtQuarters);
  EXPECT_TRUE(t.flags[1] & kNpaEligible);
  EXPECT_TRUE(t.flags[2] & kStopPayment);
  EXPECT_FALSE(t.is_readable(3));
  EXPECT_FALSE(t.is_readable(4));
  ASSERT_EQ(t.problems.size(), 2u);
  EXPECT_EQ(t.problems[0].text,
            "status: 'ACTIVEX' is not one of ACTIVE/SUSPENDED/RETIRED/DECEASED/VRS/TERMINATED");
  EXPECT_EQ(t.problems[1].text, "govt_quarters: '2' is not a boolean");
}

// parse_date reads usual dates through a table of month starts for 1900-2155: every day of
// the months around that range's edges and of leap and common Februaries, and impossible
// days and months, against days_from_civil and days_in_month.
TEST(LoaderFastPaths, DatesAroundTheMonthTableEdges) {
  for (int y :
       {0, 1, 1582, 1896, 1899, 1900, 1901, 1999, 2000, 2024, 2100, 2154, 2155, 2156, 2400, 9999}) {
    for (int m = 0; m <= 13; ++m) {
      for (int d = 0; d <= 32; ++d) {
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        Date date = 0;
        const bool valid = y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
        ASSERT_EQ(parse_date(text, &date), valid) << text;
        if (valid) {
          ASSERT_EQ(date, days_from_civil(y, m, d)) << text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace vetan
