// vetan whatif and vetan arrears (whatif.md).
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "api/atomic_file.h"
#include "api/commands.h"
#include "api/flags.h"
#include "api/output_writer.h"
#include "api/progress.h"
#include "core/common/json_text.h"
#include "core/table/table_index.h"
#include "core/whatif/arrears.h"
#include "core/whatif/whatif.h"
#include "loaders/csv/csv_loader.h"

namespace vetan {
namespace {

const char kWhatIfHelp[] =
    "usage: vetan whatif --profile PROFILE.json --employees EMPLOYEES.csv --as-of YYYY-MM\n"
    "                    --scenario SCENARIO.json [--scenario ...] --out DIR\n"
    "                    [--threads N] [--quiet]\n"
    "\n"
    "Costs pay revisions: for each month of a scenario's horizon, runs the month on the\n"
    "master as of that month with the baseline profile and with the scenario's, and writes\n"
    "cost.csv (by month and group), fates.csv (per month, the rows paid, stopped and\n"
    "mismatched in each run, and mismatches by reason: who is not costed) and summary.json\n"
    "(totals, and how gross pay changes in the last month: employees who gain, lose or stay\n"
    "level, 10th/50th/90th percentiles). Files: docs/outputs.md.\n"
    "\n"
    "  --profile    the baseline profile (docs/profile.md)\n"
    "  --employees  the employee master (docs/input.md), describing the month --as-of\n"
    "  --as-of      the month the master describes\n"
    "  --scenario   a scenario (docs/whatif.md), or a JSON list of scenarios; may be repeated.\n"
    "               With one scenario DIR holds its files; with several, DIR/scenario-NN/\n"
    "               holds each one's and DIR/scenarios.csv compares their totals. The\n"
    "               master is read once and each month's baseline computed once for all.\n"
    "  --out        the output folder (created if needed)\n"
    "  --threads    worker threads (default: all cores); results never depend on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when done; exit 2 with one line on stderr when it cannot start (a file\n"
    "unreadable, a profile or scenario invalid, a header lacking a required column).\n"
    "Documentation: docs/whatif.md (scenarios, projection), docs/outputs.md (files).\n";

const char kArrearsHelp[] =
    "usage: vetan arrears --profile OLD.json --revised NEW.json --employees EMPLOYEES.csv\n"
    "                     --from YYYY-MM --to YYYY-MM --out DIR [--threads N] [--quiet]\n"
    "\n"
    "For each month from..to, runs the master as of that month (the master describes\n"
    "--from) with OLD (drawn) and NEW (due), and writes arrears.csv (each earning's\n"
    "due - drawn, per employee and month), arrear_bills.csv (sums per bill) and\n"
    "unmatched.csv (rows paid in one run and not the other).\n"
    "\n"
    "  --profile    the profile that was applied\n"
    "  --revised    the revised profile (same allowances)\n"
    "  --employees  the employee master (docs/input.md) of the month --from\n"
    "  --from, --to the period, inclusive\n"
    "  --out        the output folder (created if needed)\n"
    "  --threads    worker threads (default: all cores); results never depend on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when done; exit 2 with one line on stderr when it cannot start.\n"
    "Documentation: docs/whatif.md (arrears), docs/outputs.md (files).\n";

// What both commands share: flags, threads, profiles, the master and its index.
class Job {
 public:
  Job(const char* name, std::set<std::string> valued, std::set<std::string> repeated = {})
      : name_(name), flags_(std::move(valued), {"help", "quiet"}, std::move(repeated)) {}

  // Parses the flags. Returns false with *exit set when the command is over (help or error).
  bool start(const Arguments& args, const char* help, std::initializer_list<const char*> required,
             int* exit) {
    if (Status s = flags_.parse(args); !s.ok()) return finish(refuse(s.message()), exit);
    if (flags_.has("help")) {
      std::fputs(help, stdout);
      return finish(kExitOk, exit);
    }
    if (Status s = flags_.require(required); !s.ok()) return finish(refuse(s.message()), exit);
    long long threads = tbb::info::default_concurrency();
    if (flags_.has("threads") && !parse_count(flags_.get("threads"), 1, 4096, &threads)) {
      return finish(refuse("--threads '" + flags_.get("threads") + "' is not a number of threads"),
                    exit);
    }
    threads_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     size_t(threads));
    return true;
  }

  const Flags& flags() const { return flags_; }

  int refuse(const std::string& message) const {
    std::fprintf(stderr, "vetan %s: %s\n", name_, message.c_str());
    return kExitRefused;
  }
  int fail(const Status& s) const {
    std::fprintf(stderr, "vetan %s: %s\n", name_, s.message().c_str());
    return kExitFailed;
  }

  // Reads and validates the profile of flag `flag`, keeping its JSON text.
  Status profile(const char* flag, Profile* profile, std::string* json) const {
    const std::string path = flags_.get(flag);
    if (Status s = read_file(path, json); !s.ok()) return s;
    if (Status s = parse_profile(*json, profile); !s.ok()) {
      return Status::invalid_argument(path + ": " + s.message());
    }
    return Status();
  }

  Status month(const char* flag, Month* month) const {
    if (!parse_month(flags_.get(flag), month)) {
      return Status::invalid_argument(std::string("--") + flag + " '" + flags_.get(flag) +
                                      "' is not YYYY-MM");
    }
    return Status();
  }

  // Loads the master; `profile` gives the deduction codes exempt_deductions may name.
  Status load_master(const Profile& profile) {
    ProgressBar bar("loading");
    CsvLoadOptions options;
    options.deduction_codes = deduction_codes(profile);
    if (bar.enabled())
      options.progress = [&bar](size_t done, size_t total) { bar.update(done, total); };
    if (Status s = load_employees_csv(flags_.get("employees"), &table_, options); !s.ok()) return s;
    index_ = build_table_index(table_);
    return Status();
  }

  const EmployeeTable& table() const { return table_; }
  const TableIndex& index() const { return index_; }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  static bool finish(int code, int* exit) {
    *exit = code;
    return false;
  }
  const char* name_;
  Flags flags_;
  std::unique_ptr<tbb::global_control> threads_;
  EmployeeTable table_;
  TableIndex index_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

Status make_folder(const std::string& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error)
    return Status::io_error(folder + ": cannot create the folder (" + error.message() + ")");
  return Status();
}

Status write_file(const std::string& path, std::string_view text) {
  AtomicFile file(path);
  file.write(text);
  return file.commit();
}

// ---------------------------------------------------------------- whatif

std::string cost_csv(const Scenario& s, const WhatIfResult& r) {
  std::string out = "month";
  for (GroupColumn g : s.group_by) out += std::string(",") + kGroupColumnNames[int(g)];
  for (const char* c : kCostColumnNames) out += std::string(",") + c;
  out += '\n';
  for (const CostLine& line : r.lines) {
    out += format_month(line.month);
    for (const std::string& label : r.group_labels[line.group]) {
      out += ',';
      append_csv_field(&out, label);
    }
    for (int64_t v : line.amounts) {
      out += ',';
      append_number(&out, v);
    }
    out += '\n';
  }
  return out;
}

// fates.csv (docs/outputs.md): per month, the rows of each fate in the baseline and the
// scenario, then the mismatched rows by reason (reasons counted in either run).
std::string fates_csv(const WhatIfResult& r) {
  std::string out = "month,fate,reason,baseline_rows,scenario_rows,change\n";
  auto line = [&out](Month month, const char* fate, const char* reason, int64_t baseline,
                     int64_t scenario) {
    out.append(format_month(month)).append(",").append(fate).append(",").append(reason);
    out.append(",").append(std::to_string(baseline)).append(",").append(std::to_string(scenario));
    out.append(",").append(std::to_string(scenario - baseline)).append("\n");
  };
  for (const MonthFates& f : r.fates) {
    line(f.month, "PAID", "", f.baseline.paid, f.scenario.paid);
    line(f.month, "STOPPED", "", f.baseline.stopped, f.scenario.stopped);
    line(f.month, "MISMATCH", "", f.baseline.mismatched, f.scenario.mismatched);
    for (int i = 0; i < kReasonCount; ++i) {
      const int64_t b = f.baseline.reasons[size_t(i)], s = f.scenario.reasons[size_t(i)];
      if (b != 0 || s != 0) line(f.month, "MISMATCH", kReasonCodes[i], b, s);
    }
  }
  return out;
}

std::string whatif_summary(const Scenario& s, const WhatIfResult& r) {
  std::string json = "{\n  \"name\": " + json_quote(s.name) + ",\n  \"from\": \"" +
                     format_month(s.from) + "\",\n  \"to\": \"" + format_month(s.to) + "\",\n";
  for (int c = 0; c < kCostColumns; ++c) {
    json += std::string("  \"") + kCostColumnNames[c] +
            "\": " + std::to_string(r.totals[size_t(c)]) + ",\n";
  }
  const GrossChange& g = r.last_month;
  json += "  \"gross_change_in_last_month\": {\"employees_paid_in_both\": " +
          std::to_string(g.employees) + ", \"gain\": " + std::to_string(g.gain) +
          ", \"lose\": " + std::to_string(g.lose) + ", \"level\": " + std::to_string(g.level) +
          ", \"p10\": " + std::to_string(g.p10) + ", \"p50\": " + std::to_string(g.p50) +
          ", \"p90\": " + std::to_string(g.p90) + "}\n}\n";
  return json;
}

Status write_whatif(const std::string& folder, const Scenario& s, const WhatIfResult& r) {
  if (Status st = make_folder(folder); !st.ok()) return st;
  if (Status st = write_file(folder + "/cost.csv", cost_csv(s, r)); !st.ok()) return st;
  if (Status st = write_file(folder + "/fates.csv", fates_csv(r)); !st.ok()) return st;
  return write_file(folder + "/summary.json", whatif_summary(s, r));
}

}  // namespace

int whatif_command(const Arguments& args) {
  Job job("whatif", {"profile", "employees", "as-of", "out", "threads"}, {"scenario"});
  int exit = kExitOk;
  if (!job.start(args, kWhatIfHelp, {"profile", "employees", "as-of", "scenario", "out"}, &exit)) {
    return exit;
  }
  Month as_of = 0;
  Profile baseline;
  std::string baseline_json;
  if (Status s = job.month("as-of", &as_of); !s.ok()) return job.refuse(s.message());
  if (Status s = job.profile("profile", &baseline, &baseline_json); !s.ok()) {
    return job.refuse(s.message());
  }
  std::vector<Scenario> scenarios;
  for (const std::string& path : job.flags().get_all("scenario")) {
    std::string json;
    std::vector<Scenario> parsed;
    if (Status s = read_file(path, &json); !s.ok()) return job.refuse(s.message());
    if (Status s = parse_scenarios(json, baseline_json, as_of, &parsed); !s.ok()) {
      return job.refuse(path + ": " + s.message());
    }
    for (Scenario& s : parsed) scenarios.push_back(std::move(s));
  }
  if (Status s = job.load_master(baseline); !s.ok()) return job.refuse(s.message());
  const double load_seconds = job.seconds();
  std::vector<WhatIfResult> results;
  if (Status s = run_whatif(job.table(), job.index(), baseline, as_of, scenarios, &results);
      !s.ok()) {
    return job.refuse(s.message());
  }
  const double compute_seconds = job.seconds() - load_seconds;
  const std::string out = job.flags().get("out");
  if (scenarios.size() == 1) {
    if (Status s = write_whatif(out, scenarios[0], results[0]); !s.ok()) return job.fail(s);
  } else {
    std::string index = "scenario,name,from,to";
    for (const char* c : kCostColumnNames) index += std::string(",") + c;
    index += '\n';
    for (size_t i = 0; i < scenarios.size(); ++i) {
      char folder[32];
      std::snprintf(folder, sizeof folder, "scenario-%02zu", i + 1);
      if (Status s = write_whatif(out + "/" + folder, scenarios[i], results[i]); !s.ok()) {
        return job.fail(s);
      }
      index += folder;
      index += ',';
      append_csv_field(&index, scenarios[i].name);
      index.append(",").append(format_month(scenarios[i].from));
      index.append(",").append(format_month(scenarios[i].to));
      for (int64_t v : results[i].totals) {
        index += ',';
        append_number(&index, v);
      }
      index += '\n';
    }
    if (Status s = write_file(out + "/scenarios.csv", index); !s.ok()) return job.fail(s);
  }
  if (!job.flags().has("quiet")) {
    for (size_t i = 0; i < scenarios.size(); ++i) {
      const WhatIfResult& r = results[i];
      std::printf("%s (%s..%s): delta cost Rs %lld; last month %lld gain, %lld lose, %lld level\n",
                  scenarios[i].name.c_str(), format_month(scenarios[i].from).c_str(),
                  format_month(scenarios[i].to).c_str(), (long long)r.totals[kDeltaCost],
                  (long long)r.last_month.gain, (long long)r.last_month.lose,
                  (long long)r.last_month.level);
      if (!r.fates.empty()) {  // who is not costed (fates.csv)
        const MonthFates& f = r.fates.back();
        std::printf("  not costed in %s: baseline %lld stopped, %lld mismatched; scenario %lld "
                    "stopped, %lld mismatched (fates.csv)\n",
                    format_month(f.month).c_str(), (long long)f.baseline.stopped,
                    (long long)f.baseline.mismatched, (long long)f.scenario.stopped,
                    (long long)f.scenario.mismatched);
      }
    }
    std::printf("  %zu rows, %zu scenario(s); time: load %.2f s, compute %.2f s; files in %s\n",
                job.table().rows, scenarios.size(), load_seconds, compute_seconds, out.c_str());
  }
  return kExitOk;
}

int arrears_command(const Arguments& args) {
  Job job("arrears", {"profile", "revised", "employees", "from", "to", "out", "threads"});
  int exit = kExitOk;
  if (!job.start(args, kArrearsHelp, {"profile", "revised", "employees", "from", "to", "out"},
                 &exit)) {
    return exit;
  }
  Profile drawn, due;
  std::string drawn_json, due_json;
  Month from = 0, to = 0;
  if (Status s = job.profile("profile", &drawn, &drawn_json); !s.ok())
    return job.refuse(s.message());
  if (Status s = job.profile("revised", &due, &due_json); !s.ok()) return job.refuse(s.message());
  if (!job.month("from", &from).ok() || !job.month("to", &to).ok() || to < from) {
    return job.refuse("--from and --to must be months YYYY-MM with from <= to");
  }
  if (Status s = job.load_master(drawn); !s.ok()) return job.refuse(s.message());
  const double load_seconds = job.seconds();
  ArrearsResult result;
  if (Status s = run_arrears(job.table(), job.index(), drawn, due, from, to, &result); !s.ok()) {
    return job.refuse(s.message());
  }
  const double compute_seconds = job.seconds() - load_seconds;
  const std::string out = job.flags().get("out");
  const EmployeeTable& t = job.table();
  const TableIndex& index = job.index();
  if (Status s = make_folder(out); !s.ok()) return job.fail(s);
  std::string header;
  for (const std::string& c : result.columns) header += "," + c;
  auto bill_id = [&](std::string* line, Month month, uint32_t bill) {
    append_csv_field(line, format_month(month) + "/" + index.bills[bill].id_suffix);
  };

  // arrears.csv and unmatched.csv: by employee_id, then month.
  AtomicFile arrears(out + "/arrears.csv");
  arrears.write("employee_id,month,ddo_code,bill_id" + header + "\n");
  const std::vector<uint32_t>& rows = index.rows_by_employee_id;
  int64_t lines = 0;
  write_rows_parallel(&arrears, rows.size(), [&](size_t i, std::string* line) {
    const uint32_t r = rows[i];
    for (size_t m = 0; m < result.months.size(); ++m) {
      if (!result.months[m].paid_in_both(r)) continue;
      append_csv_field(line, t.employee_id[r]);
      line->append(",").append(format_month(result.months[m].month)).append(",");
      append_csv_field(line, t.ddo_code[r]);
      *line += ',';
      bill_id(line, result.months[m].month, index.bill_of_row[r]);
      const PayslipRow d = result.deltas(m, r);
      for (size_t c = 0; c < result.columns.size(); ++c) {
        *line += ',';
        append_number(line, d[c]);
      }
      *line += '\n';
    }
  });
  if (Status s = arrears.commit(); !s.ok()) return job.fail(s);
  std::string unmatched = "employee_id,month,drawn_fate,due_fate\n";
  for (uint32_t r : rows) {
    for (const ArrearsMonth& m : result.months) {
      if (m.paid_in_both(r) ||
          (Fate(m.drawn_fate[r]) != Fate::kPaid && Fate(m.due_fate[r]) != Fate::kPaid)) {
        lines += m.paid_in_both(r);
        continue;
      }
      append_csv_field(&unmatched, t.employee_id[r]);
      unmatched.append(",").append(format_month(m.month)).append(",");
      unmatched.append(kFateNames[m.drawn_fate[r]]).append(",").append(kFateNames[m.due_fate[r]]);
      unmatched.append("\n");
    }
  }
  if (Status s = write_file(out + "/unmatched.csv", unmatched); !s.ok()) return job.fail(s);

  // arrear_bills.csv: by bill id.
  std::string bills = "bill_id,employees" + header + "\n";
  Money total_gross = 0;
  const size_t gross_column = result.columns.size() - 2;
  for (const ArrearBill& b : result.bills) {
    bill_id(&bills, b.month, b.bill);
    bills += ',';
    append_number(&bills, b.employees);
    for (Money v : b.amounts) {
      bills += ',';
      append_number(&bills, v);
    }
    bills += '\n';
    total_gross += b.amounts[gross_column];
  }
  if (Status s = write_file(out + "/arrear_bills.csv", bills); !s.ok()) return job.fail(s);
  if (!job.flags().has("quiet")) {
    std::printf("arrears %s..%s: %lld lines, %zu bills, gross arrears Rs %lld\n",
                format_month(from).c_str(), format_month(to).c_str(), (long long)lines,
                result.bills.size(), (long long)total_gross);
    std::printf("  time: load %.2f s, compute %.2f s; files in %s\n", load_seconds, compute_seconds,
                out.c_str());
  }
  return kExitOk;
}

}  // namespace vetan
