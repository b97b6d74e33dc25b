// Helpers shared by the unit tests: the test profile, employee rows built by column name,
// a run held together with its inputs, output files read back, and a synthetic master.
//
// Paths come from compile definitions: VETAN_TEST_DATA_DIR (tests/data), VETAN_SOURCE_DIR
// (the project) and VETAN_CONFORMANCE_DIR (the conformance kit: ../shared/conformance or
// the vendored tests/conformance-kit; if absent, tests that need it call GTEST_SKIP).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/fate/fate.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"
#include "loaders/csv/csv_loader.h"

namespace vetan::test {

std::string test_data_dir();
std::string source_dir();
std::string conformance_dir();
// True iff the conformance kit (cases, profiles) is present.
bool have_conformance_kit();

// The whole file; fails the current test (and returns "") when it cannot be read.
std::string read_text(const std::string& path);
void write_text(const std::string& path, std::string_view text);

// tests/data/mini-profile.json: a small, valid profile (numbers as test-state.json).
const std::string& mini_profile_json();

// Replaces the single occurrence of `from` in `text`; fails the test unless there is
// exactly one.
std::string replace_once(std::string text, std::string_view from, std::string_view to);

// Parses a profile that must be valid (fails the test otherwise).
Profile parse_valid_profile(std::string_view json);
// The status of parsing a profile that may be invalid.
Status profile_status(std::string_view json);

Month month_of(std::string_view yyyy_mm);
inline Date date_of(int y, int m, int d) { return days_from_civil(y, m, d); }

// MonthRules for `month` of a valid profile, resolved against an empty level dictionary.
MonthRules rules_for(const Profile& profile, std::string_view month);

// The columns of formats.md, in the order the tests write them.
const std::vector<std::string>& all_columns();

// One row of the master, valid by default: L-7 cell 7 (basic 53,600), class Z, NPS, no
// quarters, joined 2010, born 1980-06-15, in TR01/DDO001/1. Row n gets id "E%04d" and a
// bank account of its own.
class Employee {
 public:
  explicit Employee(int n);
  Employee& set(const std::string& column, std::string value);
  // Scheme GPF with an account and this subscription.
  Employee& gpf(Money subscription);
  const std::string& get(const std::string& column) const;

 private:
  std::map<std::string, std::string> fields_;
};

// One CSV field as formats.md writes it (quoted only when needed).
std::string csv_field(std::string_view value);
// A master: the header `columns`, then each row's fields in that order, LF line ends.
std::string master_csv(const std::vector<Employee>& rows,
                       const std::vector<std::string>& columns = all_columns());
// One record (no line end) of `row` in `columns` order.
std::string master_record(const Employee& row,
                          const std::vector<std::string>& columns = all_columns());

// A run held together: the result points into the profile and table it was made from.
struct RunOutcome {
  Profile profile;
  EmployeeTable table;
  TableIndex index;
  MonthResult result;
  Status load_status;
  Status run_status;

  bool ok() const { return load_status.ok() && run_status.ok(); }
  // The payslip amount named `column` (formats.md name, e.g. "net", "ta") of row (0-based).
  Money amount(size_t row, std::string_view column) const;
  Fate fate(size_t row) const { return result.fate_of(row); }
  // The row's reasons joined with ';' in the order of rules §2 (empty when none).
  std::string reasons(size_t row) const;
  int payable_days(size_t row) const { return result.payable_days[row]; }
};

std::unique_ptr<RunOutcome> run_csv(std::string_view profile_json, std::string_view month,
                                    std::string_view csv, const CsvLoadOptions& options = {});
std::unique_ptr<RunOutcome> run_rows(std::string_view profile_json, std::string_view month,
                                     const std::vector<Employee>& rows);

std::string reasons_text(uint32_t bits);

// A fresh empty folder under the system's temporary folder.
std::string make_temp_dir(const std::string& label);
void remove_tree(const std::string& path);

// The run's six output files (formats.md), written with write_run_outputs, as text.
std::map<std::string, std::string> run_output_files(const RunOutcome& run);

// A CSV file read back (with the loaders' record reader): header and rows of fields.
struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Index of column `name`; fails the test (and returns 0) when absent.
  size_t column(std::string_view name) const;
};
CsvFile parse_csv_text(std::string_view text);

// A deterministic synthetic master for the mini profile: `rows` records of varied rows
// (levels, classes, schemes, bills, budget heads, fund types, dates, LWP, loans, quarters,
// NPA, suspensions, stops, quoted and Devanagari names) with about `fault_rate` of them
// carrying a planted problem (every §2 reason and unreadable rows).
struct SyntheticMaster {
  std::string header;                // the header record, no line end
  std::vector<std::string> records;  // data records, no line ends
  std::string csv() const;           // header and records, LF line ends
};
SyntheticMaster synthetic_master(size_t rows, uint32_t seed, std::string_view month,
                                 double fault_rate);

// Expects every column of the two tables to hold the same values, row by row.
void expect_tables_equal(const EmployeeTable& a, const EmployeeTable& b);

}  // namespace vetan::test
