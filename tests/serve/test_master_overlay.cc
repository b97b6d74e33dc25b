// Issue 9 §1 / issue 13: a run's table is the parsed master with the accepted changes' typed
// rows put in place (MasterRecords::table_of, EmployeeTable::with_rows), never the master
// rewritten as CSV and parsed again. The guard: on random masters with random edits of every
// column (valid values, odd ones the packed columns keep aside, wide numbers, new and
// vanishing dictionary values, rows made unreadable and readable again), the overlay table
// must equal, column by column and row by row, parse_employees_csv of the rewritten master.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "api/serve/master_records.h"
#include "core/table/employee_table.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/master_schema.h"

namespace vetan::serve {
namespace {

namespace ms = master_schema;

const std::vector<std::string> kDeductionCodes = {"GIS", "PT", "HBA"};

// Values a column may hold, valid and not: the pools random masters and edits draw from.
std::vector<std::string> pool_of(int column, std::mt19937_64* rng) {
  auto n = [&](uint64_t below) { return std::to_string((*rng)() % below); };
  switch (column) {
    case ms::kEmployeeId: return {"E" + n(100000), "E" + n(100000), " E" + n(1000) + " ", ""};
    case ms::kName: return {"Name " + n(1000), "राजेश शर्मा", "Doe, \"J\"", "", "  padded  "};
    case ms::kGpfAccount: return {"", "GPF/" + n(100000), "GPF/" + n(100), "x"};
    case ms::kPran: return {"", "11" + n(10000000000), "pran"};
    case ms::kBankAccount:
      return {"1000" + n(100000000), "", "12345", "0000000000000000000123", "12a45", "00" + n(1000000000)};
    case ms::kIfsc: return {"SBIN0001234", "sbin0001234", "HDFC0ABC12" + n(10), "SBIN1001234", "", "IFSC?"};
    case ms::kPan: return {"ABCDE1234F", "abcde1234f", "AB12", "", "पैन", "ZZZZZ" + n(10) + "999Z"};
    case ms::kDateOfBirth:
    case ms::kDateOfJoining:
      return {"1980-06-15", "19" + std::to_string(60 + (*rng)() % 40) + "-01-0" + std::to_string(1 + (*rng)() % 9),
              "2001-02-30", "15/06/1980", ""};
    case ms::kDateOfRetirement: return {"", "2040-06-30", "2031-12-31", "never"};
    case ms::kStatus: return {"ACTIVE", "active", "SUSPENDED", "RETIRED", "DECEASED", "VRS", "TERMINATED", "GONE", ""};
    case ms::kFundType: return {"SF", "CA", "ca", "", "XX"};
    case ms::kPensionScheme: return {"GPF", "NPS", "nps", "OPS", ""};
    case ms::kHraClass: return {"X", "Y", "Z", "z", "W", ""};
    case ms::kAllowanceClass: return {"", "X", "y", "Z", "Q"};
    case ms::kTreasuryCode: return {"TR01", "TR02", "TR" + n(50), ""};
    case ms::kDdoCode: return {"DDO001", "DDO002", "DDO" + n(300), "DDO-NEW-" + n(1000000), ""};
    case ms::kBillGroup: return {"1", "2", "G" + n(20), ""};
    case ms::kDepartment: return {"Education", "Health", "Dept " + n(40), ""};
    case ms::kBudgetHead: return {"2202-01-101", "2210-" + n(100), ""};
    case ms::kPayLevel: return {"L-7", "L-1", "L-" + n(18), "L-NEW-" + n(100000), ""};
    case ms::kStopReason: return {"", "held", "reason " + n(5000)};
    case ms::kExemptDeductions: return {"", "GIS", "pt; gis", "PT;GIS;PT", " hba ", "XYZ", ";;"};
    case ms::kPayCell: return {"7", "1", n(40), "0", "300", "999999999999", "x"};
    case ms::kBasicPay:
    case ms::kGpfBasisPay:
    case ms::kChapterViaDeductions:
      return {"53600", n(2000) + "00", "123", "6553500", "6553600", "999999999999", "1000000000000", "-1", "",
              "12.5"};
    case ms::kLwpDays: return {"0", n(32), "31", "32", "", "x"};
    case ms::kGovtQuarters:
    case ms::kNpaEligible:
    case ms::kStopPayment:
      return {"0", "1", "Y", "true", "n", "", "maybe"};
    case ms::kTaxRegime: return {"NEW", "OLD", "old", "", "MIDDLE"};
    case ms::kIncrementMonth: return {"07", "01", "", "06"};
    default:  // integers defaulting to 0
      return {"0", n(100000), "4294967294", "4294967295", "999999999999", "", "-3", "1e5"};
  }
}

// One of the column's first two (valid) values, or one in `odd_in` times any of its pool.
std::string pick(int column, std::mt19937_64* rng, uint64_t odd_in) {
  std::vector<std::string> pool = pool_of(column, rng);
  const size_t i = (*rng)() % odd_in == 0 ? (*rng)() % pool.size() : (*rng)() % std::min<size_t>(2, pool.size());
  return pool[i];
}

// A master of `rows` rows over every column (in a shuffled order, with the unread `mobile`),
// a few rows with a wrong field count, CRLF and LF line ends, blank lines between.
std::string random_master(size_t rows, std::mt19937_64* rng, std::vector<std::string>* header) {
  header->clear();
  for (int c = 0; c < ms::kColumnCount; ++c) header->emplace_back(ms::kColumns[c].name);
  header->emplace_back("mobile");
  std::shuffle(header->begin(), header->end(), *rng);
  std::string out = csv_record(*header);
  for (size_t r = 0; r < rows; ++r) {
    std::vector<std::string> fields;
    for (const std::string& name : *header) {
      const int c = ms::find_column(name);
      fields.push_back(c < 0 ? "98" + std::to_string((*rng)() % 100000000) : pick(c, rng, 80));
    }
    if ((*rng)() % 97 == 0) fields.pop_back();  // "row has N fields"
    std::string record = csv_record(fields);
    if ((*rng)() % 5 == 0) {  // a CRLF line end
      record.pop_back();
      record.append("\r\n");
    }
    out += record;
    if ((*rng)() % 50 == 0) out += "\n";
  }
  return out;
}

// "" when the tables are equal column by column, value by value (dictionaries decoded and
// coded alike, packed columns' codes and side lists, problems), else the first difference.
std::string difference(const EmployeeTable& a, const EmployeeTable& b) {
  std::ostringstream why;
  if (a.rows != b.rows) return "rows " + std::to_string(a.rows) + " vs " + std::to_string(b.rows);
  if (a.readable != b.readable) {
    for (size_t r = 0; r < a.rows; ++r) {
      if (a.readable[r] != b.readable[r]) return "readable differs at row " + std::to_string(r);
    }
  }
  if (a.problems.size() != b.problems.size()) {
    return "problems " + std::to_string(a.problems.size()) + " vs " + std::to_string(b.problems.size());
  }
  for (size_t i = 0; i < a.problems.size(); ++i) {
    if (a.problems[i].row != b.problems[i].row || a.problems[i].text != b.problems[i].text) {
      return "problem " + std::to_string(i) + ": row " + std::to_string(a.problems[i].row) + " '" + a.problems[i].text +
             "' vs row " + std::to_string(b.problems[i].row) + " '" + b.problems[i].text + "'";
    }
  }
  auto at = [](const char* column, size_t r, auto x, auto y) {
    std::ostringstream o;
    o << column << " row " << r << ": '" << x << "' vs '" << y << "'";
    return o.str();
  };
  using T = EmployeeTable;
  const std::pair<const char*, StringColumn T::*> strings[] = {
      {"employee_id", &T::employee_id}, {"name", &T::name}, {"gpf_account", &T::gpf_account}, {"pran", &T::pran}};
  for (const auto& [name, c] : strings) {
    if ((a.*c).size() != a.rows || (b.*c).size() != b.rows) return std::string(name) + ": size";
    for (size_t r = 0; r < a.rows; ++r) {
      if ((a.*c)[r] != (b.*c)[r]) return at(name, r, (a.*c)[r], (b.*c)[r]);
    }
  }
  for (size_t r = 0; r < a.rows; ++r) {
    if (a.pan[r].view() != b.pan[r].view()) return at("pan", r, a.pan[r].view(), b.pan[r].view());
    if (a.ifsc[r].view() != b.ifsc[r].view()) return at("ifsc", r, a.ifsc[r].view(), b.ifsc[r].view());
    if (a.bank_account[r].view() != b.bank_account[r].view()) {
      return at("bank_account", r, a.bank_account[r].view(), b.bank_account[r].view());
    }
  }
  if (!(a.pan == b.pan) || !(a.ifsc == b.ifsc) || !(a.bank_account == b.bank_account)) {
    return "a packed text column's codes or side list differ";
  }
  const std::pair<const char*, std::vector<Date> T::*> dates[] = {{"date_of_birth", &T::date_of_birth},
                                                                  {"date_of_joining", &T::date_of_joining},
                                                                  {"date_of_retirement", &T::date_of_retirement}};
  for (const auto& [name, c] : dates) {
    if ((a.*c).size() != a.rows || (b.*c).size() != b.rows) return std::string(name) + ": size";
    for (size_t r = 0; r < a.rows; ++r) {
      if ((a.*c)[r] != (b.*c)[r]) return at(name, r, (a.*c)[r], (b.*c)[r]);
    }
  }
  const std::pair<const char*, std::vector<uint8_t> T::*> bytes[] = {
      {"status", &T::status},       {"fund_type", &T::fund_type}, {"pension_scheme", &T::pension_scheme},
      {"hra_class", &T::hra_class}, {"flags", &T::flags},         {"lwp_days", &T::lwp_days}};
  for (const auto& [name, c] : bytes) {
    if ((a.*c).size() != a.rows || (b.*c).size() != b.rows) return std::string(name) + ": size";
    for (size_t r = 0; r < a.rows; ++r) {
      if ((a.*c)[r] != (b.*c)[r]) return at(name, r, int((a.*c)[r]), int((b.*c)[r]));
    }
  }
  const std::pair<const char*, DictColumn T::*> dictionaries[] = {
      {"treasury_code", &T::treasury_code}, {"ddo_code", &T::ddo_code},       {"bill_group", &T::bill_group},
      {"department", &T::department},       {"budget_head", &T::budget_head}, {"pay_level", &T::pay_level},
      {"stop_reason", &T::stop_reason},     {"exempt_deductions", &T::exempt_deductions}};
  for (const auto& [name, c] : dictionaries) {
    const DictColumn &x = a.*c, &y = b.*c;
    if (x.codes.size() != a.rows || y.codes.size() != b.rows) return std::string(name) + ": size";
    for (size_t r = 0; r < a.rows; ++r) {
      if (x[r] != y[r]) return at(name, r, x[r], y[r]);
      if (x.codes[r] != y.codes[r]) return at((std::string(name) + " (code)").c_str(), r, x.codes[r], y.codes[r]);
    }
    if (x.dictionary.size() != y.dictionary.size()) {
      return std::string(name) + ": dictionary of " + std::to_string(x.dictionary.size()) + " values vs " +
             std::to_string(y.dictionary.size());
    }
    for (Dictionary::Code code = 0; code < x.dictionary.size(); ++code) {
      if (x.dictionary.value(code) != y.dictionary.value(code)) return std::string(name) + ": dictionary value";
    }
  }
  const std::pair<const char*, IntColumn T::*> ints[] = {{"gpf_subscription", &T::gpf_subscription},
                                                         {"special_pay", &T::special_pay},
                                                         {"loan_installment", &T::loan_installment},
                                                         {"loan_balance", &T::loan_balance},
                                                         {"income_tax_declared", &T::income_tax_declared},
                                                         {"fy_gross_to_date", &T::fy_gross_to_date},
                                                         {"fy_tds_to_date", &T::fy_tds_to_date}};
  for (const auto& [name, c] : ints) {
    for (size_t r = 0; r < a.rows; ++r) {
      if ((a.*c)[r] != (b.*c)[r]) return at(name, r, (a.*c)[r], (b.*c)[r]);
    }
    if (!((a.*c) == (b.*c))) return std::string(name) + ": narrow values or wide list differ";
  }
  const std::pair<const char*, HundredsColumn T::*> hundreds[] = {
      {"basic_pay", &T::basic_pay},
      {"gpf_basis_pay", &T::gpf_basis_pay},
      {"chapter_via_deductions", &T::chapter_via_deductions}};
  for (const auto& [name, c] : hundreds) {
    for (size_t r = 0; r < a.rows; ++r) {
      if ((a.*c)[r] != (b.*c)[r]) return at(name, r, (a.*c)[r], (b.*c)[r]);
    }
    if (!((a.*c) == (b.*c))) return std::string(name) + ": narrow values or wide list differ";
  }
  for (size_t r = 0; r < a.rows; ++r) {
    if (a.pay_cell[r] != b.pay_cell[r]) return at("pay_cell", r, a.pay_cell[r], b.pay_cell[r]);
  }
  if (!(a.pay_cell == b.pay_cell)) return "pay_cell: narrow values or wide list differ";
  if (a.recovery_due != b.recovery_due) return "recovery_due differs";
  return "";
}

// The table parsing the rewritten master gives (what runs computed from before issue 13).
EmployeeTable parsed(const MasterRecords& master, const MasterRecords::Changes& changes,
                     const std::vector<std::string>& codes, size_t chunk_bytes) {
  EmployeeTable t;
  CsvLoadOptions load;
  load.deduction_codes = codes;
  load.chunk_bytes = chunk_bytes;
  const Status s = parse_employees_csv(master.snapshot_of(changes), "master.csv", &t, load);
  EXPECT_TRUE(s.ok()) << s.message();
  return t;
}

// Random edits of random columns, each a pool value of the column: (row, column) pairs.
size_t edit_randomly(MasterRecords* master, size_t edits, std::mt19937_64* rng) {
  size_t made = 0;
  for (size_t i = 0; i < edits; ++i) {
    const size_t row = (*rng)() % master->rows();
    const int column = int((*rng)() % master->header().size());
    const int c = ms::find_column(master->header()[size_t(column)]);
    std::string value = c < 0 ? "99" + std::to_string((*rng)() % 1000) : pick(c, rng, 4);
    if ((*rng)() % 3 == 0 && c >= 0) {  // often a value no row holds yet (a new DDO, name, amount …)
      const std::vector<std::string> pool = pool_of(c, rng);
      value = pool[(*rng)() % pool.size()];
    }
    master->set_field(row, column, std::move(value));
    ++made;
  }
  return made;
}

TEST(MasterOverlay, RunTableEqualsTheRewrittenMasterParsed) {
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::vector<std::string> header;
    const size_t rows = 200 + rng() % 3000;
    MasterRecords master;
    master.set_deduction_codes(kDeductionCodes);
    ASSERT_TRUE(master.load_bytes(random_master(rows, &rng, &header), "master.csv").ok());
    ASSERT_EQ(master.rows(), rows);
    const std::shared_ptr<const MasterRecords::Base> base = master.base();
    ASSERT_NE(base->table, nullptr);
    // Most rows readable (their columns hold values), some not (their problems, raw ids).
    EXPECT_LT(base->table->problems.size(), rows / 2);
    EXPECT_GT(base->table->problems.size(), 0u);
    // The base table is the file parsed: the same as parsing it again, in small chunks too.
    EXPECT_EQ(difference(*base->table, parsed(master, {}, kDeductionCodes, 4096)), "");

    // Rounds of edits; each round's frozen changes (a run's recipe) must still give its own
    // table after later rounds.
    std::vector<std::pair<std::shared_ptr<const MasterRecords::Changes>, EmployeeTable>> recipes;
    for (int round = 0; round < 4; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      edit_randomly(&master, round == 0 ? 1 : 1 + rng() % (rows / 4), &rng);
      const std::shared_ptr<const MasterRecords::Changes> changes = master.frozen_changes();
      EXPECT_EQ(master.frozen_changes(), changes) << "frozen again without a change";
      // Every change is typed: the overlay, not the CSV, gives the table.
      std::vector<std::pair<uint32_t, const EmployeeRow*>> replaced;
      for (const auto& [row, change] : *changes) {
        ASSERT_TRUE(change.typed);
        ASSERT_NE(change.row, nullptr) << "row " << row << " did not read as one row";
        replaced.emplace_back(row, change.row.get());
      }
      std::sort(replaced.begin(), replaced.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      EmployeeTable overlay;
      ASSERT_TRUE(EmployeeTable::with_rows(*base->table, replaced, &overlay).ok());
      const EmployeeTable expected = parsed(master, *changes, kDeductionCodes, size_t(1) << 22);
      EXPECT_EQ(difference(overlay, expected), "");
      EmployeeTable via;
      ASSERT_TRUE(MasterRecords::table_of(*base, *changes, kDeductionCodes, "master.csv", &via).ok());
      EXPECT_EQ(difference(via, expected), "");
      // Many edits changed the table (so equality above says something).
      if (round > 0) {
        EXPECT_NE(difference(*base->table, expected), "");
      }
      recipes.emplace_back(changes, expected);
    }
    for (size_t i = 0; i < recipes.size(); ++i) {
      EmployeeTable again;
      ASSERT_TRUE(MasterRecords::table_of(*base, *recipes[i].first, kDeductionCodes, "master.csv", &again).ok());
      EXPECT_EQ(difference(again, recipes[i].second), "") << "recipe " << i;
    }
    // Another profile's deduction codes: the rewritten master parsed with them.
    const std::vector<std::string> other = {"PT"};
    EmployeeTable with_other;
    ASSERT_TRUE(MasterRecords::table_of(*base, *recipes.back().first, other, "master.csv", &with_other).ok());
    EXPECT_EQ(difference(with_other, parsed(master, *recipes.back().first, other, size_t(1) << 22)), "");
  }
}

// An edit the loader refuses is refused the same way (the one validator), and once the row
// reads again the overlay holds the new values.
TEST(MasterOverlay, RowsMadeUnreadableAndReadableAgain) {
  std::mt19937_64 rng(42);
  std::vector<std::string> header;
  MasterRecords master;
  master.set_deduction_codes(kDeductionCodes);
  ASSERT_TRUE(master.load_bytes(random_master(300, &rng, &header), "master.csv").ok());
  const int basic = master.column("basic_pay"), lwp = master.column("lwp_days"), ddo = master.column("ddo_code");
  for (size_t row = 0; row < 20; ++row) {
    master.set_field(row, basic, "12x");
    master.set_field(row, lwp, "40");
  }
  std::vector<std::string> fields = master.fields(0);
  EXPECT_NE(master.check_row(fields).find("basic_pay: '12x' is not a non-negative integer of at most 12 digits"),
            std::string::npos);
  const auto bad = master.frozen_changes();
  EmployeeTable t;
  ASSERT_TRUE(MasterRecords::table_of(*master.base(), *bad, kDeductionCodes, "master.csv", &t).ok());
  for (size_t row = 0; row < 20; ++row) EXPECT_FALSE(t.is_readable(row)) << row;
  EXPECT_EQ(difference(t, parsed(master, *bad, kDeductionCodes, size_t(1) << 22)), "");
  for (size_t row = 0; row < 20; ++row) {
    master.set_field(row, basic, "6553600");  // wide in a HundredsColumn
    master.set_field(row, lwp, "3");
    master.set_field(row, ddo, "DDO-FRESH-" + std::to_string(row));
  }
  const auto good = master.frozen_changes();
  EXPECT_NE(good, bad);
  ASSERT_TRUE(MasterRecords::table_of(*master.base(), *good, kDeductionCodes, "master.csv", &t).ok());
  EXPECT_EQ(difference(t, parsed(master, *good, kDeductionCodes, size_t(1) << 22)), "");
  // The earlier recipe still gives its own table.
  ASSERT_TRUE(MasterRecords::table_of(*master.base(), *bad, kDeductionCodes, "master.csv", &t).ok());
  EXPECT_EQ(difference(t, parsed(master, *bad, kDeductionCodes, size_t(1) << 22)), "");
}

std::string value_name(size_t k) {
  char text[24];
  std::snprintf(text, sizeof text, "V%zu", k);
  return text;
}

// Dictionaries past 16-bit codes: a replaced value re-codes the column as the loader codes
// it (first appearance), wide codes included; a replaced value equal to the base's copies.
TEST(MasterOverlay, DictionaryReplacementRecodesByFirstAppearance) {
  DictColumn base;
  const size_t rows = 70000;
  for (size_t r = 0; r < rows; ++r) base.push_back(value_name(r % 69000));
  ASSERT_TRUE(base.codes.is_wide());
  const std::vector<std::pair<uint32_t, std::string_view>> values = {
      {0, "V5"}, {3, "NEW"}, {68999, "V1"}, {69990, "V68999"}};
  std::vector<std::string> expected_values;
  for (size_t r = 0; r < rows; ++r) expected_values.push_back(value_name(r % 69000));
  for (const auto& [row, value] : values) expected_values[row] = std::string(value);
  DictColumn expected;
  for (const std::string& v : expected_values) expected.push_back(v);
  DictColumn out;
  out.assign_replaced(base, values);
  ASSERT_EQ(out.codes.size(), rows);
  ASSERT_EQ(out.dictionary.size(), expected.dictionary.size());
  for (size_t r = 0; r < rows; ++r) {
    ASSERT_EQ(out[r], expected[r]) << r;
    ASSERT_EQ(out.codes[r], expected.codes[r]) << r;
  }
  DictColumn same;
  same.assign_replaced(base, {{7, "V7"}});
  EXPECT_EQ(same.dictionary.size(), base.dictionary.size());
  EXPECT_TRUE(same.codes == base.codes);
}

}  // namespace
}  // namespace vetan::serve
