// Income-tax returns (issue 12 item 5, docs/returns.md): `vetan returns` and
// core/tax_returns. The invariant: every figure of Form 24Q, Form 24G and Form 16 Part B is
// a sum of the payslips' gross and income_tax, and Form 16's tax is rules §6 on the year's
// salary (the engine's own function, and hand-worked figures).
#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "api/commands.h"
#include "core/tax/income_tax.h"
#include "core/tax_returns/tax_returns.h"
#include "loaders/csv/csv_record.h"
#include "loaders/generate/master_generator.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::CsvFile;

int call(int (*command)(const Arguments&), std::vector<std::string> args) {
  return command(Arguments(args.begin(), args.end()));
}

int64_t number(const std::string& text) { return std::stoll(text); }

// Appends tax_regime and chapter_via_deductions to a master: every fifth record OLD with
// 1,50,000 of Chapter VI-A deductions, the others NEW (empty).
std::string with_tax_regimes(std::string_view csv) {
  CsvRecordReader reader;
  std::string out;
  size_t position = 0, record = 0;
  while (position < csv.size()) {
    const size_t start = position;
    reader.next(csv, &position);
    size_t end = position;
    while (end > start && (csv[end - 1] == '\n' || csv[end - 1] == '\r')) --end;
    out.append(csv.substr(start, end - start));
    out.append(record == 0 ? ",tax_regime,chapter_via_deductions"
                           : record % 5 == 0 ? ",OLD,150000" : ",,");
    out.append(csv.substr(end, position - end));
    ++record;
  }
  return out;
}

// A year of runs, April 2026 to March 2027, each month closed into the next master, on a
// generated master of the central profile: made once for the tests of this file.
class ReturnsYear : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::make_temp_dir("returns-year"));
    profile_path_ = new std::string(test::source_dir() + "/profiles/central-7cpc.json");
    const Profile profile = test::parse_valid_profile(test::read_text(*profile_path_));
    GeneratorOptions options;
    options.rows = 1500;
    options.seed = 5;
    options.month = test::month_of("2026-04");
    options.fault_rate = 0.03;
    std::string csv;
    ASSERT_TRUE(generate_master_csv(profile, options, &csv).ok());
    const Month april = test::month_of("2026-04");
    test::write_text(master_of(april), with_tax_regimes(csv));
    for (Month m = april; m < april + 12; ++m) {
      ASSERT_EQ(call(run_command, {"--profile", *profile_path_, "--employees", master_of(m),
                                   "--month", format_month(m), "--out", run_of(m), "--quiet"}),
                kExitOk);
      if (m == april + 11) break;
      ASSERT_EQ(call(close_command, {"--profile", *profile_path_, "--employees", master_of(m),
                                     "--month", format_month(m), "--run", run_of(m), "--out",
                                     master_of(m + 1), "--quiet"}),
                kExitOk);
    }
  }
  static void TearDownTestSuite() {
    test::remove_tree(*dir_);
    delete dir_;
    delete profile_path_;
  }

  static std::string master_of(Month m) { return *dir_ + "/master-" + format_month(m) + ".csv"; }
  static std::string run_of(Month m) { return *dir_ + "/runs/" + format_month(m); }
  static std::string last_master() { return master_of(test::month_of("2027-03")); }

  // `vetan returns` for a quarter over every run folder; the folder written.
  static std::string returns(const std::string& quarter, const std::string& label) {
    const std::string out = *dir_ + "/" + label;
    EXPECT_EQ(call(returns_command, {"--profile", *profile_path_, "--employees", last_master(),
                                     "--runs", *dir_ + "/runs", "--quarter", quarter, "--out", out,
                                     "--section", "92C", "--quiet"}),
              kExitOk);
    return out;
  }

  // The refusal's stderr line: exit 2, one line, nothing written to `out`.
  static std::string refused(std::vector<std::string> args, const std::string& out) {
    testing::internal::CaptureStderr();
    const int code = call(returns_command, args);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, kExitRefused) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_FALSE(std::filesystem::exists(out)) << "a refused returns wrote " << out;
    return err;
  }

  struct Slip {
    std::string ddo;  // treasury_code/ddo_code
    int64_t gross = 0, tax = 0;
  };
  // Every payslip of month m, by employee_id, read straight from payslips.csv.
  static std::map<std::string, Slip> payslips(Month m) {
    const CsvFile f = test::parse_csv_text(test::read_text(run_of(m) + "/payslips.csv"));
    std::map<std::string, Slip> out;
    for (const auto& row : f.rows) {
      Slip& s = out[row[f.column("employee_id")]];
      s.ddo = row[f.column("treasury_code")] + "/" + row[f.column("ddo_code")];
      s.gross = number(row[f.column("gross")]);
      s.tax = number(row[f.column("income_tax")]);
    }
    return out;
  }

  static std::string* dir_;
  static std::string* profile_path_;
};

std::string* ReturnsYear::dir_ = nullptr;
std::string* ReturnsYear::profile_path_ = nullptr;

// The invariant, quarter by quarter: Form 24Q's rows are the quarter's payslips one for one
// (amount paid = gross, TDS = income_tax), each DDO's totals their sums; Form 24G's lines
// are each month's payslips summed by DDO (and so the bills'); Form 16 Part B's gross and
// TDS are the year's payslips summed per employee.
TEST_F(ReturnsYear, EveryFigureIsASumOfThePayslips) {
  const Month april = test::month_of("2026-04");
  std::vector<std::map<std::string, Slip>> months;
  for (Month m = april; m < april + 12; ++m) months.push_back(payslips(m));
  for (int q = 1; q <= 4; ++q) {
    const std::string quarter = "2026-27Q" + std::to_string(q);
    const std::string out = returns(quarter, "q" + std::to_string(q));
    const Month first = april + 3 * (q - 1);

    // Form 24Q Annexure I.
    const CsvFile rows = test::parse_csv_text(test::read_text(out + "/form24q.csv"));
    std::map<std::tuple<std::string, std::string>, Slip> want;  // (employee, month)
    std::map<std::string, std::pair<int64_t, int64_t>> want_ddo;
    std::map<std::string, std::set<std::string>> deductees;
    for (Month m = first; m < first + 3; ++m) {
      for (const auto& [id, slip] : months[size_t(m - april)]) {
        want[{id, format_month(m)}] = slip;
        want_ddo[slip.ddo].first += slip.gross;
        want_ddo[slip.ddo].second += slip.tax;
        deductees[slip.ddo].insert(id);
      }
    }
    ASSERT_EQ(rows.rows.size(), want.size()) << quarter;
    size_t serial = 0;
    std::string previous_ddo;
    for (const auto& row : rows.rows) {
      const std::string ddo = row[rows.column("treasury_code")] + "/" + row[rows.column("ddo_code")];
      serial = ddo == previous_ddo ? serial + 1 : 1;
      previous_ddo = ddo;
      EXPECT_EQ(number(row[rows.column("serial")]), int64_t(serial));
      EXPECT_EQ(row[rows.column("quarter")], quarter);
      EXPECT_EQ(row[rows.column("section")], "92C");
      const auto it = want.find({row[rows.column("employee_id")], row[rows.column("month")]});
      ASSERT_NE(it, want.end()) << row[rows.column("employee_id")];
      EXPECT_EQ(it->second.ddo, ddo);
      EXPECT_EQ(number(row[rows.column("amount_paid")]), it->second.gross);
      EXPECT_EQ(number(row[rows.column("tax_deducted")]), it->second.tax);
      EXPECT_EQ(number(row[rows.column("tax_deposited")]), it->second.tax);
    }
    const CsvFile ddos = test::parse_csv_text(test::read_text(out + "/form24q_ddos.csv"));
    ASSERT_EQ(ddos.rows.size(), want_ddo.size());
    for (const auto& row : ddos.rows) {
      const std::string ddo = row[ddos.column("treasury_code")] + "/" + row[ddos.column("ddo_code")];
      EXPECT_EQ(number(row[ddos.column("amount_paid")]), want_ddo[ddo].first) << ddo;
      EXPECT_EQ(number(row[ddos.column("tax_deducted")]), want_ddo[ddo].second) << ddo;
      EXPECT_EQ(number(row[ddos.column("deductees")]), int64_t(deductees[ddo].size())) << ddo;
    }

    // Form 24G: each month's payslips by DDO, and each DDO's bills of the month.
    const CsvFile g = test::parse_csv_text(test::read_text(out + "/form24g.csv"));
    std::map<std::pair<std::string, std::string>, std::tuple<int64_t, int64_t, int64_t>> lines;
    for (Month m = first; m < first + 3; ++m) {
      for (const auto& [id, slip] : months[size_t(m - april)]) {
        auto& [employees, gross, tax] = lines[{format_month(m), slip.ddo}];
        ++employees;
        gross += slip.gross;
        tax += slip.tax;
      }
      const CsvFile bills = test::parse_csv_text(test::read_text(run_of(m) + "/bills.csv"));
      std::map<std::string, int64_t> bill_tax;
      for (const auto& b : bills.rows) {
        bill_tax[b[bills.column("treasury_code")] + "/" + b[bills.column("ddo_code")]] +=
            number(b[bills.column("income_tax")]);
      }
      for (const auto& [ddo, tax] : bill_tax) {
        EXPECT_EQ(std::get<2>(lines[{format_month(m), ddo}]), tax) << ddo;
      }
    }
    ASSERT_EQ(g.rows.size(), lines.size());
    for (const auto& row : g.rows) {
      const auto key = std::make_pair(row[g.column("month")],
                                      row[g.column("treasury_code")] + "/" + row[g.column("ddo_code")]);
      ASSERT_TRUE(lines.count(key)) << key.first << " " << key.second;
      EXPECT_EQ(number(row[g.column("employees")]), std::get<0>(lines[key]));
      EXPECT_EQ(number(row[g.column("amount_paid")]), std::get<1>(lines[key]));
      EXPECT_EQ(number(row[g.column("tax_deducted")]), std::get<2>(lines[key]));
    }

    // Form 16 Part B: the year to the quarter's end.
    const CsvFile b = test::parse_csv_text(test::read_text(out + "/form16_partb.csv"));
    std::map<std::string, std::pair<int64_t, int64_t>> year;
    for (Month m = april; m < first + 3; ++m) {
      for (const auto& [id, slip] : months[size_t(m - april)]) {
        year[id].first += slip.gross;
        year[id].second += slip.tax;
      }
    }
    ASSERT_EQ(b.rows.size(), year.size());
    for (const auto& row : b.rows) {
      const std::string id = row[b.column("employee_id")];
      EXPECT_EQ(number(row[b.column("gross_salary")]), year[id].first) << id;
      EXPECT_EQ(number(row[b.column("tds")]), year[id].second) << id;
    }
  }
}

// Form 16 Part B's tax is rules §6 on the year's salary: the engine's income_tax() for a
// month that is the year's last, with the year paid so far as fy_gross_to_date, gives the
// same annual tax; its parts add up; and the TDS of a year paid through March is the tax,
// or more when an earlier month deducted more (rules §6 step 8 catches up in March).
TEST_F(ReturnsYear, Form16TaxIsRulesSixOnTheYearsSalary) {
  const std::string out = returns("2026-27Q4", "form16");
  const Profile profile = test::parse_valid_profile(test::read_text(*profile_path_));
  const MonthRules march = test::rules_for(profile, "2027-03");
  const CsvFile b = test::parse_csv_text(test::read_text(out + "/form16_partb.csv"));
  const std::map<std::string, Slip> march_slips = payslips(test::month_of("2027-03"));
  size_t old_regime = 0, taxed = 0, caught_up = 0;
  for (const auto& row : b.rows) {
    auto field = [&](const char* name) { return number(row[b.column(name)]); };
    const std::string id = row[b.column("employee_id")];
    const bool old = row[b.column("regime")] == "OLD";
    old_regime += old;
    TaxInputs in{1, field("gross_salary"), 0, 0, old, old ? 150000 : 0};
    EXPECT_EQ(income_tax(march, 0, in), field("tax_payable")) << id;
    EXPECT_EQ(field("income_under_salaries"), field("gross_salary") - field("standard_deduction"));
    EXPECT_EQ(field("chapter_via_deductions"),
              old ? std::min<int64_t>(150000, field("income_under_salaries")) : 0)
        << id;
    const int64_t parts =
        field("tax_on_income") - field("rebate_87a") + field("surcharge") + field("cess");
    EXPECT_LE(std::abs(parts - field("tax_payable")), 5) << id;  // section 288B: to 10 rupees
    EXPECT_EQ(field("net_tax_payable"), field("tax_payable") - field("relief_89"));
    EXPECT_EQ(field("balance"), field("net_tax_payable") - field("tds"));
    if (field("tax_payable") > 0) ++taxed;
    if (march_slips.count(id) && field("months") == 12) {
      EXPECT_LE(field("balance"), 0) << id;
      caught_up += field("balance") == 0;
    }
  }
  EXPECT_GT(old_regime, 100u);
  EXPECT_GT(taxed, 100u);
  EXPECT_GT(caught_up, 100u);
}

// The CSV and the JSON of each form hold the same rows and fields.
TEST_F(ReturnsYear, JsonHoldsTheCsvsRows) {
  const std::string out = returns("2026-27Q2", "json");
  for (const char* form : {"form24q", "form24q_ddos", "form16_partb", "form24g"}) {
    const CsvFile csv = test::parse_csv_text(test::read_text(out + "/" + form + ".csv"));
    const std::string text = test::read_text(out + "/" + form + ".json");
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(text).get(root), simdjson::SUCCESS) << form;
    EXPECT_EQ(std::string(root["quarter"].get_string().value()), "2026-27Q2");
    simdjson::dom::array rows = root["rows"].get_array().value();
    ASSERT_EQ(rows.size(), csv.rows.size()) << form;
    size_t i = 0;
    for (simdjson::dom::element row : rows) {
      for (size_t c = 0; c < csv.header.size(); ++c) {
        simdjson::dom::element v = row[csv.header[c]].value();
        const std::string got =
            v.is_string() ? std::string(v.get_string().value()) : std::to_string(v.get_int64().value());
        EXPECT_EQ(got, csv.rows[i][c]) << form << " row " << i << " " << csv.header[c];
      }
      ++i;
    }
  }
  // Form 24G's totals per treasury and month are its lines summed.
  const std::string text = test::read_text(out + "/form24g.json");
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(text).value();
  std::map<std::string, int64_t> by_key;
  const simdjson::dom::array lines = root["rows"].get_array().value();
  for (simdjson::dom::element row : lines) {
    by_key[std::string(row["month"].get_string().value()) + "/" +
           std::string(row["treasury_code"].get_string().value())] +=
        row["tax_deducted"].get_int64().value();
  }
  size_t totals = 0;
  const simdjson::dom::array totals_array = root["totals"].get_array().value();
  for (simdjson::dom::element t : totals_array) {
    const std::string key = std::string(t["month"].get_string().value()) + "/" +
                            std::string(t["treasury_code"].get_string().value());
    EXPECT_EQ(t["tax_deducted"].get_int64().value(), by_key[key]) << key;
    ++totals;
  }
  EXPECT_EQ(totals, by_key.size());
}

// Names and PAN: from payslips.csv when it has them (the figures as paid), else from the
// master; a PAN that is missing or malformed is printed as the return file wants it.
TEST_F(ReturnsYear, NamesAndPanFromPayslipsWhenTheyHaveThem) {
  const std::string out = returns("2026-27Q1", "names");
  const CsvFile q = test::parse_csv_text(test::read_text(out + "/form24q.csv"));
  const CsvFile master = test::parse_csv_text(test::read_text(last_master()));
  std::map<std::string, std::pair<std::string, std::string>> by_id;
  for (const auto& row : master.rows) {
    std::string pan = row[master.column("pan")];  // the loader upper-cases PAN
    std::transform(pan.begin(), pan.end(), pan.begin(), [](char c) { return char(std::toupper(c)); });
    by_id[row[master.column("employee_id")]] = {row[master.column("name")], pan};
  }
  for (const auto& row : q.rows) {
    const auto& [name, pan] = by_id[row[q.column("employee_id")]];
    EXPECT_EQ(row[q.column("name")], name);
    EXPECT_EQ(row[q.column("pan")], deductee_pan(pan));
  }

  // A copy of the June run whose payslips.csv carries name and pan columns.
  const std::string runs = *dir_ + "/runs-named";
  std::filesystem::create_directories(runs);
  const Month april = test::month_of("2026-04");
  for (Month m = april; m < april + 3; ++m) {
    std::filesystem::copy(run_of(m), runs + "/" + format_month(m),
                          std::filesystem::copy_options::recursive);
  }
  const std::string june = runs + "/2026-06/payslips.csv";
  const CsvFile slips = test::parse_csv_text(test::read_text(june));
  // vetan run writes name and pan after the named columns (docs/outputs.md); a folder of older
  // runs may not have them: set them where they are, add them where they are not.
  const auto has = [&](const char* name) {
    return std::find(slips.header.begin(), slips.header.end(), name) != slips.header.end();
  };
  const bool given = has("name") && has("pan");
  std::string csv;
  for (size_t c = 0; c < slips.header.size(); ++c) {
    if (c > 0) csv += ',';
    csv += slips.header[c];
  }
  csv += given ? "\n" : ",name,pan\n";
  for (size_t r = 0; r < slips.rows.size(); ++r) {
    std::vector<std::string> row = slips.rows[r];
    const std::string name = "Renamed " + std::to_string(r);
    const std::string pan = r == 0 ? "" : r == 1 ? "abc" : "ABCDE1234F";
    if (given) {
      row[slips.column("name")] = name;
      row[slips.column("pan")] = pan;
    } else {
      row.push_back(name);
      row.push_back(pan);
    }
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) csv += ',';
      csv += test::csv_field(row[c]);
    }
    csv += "\n";
  }
  test::write_text(june, csv);
  const std::string named = *dir_ + "/names-2";
  ASSERT_EQ(call(returns_command, {"--profile", *profile_path_, "--employees", last_master(),
                                   "--runs", runs, "--quarter", "2026-27Q1", "--out", named,
                                   "--quiet"}),
            kExitOk);
  const CsvFile b = test::parse_csv_text(test::read_text(named + "/form16_partb.csv"));
  std::map<std::string, std::pair<std::string, std::string>> june_names;
  for (size_t r = 0; r < slips.rows.size(); ++r) {
    june_names[slips.rows[r][slips.column("employee_id")]] = {
        "Renamed " + std::to_string(r), r == 0 ? "PANNOTAVBL" : r == 1 ? "PANINVALID" : "ABCDE1234F"};
  }
  for (const auto& row : b.rows) {
    const auto it = june_names.find(row[b.column("employee_id")]);
    if (it == june_names.end()) continue;
    EXPECT_EQ(row[b.column("name")], it->second.first);
    EXPECT_EQ(row[b.column("pan")], it->second.second);
  }
}

// Every refusal: exit 2, one line naming the place and the problem, nothing written.
TEST_F(ReturnsYear, RefusesNamingTheProblem) {
  const std::string out = *dir_ + "/refused";
  auto args = [&](const std::string& quarter, const std::vector<std::string>& runs,
                  const std::string& master) {
    std::vector<std::string> a = {"--profile", *profile_path_, "--employees", master,
                                  "--quarter", quarter,        "--out",       out};
    for (const std::string& r : runs) {
      a.push_back("--runs");
      a.push_back(r);
    }
    return a;
  };
  const std::string runs = *dir_ + "/runs";
  const Month april = test::month_of("2026-04");
  EXPECT_NE(refused(args("2026-27Q5", {runs}, last_master()), out).find("'2026-27Q5' is not a quarter"),
            std::string::npos);
  EXPECT_NE(refused(args("2026-28Q1", {runs}, last_master()), out).find("is not a quarter"),
            std::string::npos);
  // A month of the year missing (Form 16 needs April on), a month given twice, a month
  // after the quarter.
  std::vector<std::string> q2 = {run_of(april + 1), run_of(april + 2), run_of(april + 3),
                                 run_of(april + 4), run_of(april + 5)};
  EXPECT_NE(refused(args("2026-27Q2", q2, last_master()), out).find("no run of 2026-04 is given"),
            std::string::npos);
  q2.push_back(run_of(april));
  q2.push_back(run_of(april + 4));
  EXPECT_NE(refused(args("2026-27Q2", q2, last_master()), out).find("two runs of 2026-08"),
            std::string::npos);
  q2.pop_back();
  q2.push_back(run_of(april + 6));  // named itself: read, and refused
  EXPECT_NE(refused(args("2026-27Q2", q2, last_master()), out).find("a run of 2026-10 is not of"),
            std::string::npos);
  EXPECT_NE(refused(args("2026-27Q1", {*dir_ + "/nowhere"}, last_master()), out).find("not a folder"),
            std::string::npos);

  // A tampered run: a payslip's income_tax changed, so the bill no longer adds up.
  const std::string tampered = *dir_ + "/runs-tampered";
  std::filesystem::create_directories(tampered);
  for (Month m = april; m < april + 3; ++m) {
    std::filesystem::copy(run_of(m), tampered + "/" + format_month(m),
                          std::filesystem::copy_options::recursive);
  }
  const std::string may = tampered + "/2026-05/payslips.csv";
  CsvFile slips = test::parse_csv_text(test::read_text(may));
  auto write_slips = [&](const CsvFile& f) {
    std::string csv;
    for (size_t c = 0; c < f.header.size(); ++c) {
      if (c > 0) csv += ',';
      csv += f.header[c];
    }
    csv += '\n';
    for (const auto& row : f.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) csv += ',';
        csv += test::csv_field(row[c]);
      }
      csv += '\n';
    }
    test::write_text(may, csv);
  };
  const std::string original = test::read_text(may);
  slips.rows[0][slips.column("income_tax")] =
      std::to_string(number(slips.rows[0][slips.column("income_tax")]) + 100);
  write_slips(slips);
  std::string err = refused(args("2026-27Q1", {tampered}, last_master()), out);
  EXPECT_NE(err.find("2026-05/bills.csv line"), std::string::npos) << err;
  EXPECT_NE(err.find("but its payslips add up to"), std::string::npos) << err;
  // Not a number.
  slips.rows[0][slips.column("income_tax")] = "12.5";
  write_slips(slips);
  err = refused(args("2026-27Q1", {tampered}, last_master()), out);
  EXPECT_NE(err.find("2026-05/payslips.csv line 2: income_tax '12.5' is not a whole number"),
            std::string::npos)
      << err;
  // An employee the master does not have.
  test::write_text(may, original);
  slips = test::parse_csv_text(original);
  const std::string stranger = "E99999999999";
  slips.rows[0][slips.column("employee_id")] = stranger;
  write_slips(slips);
  err = refused(args("2026-27Q1", {tampered}, last_master()), out);
  EXPECT_NE(err.find("employee " + stranger + " is not in"), std::string::npos) << err;
  // A payslips.csv without income_tax.
  test::write_text(may, "employee_id,line\nE1,1\n");
  err = refused(args("2026-27Q1", {tampered}, last_master()), out);
  EXPECT_NE(err.find("payslips.csv: the header has no column 'bill_id'"), std::string::npos) << err;
}

// Hand-worked Part B figures (rules §6 on the new regime of 2026-27 and the old regime),
// straight through core.
TEST(TaxReturns, PartBHandWorked) {
  IncomeTaxYear year;
  year.from = test::month_of("2026-04");
  year.standard_deduction = 75000;
  year.slabs = {{400000, 0}, {800000, 500}, {1200000, 1000}, {1600000, 1500},
                {2000000, 2000}, {2400000, 2500}, {kNoLimit, 3000}};
  year.rebate_limit = 1200000;
  year.surcharge = {{5000000, 1000}};
  year.cess_percent = 400;
  year.has_old_regime = true;
  year.old_regime.standard_deduction = 50000;
  year.old_regime.slabs = {{250000, 0}, {500000, 500}, {1000000, 2000}, {kNoLimit, 3000}};
  year.old_regime.rebate_limit = 500000;
  year.old_regime.rebate_max = 12500;
  year.old_regime.cess_percent = 400;

  ReturnsInput in;
  in.quarter = {2026, 1};
  in.section = "92A";
  in.tax = &year;
  in.ddos = {{"TR1", "D2"}, {"TR1", "D1"}};
  // A: 15,00,000 new regime. B: 12,85,000 (taxable 12,10,000: marginal relief of 87A).
  // C: old regime, 9,00,000 less 1,50,000 of Chapter VI-A. D: 5,00,000 (rebate in full).
  in.persons = {{"A", "Asha", "ABCDE1234F", false, 0},
                {"B", "Bala", "", false, 0},
                {"C", "Chandra", "abc", true, 150000},
                {"D", "Dev", "ZZZZZ9999Z", false, 0}};
  const Month april = in.quarter.first_month();
  for (Month m = april; m < april + 3; ++m) {
    MonthPayslips p;
    p.month = m;
    p.person = {0, 1, 2, 3};
    p.ddo = {0, 0, m == april ? 0u : 1u, 1};
    p.gross = {500000, 428333 + (m == april ? 1 : 0), 300000, m == april ? 500000 : 0};
    p.tds = {30000, 3000, 1000, 0};
    in.months.push_back(p);
  }
  TaxReturns r;
  ASSERT_TRUE(compute_tax_returns(in, &r).ok());
  ASSERT_EQ(r.form16.size(), 4u);
  const Form16PartB& a = r.form16[0];
  EXPECT_EQ(a.gross_salary, 1500000);
  EXPECT_EQ(a.taxable_income, 1425000);
  EXPECT_EQ(a.tax_on_income, 20000 + 40000 + 33750);  // 5% of 4L, 10% of 4L, 15% of 2.25L
  EXPECT_EQ(a.rebate_87a, 0);
  EXPECT_EQ(a.cess, 3750);
  EXPECT_EQ(a.tax_payable, 97500);
  EXPECT_EQ(a.tds, 90000);
  EXPECT_EQ(a.balance, 7500);
  const Form16PartB& b = r.form16[1];
  EXPECT_EQ(b.gross_salary, 1285000);
  EXPECT_EQ(b.taxable_income, 1210000);
  EXPECT_EQ(b.tax_on_income, 61500);
  EXPECT_EQ(b.rebate_87a, 51500);  // the tax is at most the 10,000 above 12,00,000
  EXPECT_EQ(b.cess, 400);
  EXPECT_EQ(b.tax_payable, 10400);
  const Form16PartB& c = r.form16[2];
  EXPECT_EQ(c.standard_deduction, 50000);
  EXPECT_EQ(c.chapter_via_deductions, 150000);
  EXPECT_EQ(c.taxable_income, 700000);
  EXPECT_EQ(c.tax_on_income, 12500 + 40000);
  EXPECT_EQ(c.rebate_87a, 0);  // above 5,00,000: no rebate in the old regime
  EXPECT_EQ(c.tax_payable, 54600);  // 52,500 + 4% = 54,600
  EXPECT_EQ(c.ddo, 1u);             // the DDO of the last month
  EXPECT_EQ(c.gross_from_other_ddos, 300000);
  const Form16PartB& d = r.form16[3];
  EXPECT_EQ(d.months, 3);
  EXPECT_EQ(d.taxable_income, 425000);
  EXPECT_EQ(d.tax_on_income, 1250);
  EXPECT_EQ(d.rebate_87a, 1250);
  EXPECT_EQ(d.tax_payable, 0);

  // Form 24Q: D1's rows first (treasury, DDO order), serials per DDO, by employee then month.
  ASSERT_EQ(r.form24q_totals.size(), 2u);
  EXPECT_EQ(in.ddos[r.form24q_totals[0].ddo].ddo_code, "D1");
  EXPECT_EQ(r.form24q_totals[0].rows, 2 + 3);
  EXPECT_EQ(r.form24q_totals[0].deductees, 2);
  EXPECT_EQ(r.form24q_totals[1].rows, 3 + 3 + 1);
  EXPECT_EQ(r.form24q[0].person, 2u);
  EXPECT_EQ(r.form24q[0].serial, 1u);
  EXPECT_EQ(r.form24q[4].serial, 5u);
  EXPECT_EQ(r.form24q[5].serial, 1u);
  // Form 24G: three months, both DDOs each month but April's D1 (only D's payslip).
  ASSERT_EQ(r.form24g.size(), 6u);
  EXPECT_EQ(r.form24g[0].tds, 0);  // April, D1: D paid, no TDS
  EXPECT_EQ(r.form24g[1].tds, 34000);  // April, D2: A, B, C
  Money tds = 0;
  for (const Form24GLine& g : r.form24g) tds += g.tds;
  Money tds_24q = 0;
  for (const Form24QTotal& t : r.form24q_totals) tds_24q += t.tds;
  EXPECT_EQ(tds, 3 * 34000);
  EXPECT_EQ(tds_24q, tds);

  EXPECT_EQ(deductee_pan("ABCDE1234F"), "ABCDE1234F");
  EXPECT_EQ(deductee_pan(""), "PANNOTAVBL");
  EXPECT_EQ(deductee_pan("abcde1234f"), "PANINVALID");
  EXPECT_EQ(deductee_pan("ABCDE12345"), "PANINVALID");
}

TEST(TaxReturns, RefusesAnIncompleteYearOrAnOldRegimeWithoutOne) {
  IncomeTaxYear year;
  year.from = test::month_of("2026-04");
  ReturnsInput in;
  in.quarter = {2026, 2};
  in.tax = &year;
  in.persons = {{"A", "", "", true, 0}};
  TaxReturns r;
  Status s = compute_tax_returns(in, &r);
  EXPECT_NE(s.message().find("no run of 2026-04 is given"), std::string::npos) << s.message();
  for (Month m = in.quarter.fy_first_month(); m <= in.quarter.last_month(); ++m) {
    in.months.push_back(MonthPayslips{m, {}, {}, {}, {}});
  }
  s = compute_tax_returns(in, &r);
  EXPECT_NE(s.message().find("employee A chooses tax_regime OLD"), std::string::npos) << s.message();
  in.persons[0].old_regime = false;
  in.months[0].person = {1};
  in.months[0].ddo = {0};
  in.months[0].gross = {1};
  in.months[0].tds = {0};
  s = compute_tax_returns(in, &r);
  EXPECT_NE(s.message().find("names no person or DDO"), std::string::npos) << s.message();
  IncomeTaxYear other = year;
  other.from = test::month_of("2025-04");
  in.tax = &other;
  s = compute_tax_returns(in, &r);
  EXPECT_NE(s.message().find("no income_tax entry for the financial year 2026-27"),
            std::string::npos)
      << s.message();

  TaxQuarter q;
  EXPECT_TRUE(parse_tax_quarter("2026-27Q4", &q));
  EXPECT_EQ(format_month(q.first_month()), "2027-01");
  EXPECT_EQ(format_tax_quarter(q), "2026-27Q4");
  EXPECT_TRUE(parse_tax_quarter("2099-00Q1", &q));
  EXPECT_FALSE(parse_tax_quarter("2026-27", &q));
  EXPECT_FALSE(parse_tax_quarter("2026-27Q0", &q));
  EXPECT_FALSE(parse_tax_quarter("2026-2xQ1", &q));
}

}  // namespace
}  // namespace vetan
