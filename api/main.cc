// vetan: the command line. A thin shell over core: it parses flags, calls the loaders and
// the pipeline, and writes files.
#include <cstdio>
#include <cstring>
#include <string>

#include "api/commands.h"

// jemalloc's settings for a batch run: transparent huge pages, and freed memory kept for
// reuse rather than returned to the kernel (page faults dominate otherwise).
extern "C" {
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}

namespace {

const char kUsage[] =
    "vetan — a state's monthly salary run, exact to the rupee.\n"
    "\n"
    "usage: vetan <command> [flags]\n"
    "\n"
    "commands:\n"
    "  run        compute a month: payslips, bills, mismatch report, stopped list\n"
    "  generate   write a realistic synthetic employee master (CSV)\n"
    "  whatif     cost pay revisions month by month against the baseline (docs/whatif.md)\n"
    "  arrears    arrears per employee and bill between two profiles (docs/whatif.md)\n"
    "  profile    show what a profile puts in force for a month, or check a profile\n"
    "  gpf        GPF ledgers: the FY statement and the Form PF-9 final payment (docs/gpf.md)\n"
    "  close      close a paid month: the next month's master (FY figures, loans, increments)\n"
    "  pay        pain.001 bank files, advices and a manifest per bill; import returns (docs/payment.md)\n"
    "  returns    income-tax returns of a quarter: Form 24Q, Form 16 Part B, Form 24G\n"
    "  sign       sign a file (a bill's canonical bytes, a payment file): detached CMS\n"
    "  verify     check a file's detached CMS signature against a CA bundle\n"
    "  payslips   print a run's payslips as PDF, in Hindi and English (a bill, a DDO, or all)\n"
    "  serve      the monthly cycle as a REST service (roles, calendar, audit trail)\n"
    "  tokens     make an API token (and a DDO's TOTP secret) for vetan serve\n"
    "\n"
    "Run 'vetan <command> --help' for a command's flags. Documentation: docs/README.md\n"
    "(the master's columns, the files written, mismatch reasons, profiles, the rules).\n"
    "Exit codes: 0 done, 1 failed while running, 2 refused (bad input; one line on stderr).\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? vetan::kExitRefused : vetan::kExitOk;
  }
  const std::string command = argv[1];
  vetan::Arguments args(argv + 2, argv + argc);
  if (command == "run") return vetan::run_command(args);
  if (command == "generate") return vetan::generate_command(args);
  if (command == "serve") return vetan::serve_command(args);
  if (command == "tokens") return vetan::tokens_command(args);
  if (command == "whatif") return vetan::whatif_command(args);
  if (command == "arrears") return vetan::arrears_command(args);
  if (command == "profile") return vetan::profile_command(args);
  if (command == "gpf") return vetan::gpf_command(args);
  if (command == "close") return vetan::close_command(args);
  if (command == "pay") return vetan::pay_command(args);
  if (command == "returns") return vetan::returns_command(args);
  if (command == "sign") return vetan::sign_command(args);
  if (command == "verify") return vetan::verify_command(args);
  if (command == "payslips") return vetan::payslips_command(args);
  std::fprintf(stderr, "vetan: unknown command '%s' (try 'vetan --help')\n", command.c_str());
  return vetan::kExitRefused;
}
