#include "tests/test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "api/output_writer.h"
#include "core/run/month_run.h"
#include "loaders/csv/csv_record.h"

namespace vetan::test {

std::string test_data_dir() { return VETAN_TEST_DATA_DIR; }
std::string source_dir() { return VETAN_SOURCE_DIR; }
std::string conformance_dir() { return VETAN_CONFORMANCE_DIR; }
bool have_conformance_kit() { return std::filesystem::is_directory(conformance_dir() + "/cases"); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), std::streamsize(text.size()));
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

const std::string& mini_profile_json() {
  static const std::string json = read_text(test_data_dir() + "/mini-profile.json");
  return json;
}

std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "replace_once: '" << from << "' not found";
    return text;
  }
  if (text.find(from, at + 1) != std::string::npos) {
    ADD_FAILURE() << "replace_once: '" << from << "' occurs more than once";
    return text;
  }
  text.replace(at, from.size(), to);
  return text;
}

Profile parse_valid_profile(std::string_view json) {
  Profile profile;
  const Status s = parse_profile(json, &profile);
  EXPECT_TRUE(s.ok()) << s.message();
  return profile;
}

Status profile_status(std::string_view json) {
  Profile profile;
  return parse_profile(json, &profile);
}

Month month_of(std::string_view yyyy_mm) {
  Month m = 0;
  EXPECT_TRUE(parse_month(yyyy_mm, &m)) << yyyy_mm;
  return m;
}

MonthRules rules_for(const Profile& profile, std::string_view month) {
  MonthRules rules;
  const Status s = resolve_month_rules(profile, month_of(month), Dictionary(), Dictionary(), &rules);
  EXPECT_TRUE(s.ok()) << s.message();
  return rules;
}

const std::vector<std::string>& all_columns() {
  static const std::vector<std::string> columns = {"employee_id",
                                                   "name",
                                                   "date_of_birth",
                                                   "date_of_joining",
                                                   "date_of_retirement",
                                                   "status",
                                                   "treasury_code",
                                                   "ddo_code",
                                                   "bill_group",
                                                   "department",
                                                   "budget_head",
                                                   "fund_type",
                                                   "pay_level",
                                                   "pay_cell",
                                                   "basic_pay",
                                                   "pension_scheme",
                                                   "gpf_account",
                                                   "gpf_subscription",
                                                   "pran",
                                                   "hra_class",
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
                                                   "allowance_class",
                                                   "gpf_basis_pay",
                                                   "exempt_deductions",
                                                   "bank_account",
                                                   "ifsc",
                                                   "pan"};
  return columns;
}

Employee::Employee(int n) {
  char id[32], account[32], pran[32];
  std::snprintf(id, sizeof id, "E%04d", n);
  std::snprintf(account, sizeof account, "%010d", 1000000000 + n);
  std::snprintf(pran, sizeof pran, "%012lld", 110000000000LL + n);
  fields_ = {{"employee_id", id},
             {"name", "Employee " + std::to_string(n)},
             {"date_of_birth", "1980-06-15"},
             {"date_of_joining", "2010-04-01"},
             {"date_of_retirement", ""},
             {"status", "ACTIVE"},
             {"treasury_code", "TR01"},
             {"ddo_code", "DDO001"},
             {"bill_group", "1"},
             {"department", "Education"},
             {"budget_head", "2202-01-101"},
             {"fund_type", "SF"},
             {"pay_level", "L-7"},
             {"pay_cell", "7"},
             {"basic_pay", "53600"},
             {"pension_scheme", "NPS"},
             {"gpf_account", ""},
             {"gpf_subscription", "0"},
             {"pran", pran},
             {"hra_class", "Z"},
             {"govt_quarters", "0"},
             {"npa_eligible", "0"},
             {"special_pay", "0"},
             {"lwp_days", "0"},
             {"loan_installment", "0"},
             {"loan_balance", "0"},
             {"income_tax_declared", "0"},
             {"fy_gross_to_date", "0"},
             {"fy_tds_to_date", "0"},
             {"stop_payment", "0"},
             {"stop_reason", ""},
             {"allowance_class", ""},
             {"gpf_basis_pay", ""},
             {"exempt_deductions", ""},
             {"tax_regime", ""},  // not in all_columns(): name them to write them
             {"chapter_via_deductions", ""},
             {"increment_month", ""},
             {"bank_account", account},
             {"ifsc", "SBIN0001234"},
             {"pan", "ABCDE1234F"}};
}

Employee& Employee::set(const std::string& column, std::string value) {
  EXPECT_TRUE(fields_.count(column)) << "unknown column " << column;
  fields_[column] = std::move(value);
  return *this;
}

Employee& Employee::gpf(Money subscription) {
  set("pension_scheme", "GPF");
  set("pran", "");
  set("gpf_account", "GPF/" + get("employee_id"));
  return set("gpf_subscription", std::to_string(subscription));
}

const std::string& Employee::get(const std::string& column) const {
  static const std::string empty;
  auto it = fields_.find(column);
  return it == fields_.end() ? empty : it->second;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string master_record(const Employee& row, const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += csv_field(row.get(columns[i]));
  }
  return out;
}

std::string master_csv(const std::vector<Employee>& rows, const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += columns[i];
  }
  out.push_back('\n');
  for (const Employee& row : rows) out += master_record(row, columns) + "\n";
  return out;
}

Money RunOutcome::amount(size_t row, std::string_view column) const {
  const auto& names = result.layout.names;
  for (size_t c = 0; c < names.size(); ++c) {
    if (names[c] == column) return result.amount(c, row);
  }
  ADD_FAILURE() << "no payslip column " << column;
  return -1;
}

std::string reasons_text(uint32_t bits) {
  std::string out;
  for (int i = 0; i < kReasonCount; ++i) {
    if (bits & (1u << i)) {
      if (!out.empty()) out.push_back(';');
      out += kReasonCodes[i];
    }
  }
  return out;
}

std::string RunOutcome::reasons(size_t row) const { return reasons_text(result.reasons[row]); }

std::unique_ptr<RunOutcome> run_csv(std::string_view profile_json, std::string_view month,
                                    std::string_view csv, const CsvLoadOptions& options) {
  auto run = std::make_unique<RunOutcome>();
  run->profile = parse_valid_profile(profile_json);
  CsvLoadOptions load = options;
  if (load.deduction_codes.empty()) load.deduction_codes = deduction_codes(run->profile);
  run->load_status = parse_employees_csv(csv, "employees.csv", &run->table, load);
  EXPECT_TRUE(run->load_status.ok()) << run->load_status.message();
  if (!run->load_status.ok()) return run;
  run->index = build_table_index(run->table);
  run->run_status = run_month(run->table, run->index, run->profile, month_of(month), &run->result);
  EXPECT_TRUE(run->run_status.ok()) << run->run_status.message();
  return run;
}

std::unique_ptr<RunOutcome> run_rows(std::string_view profile_json, std::string_view month,
                                     const std::vector<Employee>& rows) {
  return run_csv(profile_json, month, master_csv(rows));
}

std::string make_temp_dir(const std::string& label) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("vetan-test-" + label + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  return pattern;
}

void remove_tree(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

std::map<std::string, std::string> run_output_files(const RunOutcome& run) {
  const std::string dir = make_temp_dir("out");
  const std::string out = dir + "/out";
  const Status s = write_run_outputs(out, run.table, run.index, run.result);
  EXPECT_TRUE(s.ok()) << s.message();
  std::map<std::string, std::string> files;
  for (const char* name : {"payslips.csv", "bills.csv", "bill_heads.csv", "mismatches.csv",
                           "stopped.csv", "summary.json", "gpf_schedule.csv",
                           "nps_contributions.csv", "tds_schedule.csv", "department_totals.csv"}) {
    files[name] = read_text(out + "/" + name);
  }
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(out)) ++entries;
  EXPECT_EQ(entries, 10u) << "the output folder holds files other than the ten";
  remove_tree(dir);
  return files;
}

size_t CsvFile::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

CsvFile parse_csv_text(std::string_view text) {
  CsvFile file;
  CsvRecordReader reader;
  size_t position = 0;
  bool first = true;
  while (reader.next(text, &position)) {
    std::vector<std::string> fields(reader.fields().begin(), reader.fields().end());
    if (first) {
      file.header = std::move(fields);
      first = false;
    } else {
      file.rows.push_back(std::move(fields));
    }
  }
  return file;
}

std::string SyntheticMaster::csv() const {
  std::string out = header + "\n";
  for (const std::string& r : records) out += r + "\n";
  return out;
}

namespace {

// A small deterministic random stream (splitmix64): the same numbers on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int between(int lo, int hi) { return lo + int(next() % uint64_t(hi - lo + 1)); }
  bool chance(double p) { return double(next() % 1000000) < p * 1000000.0; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[next() % v.size()];
  }

 private:
  uint64_t state_;
};

std::string two(int v) {
  std::string out(1, char('0' + v / 10 % 10));
  out.push_back(char('0' + v % 10));
  return out;
}

}  // namespace

SyntheticMaster synthetic_master(size_t rows, uint32_t seed, std::string_view month,
                                 double fault_rate) {
  const Profile profile = parse_valid_profile(mini_profile_json());
  const Month m = month_of(month);
  const PayMatrix* matrix = nullptr;
  for (const PayMatrix& pm : profile.pay_matrix) {
    if (pm.from <= m) matrix = &pm;
  }
  const int y = month_year(m), mo = month_number(m), dim = days_in(m);
  const std::vector<std::string> levels = {"L-1", "L-1", "L-1", "L-7", "L-7", "L-15"};
  const std::vector<std::string> names = {"Ramesh Sharma", "Sunita Meena",    "राजेश शर्मा",
                                          "सीमा सिंह",      "O'Brien, \"Jr\"", "Line\nBreak",
                                          "Abdul  Khan",   "Kavita\r\nVerma"};
  const std::vector<std::string> heads = {"2202-01-101", "2210-01-110", "2055,00,109", ""};
  const std::vector<std::string> stop_reasons = {"Deceased", "Under inquiry, \"held\"",
                                                 "Absent\nwithout leave"};
  const std::vector<std::string> faults = {
      "cell",      "basic",           "pan",      "ifsc",        "account",      "dup_account",
      "dup_id",    "past_retirement", "status",   "not_joined",  "no_pran",      "no_gpf_account",
      "gpf_low",   "gpf_high",        "bad_date", "field_count", "negative_net", "unknown_level",
      "zero_days", "bad_integer",     "stop_dup", "lower_case"};
  Random rng(seed);
  SyntheticMaster master;
  for (size_t i = 0; i < all_columns().size(); ++i) {
    master.header += (i ? "," : "") + all_columns()[i];
  }
  const int ddos = int(rows / 40) + 1;
  std::string last_id, last_ifsc, last_account;
  for (size_t i = 0; i < rows; ++i) {
    Employee e{int(i)};
    char id[48];
    std::snprintf(id, sizeof id, "S%u-%07zu", seed, i);
    e.set("employee_id", id);
    e.set("name", rng.pick(names));
    const int age = rng.between(21, 59);
    e.set("date_of_birth", std::to_string(y - age) + "-" + two(rng.between(1, 12)) + "-" +
                               two(rng.chance(0.1) ? 1 : rng.between(1, 28)));
    if (rng.chance(0.05)) {
      e.set("date_of_joining", std::to_string(y) + "-" + two(mo) + "-" + two(rng.between(1, dim)));
    } else {
      e.set("date_of_joining", std::to_string(y - rng.between(1, std::max(1, age - 20))) + "-" +
                                   two(rng.between(1, 12)) + "-" + two(rng.between(1, 28)));
    }
    if (rng.chance(0.01)) {
      e.set("date_of_retirement",
            std::to_string(y) + "-" + two(mo) + "-" + two(rng.between(1, dim)));
    }
    if (rng.chance(0.01)) e.set("status", "SUSPENDED");
    const int ddo = rng.between(0, ddos - 1);
    e.set("treasury_code", "TR" + two(ddo / 30));
    e.set("ddo_code", "DDO" + std::to_string(1000 + ddo));
    e.set("bill_group", rng.pick(std::vector<std::string>{"1", "2", "10"}));
    e.set("budget_head", rng.pick(heads));
    e.set("fund_type", rng.chance(0.15) ? "CA" : "SF");
    const std::string& level = rng.pick(levels);
    size_t l = 0;
    while (matrix->levels[l] != level) ++l;
    const auto& cells = matrix->cells[l];
    const int cell = rng.between(1, int(cells.size()));
    const Money basic = cells[size_t(cell - 1)];
    e.set("pay_level", level).set("pay_cell", std::to_string(cell));
    e.set("basic_pay", std::to_string(basic));
    if (rng.chance(0.7)) e.gpf(std::max<Money>(4000, basic * rng.between(6, 15) / 100 / 100 * 100));
    e.set("hra_class", rng.pick(std::vector<std::string>{"X", "Y", "Y", "Z", "Z", "Z"}));
    if (rng.chance(0.05))
      e.set("govt_quarters", rng.pick(std::vector<std::string>{"1", "Y", "true"}));
    if (rng.chance(0.05)) e.set("npa_eligible", "1");
    e.set("special_pay", rng.pick(std::vector<std::string>{"0", "0", "0", "0", "500", "2000"}));
    if (rng.chance(0.03)) e.set("lwp_days", std::to_string(rng.between(1, 6)));
    if (rng.chance(0.05)) {
      e.set("loan_installment", rng.pick(std::vector<std::string>{"1000", "2500", "5000"}));
      e.set("loan_balance", std::to_string(rng.between(0, 60000)));
    }
    const int paid_months = (mo - 4 + 12) % 12;
    if (paid_months > 0) {
      const Money gross = basic * 19 / 10;
      e.set("fy_gross_to_date", std::to_string(gross * paid_months));
      e.set("fy_tds_to_date",
            std::to_string(std::max<Money>(0, (gross * 12 - 1275000) / 12) * paid_months / 10));
    }
    if (rng.chance(0.02)) e.set("income_tax_declared", std::to_string(rng.between(0, 20000)));
    if (rng.chance(0.01)) e.set("stop_payment", "1").set("stop_reason", rng.pick(stop_reasons));
    e.set("ifsc", rng.pick(std::vector<std::string>{"SBIN", "PUNB", "HDFC"}) + "0" +
                      std::to_string(100000 + rng.between(0, 899999)));
    std::string pan;
    for (int k = 0; k < 5; ++k) pan.push_back(char('A' + rng.between(0, 25)));
    pan += std::to_string(rng.between(1000, 9999));
    pan.push_back(char('A' + rng.between(0, 25)));
    e.set("pan", pan);
    bool short_row = false;
    if (rng.chance(fault_rate)) {
      const std::string& f = rng.pick(faults);
      if (f == "cell") e.set("pay_cell", std::to_string(cells.size() + 1));
      if (f == "basic") e.set("basic_pay", std::to_string(basic + 100));
      if (f == "pan")
        e.set("pan", rng.pick(std::vector<std::string>{"", "ABCD1234E", "abcde1234f1"}));
      if (f == "ifsc")
        e.set("ifsc", rng.pick(std::vector<std::string>{"", "SBIN1234567", "SBI00012345"}));
      if (f == "account")
        e.set("bank_account", rng.pick(std::vector<std::string>{"", "12345", "12AB5678901"}));
      if (f == "dup_account" && !last_ifsc.empty())
        e.set("ifsc", last_ifsc).set("bank_account", last_account);
      if (f == "dup_id" && !last_id.empty()) e.set("employee_id", last_id);
      if (f == "stop_dup" && !last_id.empty()) {
        e.set("employee_id", " " + last_id + " ").set("stop_payment", "1").set("stop_reason", "x");
      }
      if (f == "past_retirement")
        e.set("date_of_retirement", std::to_string(y - 1) + "-" + two(mo) + "-15");
      if (f == "status")
        e.set("status",
              rng.pick(std::vector<std::string>{"RETIRED", "DECEASED", "VRS", "TERMINATED"}));
      if (f == "not_joined") e.set("date_of_joining", std::to_string(y + 1) + "-01-01");
      if (f == "no_pran") e.set("pension_scheme", "NPS").set("pran", "").set("gpf_account", "");
      if (f == "no_gpf_account") e.gpf(5000).set("gpf_account", "");
      if (f == "gpf_low") e.gpf(1);
      if (f == "gpf_high") e.gpf(basic + 1);
      if (f == "bad_date")
        e.set("date_of_birth",
              rng.pick(std::vector<std::string>{"1980-02-30", "31/12/1980", "1980-1-1"}));
      if (f == "field_count") short_row = true;
      if (f == "negative_net") e.set("loan_installment", "900000").set("loan_balance", "900000");
      if (f == "unknown_level") e.set("pay_level", "L-99");
      if (f == "zero_days") e.set("lwp_days", "31");
      if (f == "bad_integer")
        e.set("special_pay", rng.pick(std::vector<std::string>{"-5", "1,000", "12.5", "abc"}));
      if (f == "lower_case")
        e.set("status", "active").set("pan", "abcde1234f").set("hra_class", "y");
    }
    std::string record = master_record(e);
    if (short_row) {
      record = master_record(
          e, std::vector<std::string>(all_columns().begin(), all_columns().end() - 2));
    }
    master.records.push_back(std::move(record));
    last_id = e.get("employee_id");
    last_ifsc = e.get("ifsc");
    last_account = e.get("bank_account");
  }
  return master;
}

void expect_tables_equal(const EmployeeTable& a, const EmployeeTable& b) {
  ASSERT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.readable, b.readable);
  ASSERT_EQ(a.problems.size(), b.problems.size());
  for (size_t i = 0; i < a.problems.size(); ++i) {
    EXPECT_EQ(a.problems[i].row, b.problems[i].row);
    EXPECT_EQ(a.problems[i].text, b.problems[i].text);
  }
  auto strings = [&](const auto& x, const auto& y, const char* name) {
    ASSERT_EQ(x.size(), a.rows) << name;
    ASSERT_EQ(y.size(), b.rows) << name;
    for (size_t r = 0; r < a.rows; ++r) {
      EXPECT_EQ(std::string(x[r]), std::string(y[r])) << name << " row " << r;
    }
  };
  auto dict = [&](const DictColumn& x, const DictColumn& y, const char* name) {
    ASSERT_EQ(x.codes.size(), a.rows) << name;
    ASSERT_EQ(y.codes.size(), b.rows) << name;
    for (size_t r = 0; r < a.rows; ++r) EXPECT_EQ(x[r], y[r]) << name << " row " << r;
  };
  strings(a.employee_id, b.employee_id, "employee_id");
  strings(a.name, b.name, "name");
  strings(a.gpf_account, b.gpf_account, "gpf_account");
  strings(a.pran, b.pran, "pran");
  strings(a.bank_account, b.bank_account, "bank_account");
  strings(a.ifsc, b.ifsc, "ifsc");
  strings(a.pan, b.pan, "pan");
  EXPECT_EQ(a.date_of_birth, b.date_of_birth);
  EXPECT_EQ(a.date_of_joining, b.date_of_joining);
  EXPECT_EQ(a.date_of_retirement, b.date_of_retirement);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.fund_type, b.fund_type);
  EXPECT_EQ(a.pension_scheme, b.pension_scheme);
  EXPECT_EQ(a.hra_class, b.hra_class);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.lwp_days, b.lwp_days);
  dict(a.treasury_code, b.treasury_code, "treasury_code");
  dict(a.ddo_code, b.ddo_code, "ddo_code");
  dict(a.bill_group, b.bill_group, "bill_group");
  dict(a.department, b.department, "department");
  dict(a.budget_head, b.budget_head, "budget_head");
  dict(a.pay_level, b.pay_level, "pay_level");
  dict(a.stop_reason, b.stop_reason, "stop_reason");
  dict(a.exempt_deductions, b.exempt_deductions, "exempt_deductions");
  auto numbers = [&](const auto& x, const auto& y, const char* name) {
    ASSERT_EQ(x.size(), a.rows) << name;
    ASSERT_EQ(y.size(), b.rows) << name;
    for (size_t r = 0; r < a.rows; ++r)
      EXPECT_EQ(int64_t(x[r]), int64_t(y[r])) << name << " row " << r;
  };
  numbers(a.pay_cell, b.pay_cell, "pay_cell");
  numbers(a.basic_pay, b.basic_pay, "basic_pay");
  numbers(a.gpf_subscription, b.gpf_subscription, "gpf_subscription");
  numbers(a.special_pay, b.special_pay, "special_pay");
  numbers(a.loan_installment, b.loan_installment, "loan_installment");
  numbers(a.loan_balance, b.loan_balance, "loan_balance");
  numbers(a.income_tax_declared, b.income_tax_declared, "income_tax_declared");
  numbers(a.fy_gross_to_date, b.fy_gross_to_date, "fy_gross_to_date");
  numbers(a.fy_tds_to_date, b.fy_tds_to_date, "fy_tds_to_date");
  numbers(a.gpf_basis_pay, b.gpf_basis_pay, "gpf_basis_pay");
  numbers(a.chapter_via_deductions, b.chapter_via_deductions, "chapter_via_deductions");
}

}  // namespace vetan::test
