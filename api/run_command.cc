// vetan run (formats.md "The command").
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "api/commands.h"
#include "api/flags.h"
#include "api/free_memory.h"
#include "api/output_writer.h"
#include "api/progress.h"
#include "api/rupees.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"
#include "core/run/month_run.h"
#include "core/table/table_index.h"
#include "core/recovery/recovery.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/recovery/recoveries_csv.h"

namespace vetan {
namespace {

// Masters from this size on give freed memory back between phases (10M rows: 8.0 GB peak
// without, 3.9 GB with). Below it the peak is small anyway, and reusing the kept pages
// spares the time of faulting in fresh ones (a 1M-row run: about 26,000 page faults).
constexpr uintmax_t kReleaseMemoryFromBytes = uintmax_t(512) << 20;

const char kRunHelp[] =
    "usage: vetan run --profile PROFILE.json --employees EMPLOYEES.csv --month YYYY-MM --out DIR\n"
    "                 [--recoveries RECOVERIES.csv] [--threads N] [--quiet]\n"
    "\n"
    "Computes one month for every row of the master (docs/rules.md) and writes payslips.csv,\n"
    "bills.csv, bill_heads.csv, mismatches.csv, stopped.csv and summary.json into DIR\n"
    "(docs/outputs.md; each mismatch reason and what a DDO does about it: docs/mismatches.md).\n"
    "\n"
    "  --profile    the state's rules as JSON (docs/profile.md), validated strictly\n"
    "  --employees  the employee master, UTF-8 CSV: its columns in docs/input.md\n"
    "  --month      the month to pay, YYYY-MM\n"
    "  --out        the output folder (created if needed)\n"
    "  --recoveries over-payment recovery schedules (docs/close.md): the payslips get a\n"
    "               'recovery' deduction after 'loan', never more than the net before it\n"
    "  --threads    worker threads (default: all cores); results never depend on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when the run completed, whatever the rows' fates; exit 2 with one line on\n"
    "stderr when it cannot start (a file unreadable, a profile invalid, a header lacking a\n"
    "required column, a malformed month); nothing is written then.\n"
    "Documentation: docs/README.md.\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan run: %s\n", message.c_str());
  return kExitRefused;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds (user and system, all threads) this process has used so far: beside each
// phase's wall time, what it cost on a machine shared with other work.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

Status read_file(const std::string& path, std::string* contents) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Status::io_error(path + ": cannot read (it is a folder)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::io_error(path + ": cannot read");
  *contents = buffer.str();
  return Status();
}

int run_command(const Arguments& args) {
  Flags flags({"profile", "employees", "month", "out", "threads", "recoveries"}, {"help", "quiet"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message());
  if (flags.has("help")) {
    std::fputs(kRunHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "employees", "month", "out"}); !s.ok()) {
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
  const auto start = std::chrono::steady_clock::now();
  const std::string profile_path = flags.get("profile");
  std::string json;
  if (Status s = read_file(profile_path, &json); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(json, &profile); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  {
    MonthRules probe;  // nothing in force for the month: refuse before reading the master
    if (Status s = resolve_month_rules(profile, month, Dictionary(), Dictionary(), &probe); !s.ok()) {
      return refuse(profile_path + ": " + s.message());
    }
  }

  double cpu[5] = {cpu_seconds(), 0, 0, 0, 0};  // at the start, then after each phase
  std::vector<RecoverySchedule> schedules;
  if (flags.has("recoveries")) {
    if (Status s = read_recoveries_csv(flags.get("recoveries"), &schedules); !s.ok()) return refuse(s.message());
  }

  EmployeeTable table;
  bool release = false;
  {
    ProgressBar bar("loading");
    CsvLoadOptions options;
    options.deduction_codes = deduction_codes(profile);
    if (bar.enabled()) options.progress = [&bar](size_t done, size_t total) { bar.update(done, total); };
    std::error_code error;
    const uintmax_t bytes = std::filesystem::file_size(flags.get("employees"), error);
    release = !error && bytes >= kReleaseMemoryFromBytes;
    if (release) options.release_memory = release_free_memory;
    if (Status s = load_employees_csv(flags.get("employees"), &table, options); !s.ok()) {
      return refuse(s.message());
    }
  }
  if (release) release_free_memory();
  const double load_seconds = seconds_since(start);
  cpu[1] = cpu_seconds();
  const auto index_start = std::chrono::steady_clock::now();
  const TableIndex index = build_table_index(table);
  if (release) release_free_memory();
  if (flags.has("recoveries")) {
    if (Status s = recovery_dues(table, index, schedules, &table.recovery_due); !s.ok()) {
      return refuse(flags.get("recoveries") + ": " + s.message());
    }
  }
  const double index_seconds = seconds_since(index_start);
  cpu[2] = cpu_seconds();
  const auto compute_start = std::chrono::steady_clock::now();
  MonthResult result;
  if (Status s = run_month(table, index, profile, month, &result); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  const double compute_seconds = seconds_since(compute_start);
  cpu[3] = cpu_seconds();
  const auto write_start = std::chrono::steady_clock::now();
  const std::string out = flags.get("out");
  if (Status s = write_run_outputs(out, table, index, result); !s.ok()) {
    std::fprintf(stderr, "vetan run: %s\n", s.message().c_str());
    return kExitFailed;
  }
  const double write_seconds = seconds_since(write_start);
  cpu[4] = cpu_seconds();

  if (!flags.has("quiet")) {
    const RunSummary& s = result.summary;
    std::printf("vetan run %s (%s): %s rows: %s paid, %s stopped, %s mismatched; %s bills\n",
                format_month(month).c_str(), profile.name.c_str(), rupees(s.rows).c_str(),
                rupees(s.paid).c_str(), rupees(s.stopped).c_str(), rupees(s.mismatched).c_str(),
                rupees(s.bills).c_str());
    std::printf("  gross Rs %s, deductions Rs %s, net Rs %s, employer NPS Rs %s\n",
                rupees(s.gross).c_str(), rupees(s.total_deductions).c_str(),
                rupees(s.net).c_str(), rupees(s.employer_nps).c_str());
    std::vector<std::pair<int64_t, int>> reasons;
    for (int i = 0; i < kReasonCount; ++i) {
      if (s.reasons[size_t(i)] > 0) reasons.emplace_back(s.reasons[size_t(i)], i);
    }
    std::sort(reasons.begin(), reasons.end(),
              [](auto a, auto b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    if (!reasons.empty()) {
      std::printf("  top mismatch reasons:");
      for (size_t i = 0; i < reasons.size() && i < 5; ++i) {
        std::printf("%s %s %s", i ? "," : "", kReasonCodes[reasons[i].second],
                    rupees(reasons[i].first).c_str());
      }
      std::printf("\n");
    }
    std::printf("  time: load %.2f s, index %.2f s, compute %.2f s, write %.2f s (%lld threads)\n",
                load_seconds, index_seconds, compute_seconds, write_seconds, threads);
    std::printf("  cpu: load %.2f s, index %.2f s, compute %.2f s, write %.2f s\n",
                cpu[1] - cpu[0], cpu[2] - cpu[1], cpu[3] - cpu[2], cpu[4] - cpu[3]);
    std::printf("  files: %s/{payslips,bills,bill_heads,mismatches,stopped}.csv, summary.json\n",
                out.c_str());
  }
  return kExitOk;
}

}  // namespace vetan
