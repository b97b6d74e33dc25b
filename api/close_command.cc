// vetan close (issue 12): closes a month that `vetan run` paid and writes the next month's
// master (core/close/month_close.h says what changes; api/next_master_writer.h how it is
// written). The run folder must be the run of this month, master and profile: the month is
// computed again and compared with summary.json and payslips.csv. The folder then gets
// closed.json, and a month is closed once.
#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/atomic_file.h"
#include "api/commands.h"
#include "api/csv_chunks.h"
#include "api/flags.h"
#include "api/next_master_writer.h"
#include "api/progress.h"
#include "api/run_folder.h"
#include "core/close/month_close.h"
#include "core/recovery/recovery_close.h"
#include "core/common/json_text.h"
#include "core/common/sha256.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"
#include "core/run/month_run.h"
#include "core/table/table_index.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"
#include "loaders/recovery/recoveries_csv.h"

namespace vetan {
namespace {

const char kCloseHelp[] =
    "usage: vetan close --profile PROFILE.json --employees EMPLOYEES.csv --month YYYY-MM\n"
    "                   --run DIR --out NEXT.csv [--recoveries R.csv --recoveries-out NEXT-R.csv]\n"
    "                   [--threads N] [--quiet]\n"
    "\n"
    "Closes a month that 'vetan run' paid into DIR and writes the next month's master: the\n"
    "master's records as they are but for fy_gross_to_date and fy_tds_to_date (the month's\n"
    "payslips added; 0 from April), loan_balance (less the loan recovered), lwp_days (0),\n"
    "the annual increment on its date (1 July, or 1 January with increment_month 01:\n"
    "pay_cell + 1 and basic_pay from the matrix in force) and gpf_basis_pay (the March basic\n"
    "from April). Rows the run did not pay carry nothing of the month; stops are kept.\n"
    "DIR must hold the run of this month, master and profile (summary.json and payslips.csv\n"
    "are checked against the month computed again); it then gets closed.json, with the\n"
    "SHA-256 of NEXT.csv, and the month cannot be closed again.\n"
    "\n"
    "  --profile    the state's rules as JSON (profile.md)\n"
    "  --employees  the employee master the month was run on, CSV (formats.md)\n"
    "  --month      the month closed, YYYY-MM\n"
    "  --run        the folder 'vetan run' wrote for the month\n"
    "  --out        the next month's master; written whole or not at all\n"
    "  --recoveries the over-payment recovery schedules the month was run with (recoveries.csv,\n"
    "               docs/close.md); with --recoveries-out, where the next month's go: balances\n"
    "               less what each payslip recovered, oldest schedule first; the part over-paid\n"
    "               in the same financial year comes off fy_gross_to_date\n"
    "  --threads    worker threads (default: all cores); the output never depends on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when the month was closed; exit 2 with one line on stderr, writing nothing, when\n"
    "it cannot be (a flag missing or malformed, a file unreadable, a profile invalid or with\n"
    "nothing in force for the month or the next, a run folder that is not this month's run of\n"
    "this master, a month closed already); exit 1 when writing fails.\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan close: %s\n", message.c_str());
  return kExitRefused;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What closed.json says of an earlier close, for the refusal.
std::string earlier_close(const std::string& path) {
  std::string text;
  if (!read_file(path, &text).ok()) return "";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view month, out;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) return "";
  if (root["month"].get_string().get(month) != simdjson::SUCCESS) return "";
  std::string said = " (" + std::string(month) + " was closed";
  if (root["out"].get_string().get(out) == simdjson::SUCCESS) said += " into " + std::string(out);
  return said + ")";
}

std::string closed_json(const MonthClose& close, const std::string& employees,
                        const std::string& out, const std::string& sha256,
                        const RecoveryCloseCounts* recoveries, const std::string& recoveries_out,
                        const std::string& recoveries_sha256) {
  const CloseCounts& c = close.counts;
  std::string json = "{\n  \"month\": \"" + format_month(close.month) + "\",\n  \"next_month\": \"" +
                     format_month(close.next) + "\",\n  \"employees\": " + json_quote(employees) +
                     ",\n  \"out\": " + json_quote(out) + ",\n  \"out_sha256\": \"" + sha256 +
                     "\",\n";
  if (recoveries != nullptr) {
    json += "  \"recoveries_out\": " + json_quote(recoveries_out) + ",\n  \"recoveries_out_sha256\": \"" +
            recoveries_sha256 + "\",\n  \"recovered\": " + std::to_string(recoveries->recovered) +
            ",\n  \"recovery_rows\": " + std::to_string(recoveries->rows) +
            ",\n  \"recoveries_settled\": " + std::to_string(recoveries->settled) + ",\n";
  }
  const std::pair<const char*, int64_t> figures[] = {
      {"rows", int64_t(close.rows)}, {"changed_rows", c.changed_rows},
      {"carried", c.carried},        {"fy_reset", c.fy_reset},
      {"increments", c.increments},  {"pay_refixed", c.pay_refixed},
      {"gpf_basis_set", c.gpf_basis_set}, {"gpf_raised", c.gpf_raised},
      {"loans_repaid", c.loans_repaid}};
  for (size_t i = 0; i < std::size(figures); ++i) {
    json += std::string("  \"") + figures[i].first + "\": " + std::to_string(figures[i].second) +
            (i + 1 < std::size(figures) ? ",\n" : "\n");
  }
  return json + "}\n";
}

}  // namespace

int close_command(const Arguments& args) {
  Flags flags({"profile", "employees", "month", "run", "out", "threads", "recoveries", "recoveries-out"},
              {"help", "quiet"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message());
  if (flags.has("help")) {
    std::fputs(kCloseHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "employees", "month", "run", "out"}); !s.ok()) {
    return refuse(s.message());
  }
  long long threads = tbb::info::default_concurrency();
  if (flags.has("threads") && !parse_count(flags.get("threads"), 1, 4096, &threads)) {
    return refuse("--threads '" + flags.get("threads") + "' is not a number of threads");
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
  Month month = 0;
  if (!parse_month(flags.get("month"), &month)) {
    return refuse("--month '" + flags.get("month") + "' is not YYYY-MM");
  }
  const std::string profile_path = flags.get("profile"), employees = flags.get("employees"),
                    run = flags.get("run"), out = flags.get("out");
  const std::string marker = run + "/closed.json";
  const bool with_recoveries = flags.has("recoveries");
  if (with_recoveries != flags.has("recoveries-out")) {
    return refuse(with_recoveries ? "--recoveries needs --recoveries-out (where the next month's schedules go)"
                                  : "--recoveries-out needs --recoveries (the schedules the month was run with)");
  }
  const std::string recoveries_in = flags.get("recoveries"), recoveries_out = flags.get("recoveries-out");

  // Refusals that need no master first.
  std::error_code error;
  if (!std::filesystem::is_directory(run, error)) return refuse(run + ": not a run folder");
  if (std::filesystem::exists(marker, error)) {
    return refuse(marker + ": the month is closed already" + earlier_close(marker));
  }
  std::string json;
  if (Status s = read_file(profile_path, &json); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(json, &profile); !s.ok()) return refuse(profile_path + ": " + s.message());
  for (Month m : {month, month + 1}) {
    MonthRules probe;
    if (Status s = resolve_month_rules(profile, m, Dictionary(), Dictionary(), &probe); !s.ok()) {
      return refuse(profile_path + ": " + s.message());
    }
  }
  const std::filesystem::path out_folder = std::filesystem::path(out).parent_path();
  if (!out_folder.empty() && !std::filesystem::is_directory(out_folder, error)) {
    return refuse(out + ": its folder " + out_folder.string() + " does not exist");
  }
  if (std::filesystem::equivalent(out, employees, error)) {
    return refuse(out + ": is the master of the month closed (write the next month's elsewhere)");
  }

  if (!with_recoveries) {
    // A run that recovered over-payments is closed with its schedules, or its recoveries
    // would be lost: say so before computing anything.
    std::string header;
    std::ifstream payslips(run + "/payslips.csv", std::ios::binary);
    std::getline(payslips, header);
    const std::string column = ",recovery,";
    if ((header + ",").find(column) != std::string::npos) {
      return refuse(run + "/payslips.csv: the run recovered over-payments (a 'recovery' column); close it with "
                          "--recoveries (the schedules it was run with) and --recoveries-out");
    }
  }
  std::vector<RecoverySchedule> schedules;
  if (with_recoveries) {
    if (std::filesystem::equivalent(recoveries_out, recoveries_in, error)) {
      return refuse(recoveries_out + ": is the month's recovery schedules (write the next month's elsewhere)");
    }
    if (Status s = read_recoveries_csv(recoveries_in, &schedules); !s.ok()) return refuse(s.message());
  }

  // The master, kept mapped: the next one is its own records rewritten.
  const auto start = std::chrono::steady_clock::now();
  MappedFile master;
  if (Status s = master.open(employees); !s.ok()) return refuse(s.message());
  EmployeeTable table;
  {
    ProgressBar bar("loading");
    CsvLoadOptions options;
    options.deduction_codes = deduction_codes(profile);
    if (bar.enabled()) options.progress = [&bar](size_t done, size_t total) { bar.update(done, total); };
    if (Status s = parse_employees_csv(master.view(), employees, &table, options); !s.ok()) {
      return refuse(s.message());
    }
  }
  const TableIndex index = build_table_index(table);
  if (with_recoveries) {
    if (Status s = recovery_dues(table, index, schedules, &table.recovery_due); !s.ok()) {
      return refuse(recoveries_in + ": " + s.message());
    }
  }
  const double load_seconds = seconds_since(start);
  const auto check_start = std::chrono::steady_clock::now();
  MonthResult result;
  if (Status s = run_month(table, index, profile, month, &result); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  if (Status s = check_summary(run + "/summary.json", employees, result); !s.ok()) {
    return refuse(s.message());
  }
  if (Status s = check_payslips(run + "/payslips.csv", table, result); !s.ok()) {
    return refuse(s.message());
  }
  const double check_seconds = seconds_since(check_start);
  const auto close_start = std::chrono::steady_clock::now();
  MonthClose close;
  if (Status s = close_month(table, result, &close); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  RecoveryCloseCounts recovered;
  if (with_recoveries || result.layout.has_recovery()) {
    if (Status s = close_recoveries(table, index, result, &schedules, &close, &recovered); !s.ok()) {
      return refuse(recoveries_in + ": " + s.message());
    }
  }
  const double close_seconds = seconds_since(close_start);
  const auto write_start = std::chrono::steady_clock::now();

  Sha256Stream digest;
  {
    AtomicFile file(out);
    ProgressBar bar("writing");
    size_t written = 0;
    const size_t total = master.view().size();
    Status s = write_next_master(master.view(), employees, close, [&](std::string_view bytes) {
      digest.update(bytes);
      file.write(bytes);
      bar.update(written += bytes.size(), total);
    });
    if (!s.ok()) return refuse(s.message());
    if (Status c = file.commit(); !c.ok()) {
      std::fprintf(stderr, "vetan close: %s\n", c.message().c_str());
      return kExitFailed;
    }
  }
  const std::string sha256 = digest.hex();
  std::string recoveries_sha256;
  if (with_recoveries) {
    const std::string bytes = format_recoveries_csv(schedules);
    recoveries_sha256 = sha256_hex(bytes);
    AtomicFile file(recoveries_out);
    file.write(bytes);
    if (Status c = file.commit(); !c.ok()) {
      std::fprintf(stderr, "vetan close: %s\n", c.message().c_str());
      return kExitFailed;
    }
  }
  const double write_seconds = seconds_since(write_start);
  {
    AtomicFile file(marker);
    file.write(closed_json(close, employees, out, sha256, with_recoveries ? &recovered : nullptr, recoveries_out,
                           recoveries_sha256));
    if (Status s = file.commit_new(); !s.ok()) {
      if (s.code() == Status::Code::kInvalidArgument) {
        return refuse(marker + ": the month is closed already" + earlier_close(marker));
      }
      std::fprintf(stderr, "vetan close: %s\n", s.message().c_str());
      return kExitFailed;
    }
  }
  if (!flags.has("quiet")) {
    const CloseCounts& c = close.counts;
    std::printf("vetan close %s -> %s (%s): %zu rows, %lld changed\n", format_month(month).c_str(),
                format_month(close.next).c_str(), profile.name.c_str(), close.rows,
                static_cast<long long>(c.changed_rows));
    std::printf("  carried %lld paid rows; increments %lld, pay re-fixed %lld; GPF basis set %lld, "
                "subscriptions raised %lld; loans repaid %lld%s\n",
                static_cast<long long>(c.carried), static_cast<long long>(c.increments),
                static_cast<long long>(c.pay_refixed), static_cast<long long>(c.gpf_basis_set),
                static_cast<long long>(c.gpf_raised), static_cast<long long>(c.loans_repaid),
                c.fy_reset > 0 ? "; FY figures restarted" : "");
    if (with_recoveries) {
      std::printf("  recovered Rs %s from %lld rows, %lld schedules settled; next schedules: %s\n",
                  std::to_string(recovered.recovered).c_str(), static_cast<long long>(recovered.rows),
                  static_cast<long long>(recovered.settled), recoveries_out.c_str());
    }
    std::printf("  next master: %s (sha256 %s); %s\n", out.c_str(), sha256.c_str(), marker.c_str());
    std::printf("  time: load and index %.2f s, month run again and checked %.2f s, close %.2f s, "
                "write %.2f s (%lld threads)\n",
                load_seconds, check_seconds, close_seconds, write_seconds, threads);
  }
  return kExitOk;
}

}  // namespace vetan
