// vetan returns (issue 12 item 5, docs/returns.md): the income-tax returns of a quarter from
// the folders `vetan run` wrote for each month of its financial year. Each folder's
// payslips.csv is checked against its bills.csv and summary.json (the returns are sums of
// the payslips, and the payslips are what the bills paid); names and PAN come from
// payslips.csv when it has them, else from the master; the tax regime and Chapter VI-A
// deductions of Form 16 from the master.
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/commands.h"
#include "api/flags.h"
#include "api/output_writer.h"
#include "api/returns_output.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"
#include "core/tax_returns/tax_returns.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

const char kReturnsHelp[] =
    "usage: vetan returns --profile PROFILE.json --employees EMPLOYEES.csv --quarter 2026-27Q3\n"
    "                     --runs DIR [--runs DIR ...] --out OUT [--section 92A|92B|92C]\n"
    "                     [--threads N] [--quiet]\n"
    "\n"
    "The income-tax returns of a quarter from the runs' own figures (docs/returns.md):\n"
    "form24q.csv (Form 24Q Annexure I: one deductee row per payslip of the quarter, by DDO),\n"
    "form24q_ddos.csv (each DDO's quarter), form16_partb.csv (Form 16 Part B per employee for\n"
    "the financial year to the quarter's end) and form24g.csv (the treasury's Form 24G: each\n"
    "month's TDS per DDO), each also as .json with the same fields.\n"
    "\n"
    "  --profile    the state's rules as JSON (docs/profile.md): the year's income_tax\n"
    "  --employees  the employee master: names and PAN when payslips.csv has none, the tax\n"
    "               regime and Chapter VI-A deductions (every paid employee must be in it)\n"
    "  --quarter    the quarter, as the forms write it: 2026-27Q1 (April to June) ... Q4\n"
    "  --runs       a folder 'vetan run' wrote (it has summary.json), or a folder of such\n"
    "               folders; repeat it. Every month from April to the quarter's end, once\n"
    "  --out        the folder for the returns (created if needed)\n"
    "  --section    the 24Q section code of the deductees: 92A State Government employees\n"
    "               (the default), 92C Union Government, 92B others\n"
    "  --threads    worker threads (default: all cores); the output never depends on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when the returns were written; exit 2 with one line on stderr, writing nothing,\n"
    "when they cannot be (a flag missing or malformed, a file unreadable, a month missing or\n"
    "given twice, payslips that disagree with their bills or summary, an employee not in the\n"
    "master); exit 1 when writing fails.\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan returns: %s\n", message.c_str());
  return kExitRefused;
}

// Where each employee of the master is (the first readable row; kDuplicate when two are).
constexpr uint32_t kDuplicate = UINT32_MAX;

struct MasterIndex {
  std::unordered_map<std::string_view, uint32_t> row_of;
};

MasterIndex index_master(const EmployeeTable& table) {
  MasterIndex index;
  index.row_of.reserve(table.rows);
  for (size_t r = 0; r < table.rows; ++r) {
    if (!table.is_readable(r)) continue;
    auto [it, inserted] = index.row_of.emplace(table.employee_id[r], uint32_t(r));
    if (!inserted) it->second = kDuplicate;
  }
  return index;
}

// summary.json's month (and, when `text` is given, the file's text).
Status read_run_month(const std::string& path, Month* month, std::string* text) {
  std::string contents;
  if (Status s = read_file(path, &contents); !s.ok()) return Status::invalid_argument(s.message());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view value;
  if (parser.parse(contents).get(root) != simdjson::SUCCESS ||
      root["month"].get_string().get(value) != simdjson::SUCCESS || !parse_month(value, month)) {
    return Status::invalid_argument(path + ": no \"month\" YYYY-MM (not a folder 'vetan run' wrote)");
  }
  if (text != nullptr) *text = std::move(contents);
  return Status();
}

// What the returns read of the run folders, building ReturnsInput as they go.
class RunReader {
 public:
  RunReader(const EmployeeTable& table, const std::string& master_path, ReturnsInput* in)
      : table_(table), master_path_(master_path), master_(index_master(table)), in_(in) {}

  // Reads one run folder: summary.json's month, payslips.csv, and checks bills.csv.
  Status read(const std::string& folder) {
    MonthPayslips month;
    if (Status s = read_run_month(folder + "/summary.json", &month.month, &summary_text_); !s.ok()) {
      return s;
    }
    BillSums bills;
    Money gross = 0;
    if (Status s = read_payslips(folder + "/payslips.csv", &month, &bills, &gross); !s.ok()) {
      return s;
    }
    if (Status s = check_bills(folder + "/bills.csv", bills); !s.ok()) return s;
    if (Status s = check_summary_gross(folder + "/summary.json", gross); !s.ok()) return s;
    in_->months.push_back(std::move(month));
    return Status();
  }

 private:
  struct Sums {
    Money gross = 0, tds = 0;
  };
  using BillSums = std::unordered_map<std::string, Sums>;

  Status check_summary_gross(const std::string& path, Money gross) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    int64_t value = 0;
    if (parser.parse(summary_text_).get(root) != simdjson::SUCCESS ||
        root["gross"].get_int64().get(value) != simdjson::SUCCESS) {
      return Status::invalid_argument(path + ": no integer \"gross\"");
    }
    if (value != gross) {
      return Status::invalid_argument(path + ": gross is " + std::to_string(value) +
                                      ", but its payslips.csv adds up to " + std::to_string(gross));
    }
    return Status();
  }

  // The person index of an employee (added on first sight). Payslips' name and PAN, when
  // given, replace the master's (the later month's win: months are read in order).
  Status person_of(std::string_view id, const std::string& where, uint32_t* person) {
    auto found = person_of_.find(std::string(id));
    if (found != person_of_.end()) {
      *person = found->second;
      return Status();
    }
    auto row = master_.row_of.find(id);
    if (row == master_.row_of.end()) {
      return Status::invalid_argument(where + ": employee " + std::string(id) + " is not in " +
                                      master_path_ + " (its tax regime and PAN come from there)");
    }
    if (row->second == kDuplicate) {
      return Status::invalid_argument(where + ": employee " + std::string(id) + " is on two rows of " +
                                      master_path_);
    }
    const size_t r = row->second;
    ReturnsPerson p;
    p.employee_id = std::string(id);
    p.name = std::string(table_.name[r]);
    p.pan = std::string(std::string_view(table_.pan[r]));
    p.old_regime = (table_.flags[r] & kOldTaxRegime) != 0;
    p.chapter_via_deductions = table_.chapter_via_deductions[r];
    *person = uint32_t(in_->persons.size());
    in_->persons.push_back(std::move(p));
    person_of_.emplace(std::string(id), *person);
    return Status();
  }

  uint32_t ddo_of(std::string_view treasury, std::string_view ddo) {
    std::string key(treasury);
    key.push_back('\0');
    key.append(ddo);
    auto [it, inserted] = ddo_of_.emplace(std::move(key), uint32_t(in_->ddos.size()));
    if (inserted) in_->ddos.push_back(ReturnsDdo{std::string(treasury), std::string(ddo)});
    return it->second;
  }

  Status read_payslips(const std::string& path, MonthPayslips* month, BillSums* bills,
                       Money* total_gross) {
    std::string data;
    if (Status s = read_file(path, &data); !s.ok()) return Status::invalid_argument(s.message());
    CsvRecordReader reader;
    size_t at = 0;
    if (!reader.next(data, &at) || reader.blank()) return Status::invalid_argument(path + ": no header");
    // Columns by name (formats.md: readers find columns by name).
    enum { kId, kBill, kTreasury, kDdo, kGross, kTax, kName, kPan, kColumns };
    const char* const names[kColumns] = {"employee_id", "bill_id", "treasury_code", "ddo_code",
                                         "gross",       "income_tax", "name",       "pan"};
    size_t column[kColumns];
    std::fill(column, column + kColumns, SIZE_MAX);
    const auto& header = reader.fields();
    for (size_t c = 0; c < header.size(); ++c) {
      for (size_t k = 0; k < kColumns; ++k) {
        if (trim(header[c]) == names[k] && column[k] == SIZE_MAX) column[k] = c;
      }
    }
    for (size_t k = 0; k < kName; ++k) {
      if (column[k] == SIZE_MAX) {
        return Status::invalid_argument(path + ": the header has no column '" + names[k] + "'");
      }
    }
    const bool names_given = column[kName] != SIZE_MAX && column[kPan] != SIZE_MAX;
    const size_t fields = header.size();
    size_t line = 1;
    while (reader.next(data, &at)) {
      ++line;
      if (reader.blank()) continue;
      const auto& f = reader.fields();
      const std::string where = path + " line " + std::to_string(line);
      if (f.size() != fields) {
        return Status::invalid_argument(where + ": " + std::to_string(f.size()) +
                                        " fields, the header has " + std::to_string(fields));
      }
      int64_t amount[2];
      for (size_t k = 0; k < 2; ++k) {
        const std::string_view text = trim(f[column[kGross + k]]);
        if (!parse_integer(text, &amount[k])) {
          return Status::invalid_argument(where + ": " + names[kGross + k] + " '" +
                                          std::string(text) + "' is not a whole number of rupees");
        }
      }
      uint32_t person = 0;
      if (Status s = person_of(trim(f[column[kId]]), where, &person); !s.ok()) return s;
      if (names_given) {
        ReturnsPerson& p = in_->persons[person];
        p.name = std::string(trim(f[column[kName]]));
        p.pan = std::string(trim(f[column[kPan]]));
      }
      month->person.push_back(person);
      month->ddo.push_back(ddo_of(trim(f[column[kTreasury]]), trim(f[column[kDdo]])));
      month->gross.push_back(amount[0]);
      month->tds.push_back(amount[1]);
      Sums& bill = (*bills)[std::string(trim(f[column[kBill]]))];
      bill.gross += amount[0];
      bill.tds += amount[1];
      *total_gross += amount[0];
    }
    return Status();
  }

  // bills.csv: each bill's gross and income_tax are its payslips' (rules §8), and every
  // payslip's bill is there.
  Status check_bills(const std::string& path, const BillSums& bills) {
    std::string data;
    if (Status s = read_file(path, &data); !s.ok()) return Status::invalid_argument(s.message());
    CsvRecordReader reader;
    size_t at = 0;
    if (!reader.next(data, &at) || reader.blank()) return Status::invalid_argument(path + ": no header");
    size_t id = SIZE_MAX, gross = SIZE_MAX, tax = SIZE_MAX;
    const auto& header = reader.fields();
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string_view name = trim(header[c]);
      if (name == "bill_id" && id == SIZE_MAX) id = c;
      if (name == "gross" && gross == SIZE_MAX) gross = c;
      if (name == "income_tax" && tax == SIZE_MAX) tax = c;
    }
    if (id == SIZE_MAX || gross == SIZE_MAX || tax == SIZE_MAX) {
      return Status::invalid_argument(path + ": the header lacks bill_id, gross or income_tax");
    }
    size_t line = 1, found = 0;
    while (reader.next(data, &at)) {
      ++line;
      if (reader.blank()) continue;
      const auto& f = reader.fields();
      const std::string where = path + " line " + std::to_string(line);
      if (std::max({id, gross, tax}) >= f.size()) {
        return Status::invalid_argument(where + ": too few fields");
      }
      const std::string bill(trim(f[id]));
      auto it = bills.find(bill);
      int64_t g = 0, t = 0;
      if (!parse_integer(trim(f[gross]), &g) || !parse_integer(trim(f[tax]), &t)) {
        return Status::invalid_argument(where + ": gross or income_tax is not a whole number");
      }
      const Sums sums = it == bills.end() ? Sums() : it->second;
      if (sums.gross != g || sums.tds != t) {
        return Status::invalid_argument(
            where + ": bill " + bill + " has gross " + std::to_string(g) + " and income_tax " +
            std::to_string(t) + ", but its payslips add up to " + std::to_string(sums.gross) +
            " and " + std::to_string(sums.tds));
      }
      if (it != bills.end()) ++found;
    }
    if (found != bills.size()) {
      return Status::invalid_argument(path + ": " + std::to_string(bills.size() - found) +
                                      " bills of payslips.csv are not in it");
    }
    return Status();
  }

  const EmployeeTable& table_;
  const std::string& master_path_;
  MasterIndex master_;
  ReturnsInput* in_;
  std::unordered_map<std::string, uint32_t> person_of_;
  std::unordered_map<std::string, uint32_t> ddo_of_;
  std::string summary_text_;
};

// A run folder to read: named by a --runs flag itself, or found in a folder of runs.
struct RunFolder {
  std::string path;
  bool named = false;
  Month month = 0;
};

// The run folders of the --runs flags: each a run folder, or a folder of run folders.
Status expand_runs(const std::vector<std::string>& given, std::vector<RunFolder>* runs) {
  namespace fs = std::filesystem;
  for (const std::string& path : given) {
    std::error_code error;
    if (fs::is_regular_file(fs::path(path) / "summary.json", error)) {
      runs->push_back(RunFolder{path, true});
      continue;
    }
    if (!fs::is_directory(path, error)) {
      return Status::invalid_argument("--runs " + path + ": not a folder");
    }
    std::vector<std::string> found;
    for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
      if (fs::is_regular_file(entry.path() / "summary.json", error)) {
        found.push_back(entry.path().string());
      }
    }
    if (found.empty()) {
      return Status::invalid_argument("--runs " + path +
                                      ": neither a run folder (summary.json) nor a folder of them");
    }
    std::sort(found.begin(), found.end());
    for (std::string& f : found) runs->push_back(RunFolder{std::move(f), false});
  }
  return Status();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int returns_command(const Arguments& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kReturnsHelp, stdout);
      return kExitOk;
    }
  }
  Flags flags({"profile", "employees", "quarter", "out", "section", "threads"}, {"quiet"},
              {"runs"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message() + " (see --help)");
  if (Status s = flags.require({"profile", "employees", "quarter", "runs", "out"}); !s.ok()) {
    return refuse(s.message() + " (see --help)");
  }
  ReturnsInput in;
  if (!parse_tax_quarter(flags.get("quarter"), &in.quarter)) {
    return refuse("--quarter '" + flags.get("quarter") +
                  "' is not a quarter of a financial year (e.g. 2026-27Q3)");
  }
  in.section = flags.get("section", "92A");
  if (in.section != "92A" && in.section != "92B" && in.section != "92C") {
    return refuse("--section '" + in.section + "' is not 92A, 92B or 92C");
  }
  long long threads = tbb::info::default_concurrency();
  if (flags.has("threads") && !parse_count(flags.get("threads"), 1, 4096, &threads)) {
    return refuse("--threads '" + flags.get("threads") + "' is not a whole number from 1 to 4096");
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
  const auto start = std::chrono::steady_clock::now();

  const std::string profile_path = flags.get("profile");
  std::string json;
  if (Status s = read_file(profile_path, &json); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(json, &profile); !s.ok()) return refuse(profile_path + ": " + s.message());
  MonthRules year_rules;
  if (Status s = resolve_month_rules(profile, in.quarter.fy_first_month(), Dictionary(),
                                     Dictionary(), &year_rules);
      !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  in.tax = year_rules.tax;

  const std::string employees = flags.get("employees");
  EmployeeTable table;
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes(profile);
  if (Status s = load_employees_csv(employees, &table, options); !s.ok()) return refuse(s.message());

  std::vector<RunFolder> found, runs;
  if (Status s = expand_runs(flags.get_all("runs"), &found); !s.ok()) return refuse(s.message());
  size_t skipped = 0;
  for (RunFolder& run : found) {
    if (Status s = read_run_month(run.path + "/summary.json", &run.month, nullptr); !s.ok()) {
      return refuse(s.message());
    }
    // A folder of runs may hold other years and later months: only the year to the
    // quarter's end is read. A run named itself is always read (and refused when outside).
    if (!run.named && (run.month < in.quarter.fy_first_month() || run.month > in.quarter.last_month())) {
      ++skipped;
      continue;
    }
    runs.push_back(std::move(run));
  }
  // In month order, so that the latest payslips' names and PAN are the ones printed.
  std::stable_sort(runs.begin(), runs.end(),
                   [](const RunFolder& a, const RunFolder& b) { return a.month < b.month; });
  {
    RunReader reader(table, employees, &in);
    for (const RunFolder& run : runs) {
      if (Status s = reader.read(run.path); !s.ok()) return refuse(s.message());
    }
  }
  TaxReturns returns;
  if (Status s = compute_tax_returns(in, &returns); !s.ok()) return refuse(s.message());
  const std::string out = flags.get("out");
  if (Status s = write_tax_returns(out, in, returns); !s.ok()) {
    if (s.code() == Status::Code::kInvalidArgument) return refuse(s.message());
    std::fprintf(stderr, "vetan returns: %s\n", s.message().c_str());
    return kExitFailed;
  }
  if (!flags.has("quiet")) {
    Money tds = 0, paid = 0;
    for (const Form24QTotal& t : returns.form24q_totals) {
      tds += t.tds;
      paid += t.amount_paid;
    }
    std::printf("vetan returns %s (%s): %s runs; Form 24Q %zu DDOs, %zu deductee rows, paid %s, "
                "TDS %s; Form 16 Part B %zu employees; Form 24G %zu DDO-months -> %s (%.2f s)\n",
                format_tax_quarter(in.quarter).c_str(), profile.name.c_str(),
                (std::to_string(runs.size()) +
                 (skipped > 0 ? " (" + std::to_string(skipped) + " of other months skipped)" : ""))
                    .c_str(),
                returns.form24q_totals.size(), returns.form24q.size(), rupees(paid).c_str(),
                rupees(tds).c_str(), returns.form16.size(), returns.form24g.size(), out.c_str(),
                seconds_since(start));
  }
  return kExitOk;
}

}  // namespace vetan
