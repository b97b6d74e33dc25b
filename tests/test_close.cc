// Month close (issue 12 item 1): `vetan close` and core/close. Rules cited: rules §5 (loan),
// §5.1 (GPF basis), §6 (FY figures, TDS), and the increment dates of CCS (RP) Rules 2016
// rule 10 (core/close/month_close.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "api/commands.h"
#include "api/next_master_writer.h"
#include "core/close/month_close.h"
#include "core/common/sha256.h"
#include "core/fate/fate.h"
#include "core/tax/income_tax.h"
#include "loaders/csv/csv_record.h"
#include "loaders/generate/master_generator.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::CsvFile;
using test::Employee;

int call(int (*command)(const Arguments&), std::vector<std::string> args) {
  return command(Arguments(args.begin(), args.end()));
}

int run(const std::string& profile, const std::string& master, const std::string& month,
        const std::string& out) {
  return call(run_command, {"--profile", profile, "--employees", master, "--month", month,
                            "--out", out, "--quiet"});
}

int close(const std::string& profile, const std::string& master, const std::string& month,
          const std::string& run_dir, const std::string& out) {
  return call(close_command, {"--profile", profile, "--employees", master, "--month", month,
                              "--run", run_dir, "--out", out, "--quiet"});
}

// The close's stderr line for a refused close.
std::string refused_close(const std::string& profile, const std::string& master,
                          const std::string& month, const std::string& run_dir,
                          const std::string& out) {
  const bool existed = std::filesystem::exists(out);
  const std::string before = existed ? test::read_text(out) : "";
  testing::internal::CaptureStderr();
  const int code = close(profile, master, month, run_dir, out);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitRefused) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(std::filesystem::exists(out), existed) << "a refused close wrote " << out;
  if (existed) {
    EXPECT_EQ(test::read_text(out), before) << "a refused close changed " << out;
  }
  return err;
}

// Adds the column increment_month to a master: 01 on every third record, else empty (07).
std::string with_increment_month(std::string_view csv) {
  CsvRecordReader reader;
  std::string out;
  size_t position = 0, record = 0;
  while (position < csv.size()) {
    const size_t start = position;
    reader.next(csv, &position);
    size_t end = position;
    while (end > start && (csv[end - 1] == '\n' || csv[end - 1] == '\r')) --end;
    out.append(csv.substr(start, end - start));
    out.append(record == 0 ? ",increment_month" : record % 3 == 0 ? ",01" : ",");
    out.append(csv.substr(end, position - end));
    ++record;
  }
  return out;
}

EmployeeTable load_table(const Profile& profile, const std::string& path) {
  EmployeeTable table;
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes(profile);
  const Status s = load_employees_csv(path, &table, options);
  EXPECT_TRUE(s.ok()) << s.message();
  return table;
}

const PayMatrix& matrix_for(const Profile& profile, Month month) {
  const PayMatrix* in_force = &profile.pay_matrix.front();
  for (const PayMatrix& m : profile.pay_matrix) {
    if (m.from <= month) in_force = &m;
  }
  return *in_force;
}

// The cells of `level` in the matrix in force for `month` (empty when the level is absent).
std::vector<Money> cells_of(const Profile& profile, Month month, std::string_view level) {
  const PayMatrix& m = matrix_for(profile, month);
  for (size_t l = 0; l < m.levels.size(); ++l) {
    if (m.levels[l] == level) return m.cells[l];
  }
  return {};
}

struct Paid {
  Money gross = 0, income_tax = 0, loan = 0;
};

// Payslips by line (row + 1) of one run.
std::map<int64_t, Paid> payslips_by_line(const std::string& run_dir) {
  const CsvFile f = test::parse_csv_text(test::read_text(run_dir + "/payslips.csv"));
  std::map<int64_t, Paid> out;
  for (const auto& row : f.rows) {
    out[std::stoll(row[f.column("line")])] =
        Paid{std::stoll(row[f.column("gross")]), std::stoll(row[f.column("income_tax")]),
             std::stoll(row[f.column("loan")])};
  }
  return out;
}

bool is_close_column(std::string_view name) {
  for (const char* c : kCloseColumnNames) {
    if (name == c) return true;
  }
  return false;
}

// Issue 12 proof: twelve months in a row, April to March, each run then closed, on a
// generated master of the test state (a new pay matrix from January 2027), a third of its
// rows on January increments, with planted faults. The March master equals one built
// directly from the April master and the payslips, and the FY's TDS sums to the annual tax.
TEST(MonthClose, TwelveMonthsInARowMatchAMasterBuiltDirectly) {
  if (!test::have_conformance_kit()) GTEST_SKIP() << "no conformance kit";
  const std::string profile_path = test::conformance_dir() + "/profiles/test-state.json";
  const Profile profile = test::parse_valid_profile(test::read_text(profile_path));
  GeneratorOptions options;
  options.rows = 3000;
  options.seed = 12;
  options.month = test::month_of("2026-04");
  options.fault_rate = 0.03;
  std::string csv;
  ASSERT_TRUE(generate_master_csv(profile, options, &csv).ok());
  const std::string dir = test::make_temp_dir("close-year");
  auto master_of = [&dir](Month m) { return dir + "/master-" + format_month(m) + ".csv"; };
  const Month april = test::month_of("2026-04");
  test::write_text(master_of(april), with_increment_month(csv));

  std::vector<std::map<int64_t, Paid>> paid;
  for (Month m = april; m < april + 12; ++m) {
    const std::string run_dir = dir + "/run-" + format_month(m);
    ASSERT_EQ(run(profile_path, master_of(m), format_month(m), run_dir), kExitOk);
    ASSERT_EQ(close(profile_path, master_of(m), format_month(m), run_dir, master_of(m + 1)),
              kExitOk)
        << format_month(m);
    ASSERT_TRUE(std::filesystem::exists(run_dir + "/closed.json"));
    paid.push_back(payslips_by_line(run_dir));
  }
  const Month march = april + 11;
  const EmployeeTable first = load_table(profile, master_of(april));
  const EmployeeTable last = load_table(profile, master_of(march));
  const EmployeeTable next_year = load_table(profile, master_of(march + 1));
  ASSERT_EQ(first.rows, last.rows);
  ASSERT_EQ(first.rows, next_year.rows);

  // The master of March built directly: FY figures the sums of April to February's payslips,
  // loans less their recoveries, one increment in July or January, the matrix of March.
  size_t incremented = 0, all_year = 0, taxed = 0;
  const MonthRules march_rules = test::rules_for(profile, "2027-03");
  for (size_t r = 0; r < first.rows; ++r) {
    ASSERT_EQ(first.is_readable(r), last.is_readable(r)) << r;
    if (!first.is_readable(r)) continue;
    Paid sum;
    int months = 0;
    for (Month m = april; m < march; ++m) {
      const auto it = paid[size_t(m - april)].find(int64_t(r) + 1);
      if (it == paid[size_t(m - april)].end()) continue;
      sum.gross += it->second.gross;
      sum.income_tax += it->second.income_tax;
      sum.loan += it->second.loan;
      ++months;
    }
    const std::string id(first.employee_id[r]);
    EXPECT_EQ(last.fy_gross_to_date[r], sum.gross) << id;
    EXPECT_EQ(last.fy_tds_to_date[r], sum.income_tax) << id;
    EXPECT_EQ(last.loan_balance[r], first.loan_balance[r] - sum.loan) << id;
    EXPECT_EQ(last.lwp_days[r], 0) << id;
    EXPECT_EQ(last.gpf_subscription[r], first.gpf_subscription[r]) << id;
    EXPECT_EQ(last.flags[r] & kStopPayment, first.flags[r] & kStopPayment) << id;

    const std::string level(first.pay_level[r]);
    const std::vector<Money> cells = cells_of(profile, april, level);
    const int64_t cell = first.pay_cell[r];
    int64_t want_cell = cell;
    Money want_basic = first.basic_pay[r];
    const bool consistent = !cells.empty() && cell >= 1 && size_t(cell) <= cells.size() &&
                            cells[size_t(cell) - 1] == first.basic_pay[r];
    if (consistent) {
      // CCS (RP) Rules 2016 rule 10: 1 July, or 1 January; ACTIVE, in service on the day,
      // appointed on or before the first day of the month six months earlier.
      const Month on = test::month_of((first.flags[r] & kJanuaryIncrement) ? "2027-01" : "2026-07");
      const Date retires = retirement_date(first.date_of_birth[r], first.date_of_retirement[r],
                                           profile.retirement_age);
      const std::vector<Money> then = cells_of(profile, march, level);
      if (EmploymentStatus(first.status[r]) == EmploymentStatus::kActive &&
          retires >= first_day(on) && first.date_of_joining[r] <= first_day(on - 6) &&
          size_t(cell) < then.size()) {
        want_cell = cell + 1;
      }
      if (size_t(want_cell) <= then.size()) want_basic = then[size_t(want_cell) - 1];
    }
    EXPECT_EQ(last.pay_cell[r], want_cell) << id;
    EXPECT_EQ(last.basic_pay[r], want_basic) << id;
    if (want_cell != cell) ++incremented;

    // The April master after March: a new FY, and the GPF basis the March basic (§5.1).
    EXPECT_EQ(next_year.fy_gross_to_date[r], 0) << id;
    EXPECT_EQ(next_year.fy_tds_to_date[r], 0) << id;
    if (consistent && PensionScheme(first.pension_scheme[r]) == PensionScheme::kGpf) {
      EXPECT_TRUE(next_year.flags[r] & kGpfBasisGiven) << id;
      EXPECT_EQ(next_year.gpf_basis_pay[r], last.basic_pay[r]) << id;
    }

    // rules §6: paid all year, nothing declared: the FY's TDS is the annual tax of the
    // year's actual gross (March: R = 1), whatever each month rounded.
    const auto in_march = paid.back().find(int64_t(r) + 1);
    if (months == 11 && in_march != paid.back().end() && first.income_tax_declared[r] == 0) {
      ++all_year;
      const Money annual = income_tax(march_rules, in_march->second.gross, TaxInputs{1, sum.gross, 0, 0, false, 0});
      EXPECT_EQ(sum.income_tax + in_march->second.income_tax, annual) << id;
      if (annual > 0) ++taxed;
    }
  }
  EXPECT_GT(incremented, first.rows / 2);
  EXPECT_GT(all_year, first.rows * 8 / 10);
  EXPECT_GT(taxed, all_year / 10);

  // Every other field of every record is the April master's, byte for byte.
  const CsvFile a = test::parse_csv_text(test::read_text(master_of(april)));
  const CsvFile b = test::parse_csv_text(test::read_text(master_of(march)));
  ASSERT_EQ(a.header, b.header);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    ASSERT_EQ(a.rows[r].size(), b.rows[r].size()) << r;
    for (size_t c = 0; c < a.rows[r].size() && c < a.header.size(); ++c) {
      if (first.is_readable(r) && is_close_column(a.header[c])) continue;
      EXPECT_EQ(a.rows[r][c], b.rows[r][c]) << "row " << r << " column " << a.header[c];
    }
  }

  // A month is closed once.
  const std::string err = refused_close(profile_path, master_of(march), "2027-03",
                                        dir + "/run-2027-03", dir + "/again.csv");
  EXPECT_NE(err.find("run-2027-03/closed.json: the month is closed already"), std::string::npos)
      << err;
  test::remove_tree(dir);
}

// A small master of every kind of record: a byte-order mark, CRLF line ends, a quoted name
// with a comma, a quoted loan_balance, a quoted extra column, a blank line, a stopped row,
// an unreadable row, a row at its level's last cell, no line end at the end, and no
// fy_gross_to_date, fy_tds_to_date or gpf_basis_pay columns.
const char kHeader[] =
    "employee_id,name,date_of_birth,date_of_joining,status,treasury_code,ddo_code,bill_group,"
    "pay_level,pay_cell,basic_pay,pension_scheme,gpf_account,gpf_subscription,pran,hra_class,"
    "loan_installment,loan_balance,lwp_days,income_tax_declared,stop_payment,remarks,"
    "bank_account,ifsc,pan";
const char kE1Head[] =
    "E1,\"Sharma, Ram\",1980-06-15,2010-04-01,ACTIVE,TR01,DDO001,1,L-7,";
const char kE1Tail[] = ",2000,0,\"said \"\"hi\"\"\",123456789012,SBIN0001234,ABCDE1234F";
const char kE2Head[] = "E2,Meena Devi,1985-01-20,2015-08-01,ACTIVE,TR01,DDO001,1,L-1,";
const char kE2Tail[] = ",NPS,,0,110000000002,Y,0,0,0,0,1,,223456789012,SBIN0001234,ABCDE1234G";
const char kE3[] =
    "E3,Bad Row,1980-01-01,2010-01-01,ACTIVE,TR01,DDO001,1,L-7,x,47600,NPS,,0,110000000003,Z,0,0,"
    "0,0,0,,423456789012,SBIN0001234,ABCDE1234J";
const char kE4[] =
    "E4,Last Cell,1975-03-10,2000-01-01,ACTIVE,TR01,DDO001,1,L-7,7,53600,NPS,,0,110000000004,X,0,"
    "0,0,0,0,,323456789012,SBIN0001234,ABCDE1234H";

std::string small_master() {
  return std::string("\xEF\xBB\xBF") + kHeader + "\r\n" + kE1Head +
         "3,47600,GPF,GPF/E1,3000,,Z,1000,\"5000\",2" + kE1Tail + "\r\n\r\n" + kE2Head +
         "1,18000" + kE2Tail + "\r\n" + kE3 + "\r\n" + kE4;
}

// Issue 12: the next master keeps every byte but the changed fields (formats.md CSV); the
// columns it lacks are added at the end; July brings the increment (rules of month_close.h).
TEST(MonthClose, KeepsEveryByteButTheChangedFields) {
  const std::string dir = test::make_temp_dir("close-bytes");
  const std::string profile = test::test_data_dir() + "/mini-profile.json";
  const std::string master = dir + "/june.csv", next = dir + "/july.csv";
  test::write_text(master, small_master());
  ASSERT_EQ(run(profile, master, "2026-06", dir + "/run"), kExitOk);
  ASSERT_EQ(close(profile, master, "2026-06", dir + "/run", next), kExitOk);
  const std::map<int64_t, Paid> paid = payslips_by_line(dir + "/run");
  ASSERT_EQ(paid.size(), 2u);  // E1 and E4; E2 stopped, E3 unreadable
  const Paid e1 = paid.at(1), e4 = paid.at(4);
  ASSERT_GE(e1.income_tax, 2000);
  const std::string want =
      std::string("\xEF\xBB\xBF") + kHeader + ",fy_gross_to_date,fy_tds_to_date,gpf_basis_pay\r\n" +
      kE1Head + "4,49000,GPF,GPF/E1,3000,,Z,1000,4000,0" + kE1Tail + "," +
      std::to_string(e1.gross) + "," + std::to_string(e1.income_tax) + ",47600\r\n\r\n" +
      kE2Head + "2,18500" + kE2Tail + ",,,\r\n" + kE3 + ",,,\r\n" + kE4 + "," +
      std::to_string(e4.gross) + ",,";
  EXPECT_EQ(test::read_text(next), want);
  // The next master reads back: four rows, E3 still unreadable, E1 on its GPF basis.
  const EmployeeTable july = load_table(test::parse_valid_profile(test::mini_profile_json()), next);
  ASSERT_EQ(july.rows, 4u);
  EXPECT_FALSE(july.is_readable(2));
  EXPECT_EQ(july.gpf_basis_of(0, july.basic_pay[0]), 47600);
  EXPECT_EQ(july.loan_balance[0], 4000);
  const std::string marker = test::read_text(dir + "/run/closed.json");
  EXPECT_NE(marker.find("\"month\": \"2026-06\""), std::string::npos) << marker;
  EXPECT_NE(marker.find("\"next_month\": \"2026-07\""), std::string::npos) << marker;
  EXPECT_NE(marker.find("\"increments\": 2"), std::string::npos) << marker;
  // The digest is of the bytes the next master holds.
  EXPECT_NE(marker.find("\"out_sha256\": \"" + sha256_hex(test::read_text(next)) + "\""),
            std::string::npos)
      << marker;
  test::remove_tree(dir);
}

// Issue 12: a close that cannot be of this month's run of this master is refused with one
// line naming the file, and writes nothing.
TEST(MonthClose, RefusesARunFolderThatIsNotThisMonthsRunOfThisMaster) {
  const std::string dir = test::make_temp_dir("close-refusals");
  const std::string profile = test::test_data_dir() + "/mini-profile.json";
  const std::string master = dir + "/june.csv", next = dir + "/july.csv";
  test::write_text(master, small_master());
  ASSERT_EQ(run(profile, master, "2026-06", dir + "/run"), kExitOk);
  ASSERT_EQ(run(profile, master, "2026-07", dir + "/run-july"), kExitOk);

  auto has = [](const std::string& err, const std::string& part) {
    EXPECT_NE(err.find(part), std::string::npos) << err;
  };
  has(refused_close(profile, master, "2026-13", dir + "/run", next), "'2026-13' is not YYYY-MM");
  has(refused_close(profile, master, "2026-06", dir + "/nowhere", next), "nowhere: not a run folder");
  has(refused_close(profile, master, "2026-06", dir + "/run-july", next),
      "run-july/summary.json: the run is of 2026-07, not 2026-06");
  has(refused_close(profile, master, "2026-06", dir + "/run", master), "is the master of the month");

  // The run of another profile (another DA): its totals are not this profile's.
  const std::string other = dir + "/other-profile.json";
  test::write_text(other, test::replace_once(test::mini_profile_json(),
                                             "{ \"from\": \"2026-01\", \"percent\": 60.5 }",
                                             "{ \"from\": \"2026-01\", \"percent\": 61 }"));
  ASSERT_EQ(run(other, master, "2026-06", dir + "/run-other"), kExitOk);
  has(refused_close(profile, master, "2026-06", dir + "/run-other", next),
      "run-other/summary.json: gross is ");

  // One row less: summary.json's rows are not the master's.
  const std::string shorter = dir + "/shorter.csv";
  std::string text = small_master();
  test::write_text(shorter, text.substr(0, text.rfind("\r\n")));
  has(refused_close(profile, shorter, "2026-06", dir + "/run", next),
      "run/summary.json: rows is 4, but " + shorter + " has 3");

  // A payslip whose gross is not what the master pays.
  const std::string payslips = test::read_text(dir + "/run/payslips.csv");
  const std::map<int64_t, Paid> paid = payslips_by_line(dir + "/run");
  const std::string gross = std::string(",").append(std::to_string(paid.at(1).gross)).append(",");
  const size_t at = payslips.find(gross);
  ASSERT_NE(at, std::string::npos);
  std::string tampered = payslips;
  tampered.replace(at + 1, gross.size() - 2, std::to_string(paid.at(1).gross + 1));
  test::write_text(dir + "/run/payslips.csv", tampered);
  has(refused_close(profile, master, "2026-06", dir + "/run", next),
      "run/payslips.csv: payslip 1: gross of line 1 (E1) is '" +
          std::to_string(paid.at(1).gross + 1) + "', but this master and profile give " +
          std::to_string(paid.at(1).gross) + " for 2026-06");
  EXPECT_FALSE(std::filesystem::exists(dir + "/run/closed.json"));

  // Put right, it closes, once.
  test::write_text(dir + "/run/payslips.csv", payslips);
  ASSERT_EQ(close(profile, master, "2026-06", dir + "/run", next), kExitOk);
  has(refused_close(profile, master, "2026-06", dir + "/run", dir + "/again.csv"),
      "run/closed.json: the month is closed already (2026-06 was closed into " + next + ")");
  test::remove_tree(dir);
}

// rules §5.1 and CCS (RP) Rules 2016 rule 10, row by row on core/close: who draws the
// increment, the GPF basis kept through it, and the subscription raised in April.
TEST(MonthClose, IncrementsAndGpfBasisRowByRow) {
  std::vector<Employee> rows;
  rows.push_back(Employee(1).set("pay_cell", "3").set("basic_pay", "47600"));  // July: up
  rows.push_back(Employee(2).set("pay_cell", "3").set("basic_pay", "47600").set("increment_month", "01"));
  rows.push_back(Employee(3).set("pay_cell", "3").set("basic_pay", "47600").set("status", "SUSPENDED"));
  rows.push_back(Employee(4).set("pay_cell", "3").set("basic_pay", "47600").set("date_of_joining", "2026-01-02"));
  rows.push_back(Employee(5).set("pay_cell", "3").set("basic_pay", "47600").set("date_of_joining", "2026-01-01"));
  rows.push_back(Employee(6));  // cell 7: the level's last
  rows.push_back(Employee(7).set("pay_cell", "3").set("basic_pay", "47000"));  // not the matrix's
  rows.push_back(Employee(8).set("pay_cell", "3").set("basic_pay", "47600").gpf(1000));
  rows.push_back(Employee(9).set("pay_cell", "3").set("basic_pay", "47600").set("date_of_retirement", "2026-06-30"));
  std::vector<std::string> columns = test::all_columns();
  columns.push_back("increment_month");
  const std::string csv = test::master_csv(rows, columns);
  const auto june = test::run_csv(test::mini_profile_json(), "2026-06", csv);
  ASSERT_TRUE(june->ok());
  MonthClose close;
  ASSERT_TRUE(close_month(june->table, june->result, &close).ok());
  EXPECT_EQ(close.next, test::month_of("2026-07"));
  const int64_t want_cell[] = {4, 3, 3, 3, 4, 7, 3, 4, 3};
  for (size_t r = 0; r < rows.size(); ++r) {
    const bool changed = close.changed[r] & (1u << kClosePayCell);
    EXPECT_EQ(changed ? close.value(r, kClosePayCell) : june->table.pay_cell[r], want_cell[r])
        << "row " << r + 1;
  }
  EXPECT_EQ(close.value(0, kCloseBasicPay), 49000);
  EXPECT_EQ(close.counts.increments, 3);
  // The GPF row keeps its minimum on the basic before the increment (§5.1).
  EXPECT_TRUE(close.changed[7] & (1u << kCloseGpfBasisPay));
  EXPECT_EQ(close.value(7, kCloseGpfBasisPay), 47600);
  // Paid rows carry the month; leave without pay is for one month.
  EXPECT_EQ(close.value(0, kCloseFyGrossToDate), june->amount(0, "gross"));
  EXPECT_EQ(close.counts.carried, june->result.summary.paid);

  // January: row 2 draws its increment; a new matrix (2027-01) re-fixes every basic.
  const auto december = test::run_csv(test::mini_profile_json(), "2026-12", csv);
  ASSERT_TRUE(december->ok());
  ASSERT_TRUE(close_month(december->table, december->result, &close).ok());
  EXPECT_EQ(close.value(1, kClosePayCell), 4);
  EXPECT_EQ(close.value(1, kCloseBasicPay), 53900);  // L-7 cell 4 of 2027-01
  EXPECT_EQ(close.value(0, kClosePayCell), 3);
  EXPECT_EQ(close.value(0, kCloseBasicPay), 52300);  // L-7 cell 3 of 2027-01
  EXPECT_EQ(close.counts.increments, 1);

  // April: FY figures restart; the GPF basis becomes March's basic; a subscription below
  // the new minimum (a percentage of the basis) is raised to it.
  std::string profile = test::replace_once(
      test::mini_profile_json(), "\"minimum_by_level\": { \"L-1\": 500, \"L-7\": 1000, \"L-15\": 4000 }",
      "\"minimum_percent_of_basic\": 6");
  std::vector<Employee> gpf_rows;
  gpf_rows.push_back(Employee(1).set("pay_cell", "3").set("basic_pay", "52300").gpf(2832)
                         .set("gpf_basis_pay", "47200").set("fy_gross_to_date", "900000"));
  const auto march = test::run_rows(profile, "2027-03", gpf_rows);
  ASSERT_TRUE(march->ok()) << march->load_status.message() << march->run_status.message();
  ASSERT_EQ(march->fate(0), Fate::kPaid) << march->reasons(0);
  ASSERT_TRUE(close_month(march->table, march->result, &close).ok());
  EXPECT_EQ(close.value(0, kCloseFyGrossToDate), 0);
  EXPECT_EQ(close.value(0, kCloseFyTdsToDate), 0);
  EXPECT_EQ(close.value(0, kCloseGpfBasisPay), 52300);
  EXPECT_EQ(close.value(0, kCloseGpfSubscription), 3138);  // ceil(6% of 52,300)
  EXPECT_EQ(close.counts.gpf_raised, 1);
}

// rules §8 (results never depend on chunking), for the next master: records with quoted
// line breaks, commas and quotes, cut into chunks of any size, give the same bytes.
TEST(MonthClose, NextMasterDoesNotDependOnChunking) {
  std::vector<Employee> rows;
  for (int n = 1; n <= 60; ++n) {
    Employee e(n);
    e.set("pay_cell", std::to_string(1 + n % 7));
    e.set("basic_pay", std::to_string(std::vector<Money>{44900, 46200, 47600, 49000, 50500, 52000,
                                                         53600}[size_t(n % 7)]));
    if (n % 4 == 0) e.set("name", "Line\nBreak, \"Q\" " + std::to_string(n));
    if (n % 5 == 0) e.set("loan_installment", "700").set("loan_balance", "1000");
    rows.push_back(e);
  }
  const std::string csv = test::master_csv(rows);
  const auto june = test::run_csv(test::mini_profile_json(), "2026-06", csv);
  ASSERT_TRUE(june->ok());
  MonthClose close;
  ASSERT_TRUE(close_month(june->table, june->result, &close).ok());
  ASSERT_GT(close.counts.increments, 40);
  auto written = [&](size_t chunk_bytes) {
    std::string out;
    const Status s = write_next_master(csv, "master.csv", close,
                                       [&out](std::string_view bytes) { out.append(bytes); },
                                       chunk_bytes);
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  };
  const std::string whole = written(size_t(1) << 20);
  EXPECT_NE(whole, csv);
  for (size_t chunk : {1, 2, 3, 7, 16, 64, 100, 333, 1000}) {
    EXPECT_EQ(written(chunk), whole) << "chunks of " << chunk << " bytes";
  }
  // The next master reads back as the close says.
  EmployeeTable next;
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes(june->profile);
  ASSERT_TRUE(parse_employees_csv(whole, "next", &next, options).ok());
  ASSERT_EQ(next.rows, rows.size());
  for (size_t r = 0; r < next.rows; ++r) {
    EXPECT_EQ(next.name[r], june->table.name[r]);
    EXPECT_EQ(next.pay_cell[r], close.value(r, kClosePayCell));
    EXPECT_EQ(next.loan_balance[r], close.value(r, kCloseLoanBalance));
    EXPECT_EQ(next.fy_gross_to_date[r], close.value(r, kCloseFyGrossToDate));
  }
}

// The next master's fast path (records without a quote, cut at their commas) and its
// reader path (any other record) give what the reader reads: every field of every record
// as it was, but the changed ones, which hold the close's values; line ends, blank lines
// and the rest byte for byte, whatever the record's shape.
TEST(MonthClose, NextMasterKeepsRecordsOfEveryShape) {
  std::vector<Employee> rows;
  for (int n = 1; n <= 48; ++n) {
    Employee e(n);
    e.set("pay_cell", std::to_string(1 + n % 7));
    e.set("basic_pay", std::to_string(std::vector<Money>{44900, 46200, 47600, 49000, 50500, 52000,
                                                         53600}[size_t(n % 7)]));
    if (n % 6 == 1) e.set("name", "Quote\"Inside " + std::to_string(n));  // quoted by master_csv
    if (n % 6 == 2) e.set("name", "Quote, comma " + std::to_string(n));
    if (n % 5 == 0) e.set("loan_installment", "700").set("loan_balance", "1000");
    rows.push_back(e);
  }
  std::string csv = test::master_csv(rows);
  // Shapes a writer of CSV may give: a quote inside unquoted text (text, not a quoted
  // field), a lone CR and a CRLF line end, a blank line, a record that starts with a space.
  {
    std::string fixed;
    size_t from = 0;
    for (size_t at; (at = csv.find("\"Quote\"\"Inside ", from)) != std::string::npos;) {
      const size_t closing = csv.find('"', at + 15);
      fixed += csv.substr(from, at - from) + "Quote\"Inside " + csv.substr(at + 15, closing - at - 15);
      from = closing + 1;
    }
    csv = fixed + csv.substr(from);
  }
  ASSERT_EQ(csv.find("\"Quote\"\""), std::string::npos);
  std::vector<size_t> e;  // the first line ends (e[0]: the header's)
  for (size_t i = 0; i < csv.size() && e.size() < 12; ++i) {
    if (csv[i] == '\n') e.push_back(i);
  }
  ASSERT_EQ(e.size(), 12u);
  csv = csv.substr(0, e[2] + 1) + " " + csv.substr(e[2] + 1, e[4] - e[2] - 1) + "\r" +
        csv.substr(e[4] + 1, e[7] - e[4] - 1) + "\r\n" + csv.substr(e[7] + 1, e[10] - e[7] - 1) +
        "\n\n" + csv.substr(e[10] + 1, csv.size() - e[10] - 2);  // no line end after the last
  const auto june = test::run_csv(test::mini_profile_json(), "2026-06", csv);
  ASSERT_TRUE(june->ok());
  ASSERT_EQ(june->table.rows, rows.size());
  MonthClose close;
  ASSERT_TRUE(close_month(june->table, june->result, &close).ok());
  ASSERT_GT(close.counts.increments, 25);
  std::string out;
  ASSERT_TRUE(write_next_master(csv, "master.csv", close,
                                [&out](std::string_view bytes) { out.append(bytes); })
                  .ok());
  // Record by record: the same fields but the changed ones, then the same line-end bytes.
  CsvRecordReader in, next;
  size_t p = 0, q = 0;
  ASSERT_TRUE(in.next(csv, &p) && next.next(out, &q));
  const std::vector<std::string_view> header(in.fields().begin(), in.fields().end());
  std::vector<int> column_of(header.size(), -1);
  for (size_t j = 0; j < header.size(); ++j) {
    for (int c = 0; c < kCloseColumnCount; ++c) {
      if (header[j] == kCloseColumnNames[c]) column_of[j] = c;
    }
  }
  const size_t appended = next.fields().size() - header.size();
  size_t row = 0, blank = 0;
  while (p < csv.size()) {
    const size_t p0 = p, q0 = q;
    ASSERT_TRUE(in.next(csv, &p));
    ASSERT_TRUE(next.next(out, &q)) << "record at byte " << p0;
    if (in.blank()) {
      ++blank;
      EXPECT_EQ(out.substr(q0, q - q0), csv.substr(p0, p - p0));
      continue;
    }
    ASSERT_LT(row, close.rows);
    ASSERT_EQ(next.fields().size(), in.fields().size() + appended) << "row " << row;
    for (size_t j = 0; j < in.fields().size(); ++j) {
      const int c = column_of[j];
      const std::string want = c >= 0 && (close.changed[row] & (1u << c))
                                   ? std::to_string(close.value(row, c))
                                   : std::string(in.fields()[j]);
      EXPECT_EQ(next.fields()[j], want) << "row " << row << ", " << header[j];
    }
    // The record's line end (or none) is its own.
    const std::string_view in_end = std::string_view(csv).substr(p0, p - p0);
    const std::string_view out_end = std::string_view(out).substr(q0, q - q0);
    auto ending = [](std::string_view record) -> std::string_view {
      if (record.size() >= 2 && record.substr(record.size() - 2) == "\r\n") return "\r\n";
      if (record.back() == '\r' || record.back() == '\n') return record.substr(record.size() - 1);
      return "";
    };
    EXPECT_EQ(ending(out_end), ending(in_end)) << "row " << row;
    ++row;
  }
  EXPECT_EQ(q, out.size());
  EXPECT_EQ(row, close.rows);
  EXPECT_EQ(blank, 1u);
  EXPECT_NE(out.find("Quote\"Inside 1,"), std::string::npos);
  EXPECT_NE(out.find("\"Quote, comma 2\""), std::string::npos);
}

}  // namespace
}  // namespace vetan
