// vetan gpf statement | final (gpf.md §4-§5).
#include <sys/prctl.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "api/commands.h"
#include "api/flags.h"
#include "api/gpf_authority.h"
#include "api/gpf_output.h"
#include "api/output_writer.h"
#include "api/progress.h"
#include "core/gpf/final_payment.h"
#include "core/gpf/gpf_months.h"
#include "core/gpf/gpf_rates.h"
#include "core/gpf/statement.h"
#include "core/profile/profile.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan {
namespace {

const char kGpfHelp[] =
    "usage: vetan gpf statement --profile PROFILE.json --ledger LEDGER.csv --fy 2025-26 --out DIR\n"
    "       vetan gpf final --profile PROFILE.json --ledger LEDGER.csv --cases CASES.csv --out "
    "DIR\n"
    "       (both also take [--threads N] [--quiet])\n"
    "       vetan gpf verify AUTHORISATION.txt [--key AUTHORITY.pem]\n"
    "\n"
    "The General Provident Fund (gpf.md): interest by rule 11, a monthly product at the rate\n"
    "in force each month (the profile's gpf.interest), rounded to the rupee once a year.\n"
    "\n"
    "statement  every account's FY --fy, each FY walked from the account's first: writes\n"
    "           statements.csv, monthly.csv, refused.csv, problems.csv and summary.json\n"
    "final      the amount due on Form PF-9 for each case of --cases (case_id, gpf_account,\n"
    "           payable_month, payment_month), interest to the month before payment but at\n"
    "           most six months after payable: writes final_payments.csv, refused.csv and\n"
    "           summary.json\n"
    "verify     checks a PF-9 authorisation the service signed (GET /v1/pf9/cases/{case}/\n"
    "           authorisation), offline: its Ed25519 signature, and with --key that the key\n"
    "           is the authority's (GET /v1/gpf/authority-key). Exit 0 valid, 1 invalid\n"
    "           (the reason on stderr), 2 unusable file or key\n"
    "\n"
    "  --profile  the state's rules as JSON (profile.md); gpf.interest is required\n"
    "  --ledger   the GPF ledger, CSV: gpf_account, month, kind, amount[, reference]\n"
    "  --fy       the financial year, like 2025-26 (statement)\n"
    "  --cases    the final-payment cases, CSV (final)\n"
    "  --out      the output folder (created if needed)\n"
    "  --threads  worker threads (default: all cores); results never depend on it\n"
    "  --quiet    print no summary\n"
    "\n"
    "A ledger line that cannot be read is listed in problems.csv and its account refused\n"
    "(UNREADABLE_LINE); nothing is dropped. Exit 0 when done; exit 2 with one line on stderr\n"
    "when a file, the profile, --fy or the cases file is unusable; nothing is written then.\n";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool parse_fy(const std::string& text, Month* april) { return parse_gpf_fy(text, april); }

class GpfJob {
 public:
  explicit GpfJob(std::string name) : name_("gpf " + std::move(name)) {}

  int refuse(const std::string& message) const {
    std::fprintf(stderr, "vetan %s: %s\n", name_.c_str(), message.c_str());
    return kExitRefused;
  }
  int fail(const Status& s) const {
    std::fprintf(stderr, "vetan %s: %s\n", name_.c_str(), s.message().c_str());
    return kExitFailed;
  }

  // Parses the flags; returns false with *exit set when the command is over.
  bool start(const Arguments& args, const char* extra, int* exit) {
    flags_ =
        std::make_unique<Flags>(std::set<std::string>{"profile", "ledger", extra, "out", "threads"},
                                std::set<std::string>{"help", "quiet"});
    if (Status s = flags_->parse(args); !s.ok()) return (*exit = refuse(s.message())), false;
    if (flags_->has("help")) {
      std::fputs(kGpfHelp, stdout);
      return (*exit = kExitOk), false;
    }
    if (Status s = flags_->require({"profile", "ledger", extra, "out"}); !s.ok()) {
      return (*exit = refuse(s.message())), false;
    }
    threads_ = tbb::info::default_concurrency();
    if (flags_->has("threads") && !parse_count(flags_->get("threads"), 1, 4096, &threads_)) {
      return (*exit =
                  refuse("--threads '" + flags_->get("threads") + "' is not a number of threads")),
             false;
    }
    limit_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                   size_t(threads_));
    // The ledger's memory is written once, in many small runs: with transparent huge pages
    // (main.cc has jemalloc ask for them) each first touch zeroes 2 MiB, which took most of
    // the loading's time on the 2-core bench machine (README, GPF figures). Small pages here.
    ::prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    start_ = std::chrono::steady_clock::now();
    return true;
  }

  const Flags& flags() const { return *flags_; }
  long long threads() const { return threads_; }

  // gpf.md §1: the profile, which must hold gpf.interest.
  Status profile() {
    const std::string path = flags_->get("profile");
    std::string json;
    if (Status s = read_file(path, &json); !s.ok()) return s;
    if (Status s = parse_profile(json, &profile_); !s.ok()) {
      return Status::invalid_argument(path + ": " + s.message());
    }
    if (profile_.gpf_interest.empty()) {
      return Status::invalid_argument(path + ": gpf.interest is required by vetan gpf");
    }
    rates_ = GpfRates(profile_.gpf_interest);
    return Status();
  }
  const Profile& profile_value() const { return profile_; }
  const GpfRates& rates() const { return rates_; }

  Status load_ledger() {
    ProgressBar bar("loading");
    GpfLoadOptions options;
    if (bar.enabled()) {
      options.progress = [&bar](size_t done, size_t total) { bar.update(done, total); };
    }
    Status s = load_gpf_ledger(flags_->get("ledger"), &ledger_, options);
    load_seconds_ = seconds_since(start_);
    return s;
  }
  const GpfLedger& ledger() const { return ledger_; }

  // Times the phases after loading for the summary.
  void mark_computed() { compute_seconds_ = seconds_since(start_) - load_seconds_; }
  void print_times() const {
    std::printf("  time: load %.2f s, compute %.2f s, write %.2f s (%lld threads)\n", load_seconds_,
                compute_seconds_, seconds_since(start_) - load_seconds_ - compute_seconds_,
                threads_);
  }

 private:
  std::string name_;
  std::unique_ptr<Flags> flags_;
  std::unique_ptr<tbb::global_control> limit_;
  long long threads_ = 1;
  std::chrono::steady_clock::time_point start_;
  double load_seconds_ = 0, compute_seconds_ = 0;
  Profile profile_;
  GpfRates rates_;
  GpfLedger ledger_;
};

int statement_command(const Arguments& args) {
  GpfJob job("statement");
  int exit = kExitOk;
  if (!job.start(args, "fy", &exit)) return exit;
  const std::string fy_text = job.flags().get("fy");
  Month fy = 0;
  if (!parse_fy(fy_text, &fy)) {
    return job.refuse("--fy '" + fy_text + "' is not a financial year like 2025-26");
  }
  if (Status s = job.profile(); !s.ok()) return job.refuse(s.message());
  if (Status s = job.load_ledger(); !s.ok()) return job.refuse(s.message());
  GpfStatementResult result;
  if (Status s = compute_gpf_statement(job.ledger(), job.rates(), fy, &result); !s.ok()) {
    return job.refuse(s.message());
  }
  job.mark_computed();
  const std::string out = job.flags().get("out");
  if (Status s = write_gpf_statement(out, fy_text, job.ledger(), job.rates(), result); !s.ok()) {
    return job.fail(s);
  }
  if (!job.flags().has("quiet")) {
    const GpfTotals& t = result.totals;
    std::printf(
        "vetan gpf statement %s (%s): %s accounts, %s refused; %s ledger lines, %s "
        "unreadable\n",
        fy_text.c_str(), job.profile_value().name.c_str(),
        rupees(int64_t(result.listed.size())).c_str(),
        rupees(int64_t(result.refused.size())).c_str(),
        rupees(int64_t(job.ledger().posting_count() + job.ledger().problems.size())).c_str(),
        rupees(int64_t(job.ledger().problems.size())).c_str());
    std::printf("  opening Rs %s, credits Rs %s, debits Rs %s, interest Rs %s, closing Rs %s\n",
                rupees(t.opening).c_str(), rupees(t.credits).c_str(), rupees(t.debits).c_str(),
                rupees(t.interest).c_str(), rupees(t.closing).c_str());
    job.print_times();
    std::printf("  files: %s/{statements,monthly,refused,problems}.csv, summary.json\n",
                out.c_str());
  }
  return kExitOk;
}

int final_command(const Arguments& args) {
  GpfJob job("final");
  int exit = kExitOk;
  if (!job.start(args, "cases", &exit)) return exit;
  if (Status s = job.profile(); !s.ok()) return job.refuse(s.message());
  if (Status s = job.load_ledger(); !s.ok()) return job.refuse(s.message());
  GpfCases cases;
  if (Status s = load_gpf_cases(job.flags().get("cases"), &cases); !s.ok()) {
    return job.refuse(s.message());
  }
  // The cases before the file's first unreadable line are computed first: a month without
  // a rate among them is met before that line, as the oracle meets them (gpf.md §5).
  GpfFinalResult result;
  if (Status s = compute_gpf_final(job.ledger(), job.rates(), cases.cases, &result); !s.ok()) {
    return job.refuse(s.message());
  }
  if (!cases.unusable.ok()) return job.refuse(cases.unusable.message());
  job.mark_computed();
  const std::string out = job.flags().get("out");
  if (Status s = write_gpf_final(out, cases.cases, result); !s.ok()) return job.fail(s);
  if (!job.flags().has("quiet")) {
    std::printf("vetan gpf final (%s): %s cases, %s paid, %s refused; amount due Rs %s\n",
                job.profile_value().name.c_str(), rupees(int64_t(cases.cases.size())).c_str(),
                rupees(int64_t(result.paid.size())).c_str(),
                rupees(int64_t(result.refused.size())).c_str(), rupees(result.amount_due).c_str());
    job.print_times();
    std::printf("  files: %s/{final_payments,refused}.csv, summary.json\n", out.c_str());
  }
  return kExitOk;
}

// vetan gpf verify FILE [--key PUB]: 0 valid, 1 invalid, 2 unusable.
int gpf_verify_command(const Arguments& args) {
  std::string file, key_path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kGpfHelp, stdout);
      return kExitOk;
    }
    if (args[i] == "--key" || args[i].rfind("--key=", 0) == 0) {
      if (args[i] == "--key" && i + 1 == args.size()) {
        std::fputs("vetan gpf verify: --key needs a file\n", stderr);
        return kExitRefused;
      }
      key_path = args[i] == "--key" ? args[++i] : args[i].substr(6);
    } else if (args[i].rfind("--", 0) == 0 || !file.empty()) {
      std::fprintf(
          stderr,
          "vetan gpf verify: unexpected argument '%s' (usage: vetan gpf verify FILE [--key PUB])\n",
          args[i].c_str());
      return kExitRefused;
    } else {
      file = args[i];
    }
  }
  if (file.empty()) {
    std::fputs("vetan gpf verify: no file (usage: vetan gpf verify FILE [--key PUB])\n", stderr);
    return kExitRefused;
  }
  std::string document, key;
  if (Status s = read_file(file, &document); !s.ok()) {
    std::fprintf(stderr, "vetan gpf verify: %s\n", s.message().c_str());
    return kExitRefused;
  }
  if (!key_path.empty()) {
    if (Status s = read_file(key_path, &key); !s.ok()) {
      std::fprintf(stderr, "vetan gpf verify: %s\n", s.message().c_str());
      return kExitRefused;
    }
  }
  std::string detail;
  Pf9Authorisation a;
  const AuthorisationVerdict v = verify_pf9_authorisation(document, key, &detail, &a);
  if (v == AuthorisationVerdict::kValid) {
    std::printf(
        "%s: %s\n  case %s (%s), employee %s, account %s: %lld rupees to %s / %s, treasury %s; "
        "approved by %s at %s\n",
        file.c_str(), detail.c_str(), a.case_id.c_str(), a.application_number.c_str(),
        a.employee_id.c_str(), a.gpf_account.c_str(), static_cast<long long>(a.amount),
        a.bank_account.c_str(), a.ifsc.c_str(), a.treasury_code.c_str(), a.approved_by.c_str(),
        a.approved_at.c_str());
    return kExitOk;
  }
  const bool key_unusable = detail.rfind("the key ", 0) == 0;
  std::fprintf(stderr, "vetan gpf verify: %s: %s\n", key_unusable ? key_path.c_str() : file.c_str(),
               detail.c_str());
  return v == AuthorisationVerdict::kInvalid ? kExitFailed : kExitRefused;
}

}  // namespace

int gpf_command(const Arguments& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kGpfHelp, args.empty() ? stderr : stdout);
    return args.empty() ? kExitRefused : kExitOk;
  }
  const Arguments rest(args.begin() + 1, args.end());
  if (args[0] == "statement") return statement_command(rest);
  if (args[0] == "final") return final_command(rest);
  if (args[0] == "verify") return gpf_verify_command(rest);
  std::fprintf(stderr, "vetan gpf: unknown subcommand '%s' (statement, final or verify)\n",
               args[0].c_str());
  return kExitRefused;
}

}  // namespace vetan
