// vetan profile show / vetan profile check (docs/profile.md): a profile read the way a
// treasury officer checks it before a run — what is in force for a month, or whether the
// file is valid at all and which months it can pay.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "api/commands.h"
#include "api/flags.h"
#include "api/rupees.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"

namespace vetan {
namespace {

const char kProfileHelp[] =
    "usage: vetan profile show --profile PROFILE.json --month YYYY-MM\n"
    "       vetan profile check PROFILE.json [--month YYYY-MM]\n"
    "\n"
    "show   prints what the profile puts in force for the month (rules of docs/rules.md):\n"
    "       the pay matrix version and its levels, DA, the HRA tier and its percents,\n"
    "       NPA, each allowance's bands (with DA where it applies), each deduction, the\n"
    "       GPF minimum and rates, NPS rates, licence fees, the income-tax year and the\n"
    "       service calendar.\n"
    "check  validates the profile (docs/profile.md) and prints the months it can pay;\n"
    "       with --month, also that the month has everything in force.\n"
    "\n"
    "Both accept the profile as --profile P or as the first argument.\n"
    "Exit 0 when the profile is valid (and in force for --month); exit 2 with one line on\n"
    "stderr naming the file, the key and the problem otherwise.\n";

// What both subcommands read: the profile (parsed and validated) and the optional month.
struct Request {
  std::string path;
  Profile profile;
  bool has_month = false;
  Month month = 0;
};

int refuse(const char* command, const std::string& message) {
  std::fprintf(stderr, "vetan profile %s: %s\n", command, message.c_str());
  return kExitRefused;
}

// Parses the arguments after the subcommand's name; *exit is set when the command is over.
bool read_request(const char* command, Arguments args, Request* request, int* exit) {
  if (!args.empty() && args[0].rfind("--", 0) != 0) {  // the profile as the first argument
    args.insert(args.begin(), "--profile");
  }
  Flags flags({"profile", "month"}, {"help"});
  if (Status s = flags.parse(args); !s.ok()) {
    *exit = refuse(command, s.message());
    return false;
  }
  if (flags.has("help")) {
    std::fputs(kProfileHelp, stdout);
    *exit = kExitOk;
    return false;
  }
  if (Status s = flags.require({"profile"}); !s.ok()) {
    *exit = refuse(command, s.message());
    return false;
  }
  request->path = flags.get("profile");
  request->has_month = flags.has("month");
  if (request->has_month && !parse_month(flags.get("month"), &request->month)) {
    *exit = refuse(command, "--month '" + flags.get("month") + "' is not YYYY-MM");
    return false;
  }
  std::string json;
  if (Status s = read_file(request->path, &json); !s.ok()) {
    *exit = refuse(command, s.message());
    return false;
  }
  if (Status s = parse_profile(json, &request->profile); !s.ok()) {
    *exit = refuse(command, request->path + ": " + s.message());
    return false;
  }
  return true;
}

// rules §1 "in force": the entry with the greatest `from` <= month and its index, or -1.
template <typename Entry>
int in_force(const std::vector<Entry>& list, Month month) {
  int best = -1;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].from <= month) best = int(i);
  }
  return best;
}

// Levels in the order of the matrix in force, runs of consecutive ones as "L-3..L-8";
// levels the matrix does not have are listed after, as given.
std::string level_runs(const std::vector<std::string>& names, const PayMatrix& matrix) {
  std::vector<bool> named(matrix.levels.size(), false);
  std::vector<std::string> others;
  for (const std::string& n : names) {
    const auto it = std::find(matrix.levels.begin(), matrix.levels.end(), n);
    if (it == matrix.levels.end()) {
      others.push_back(n);
    } else {
      named[size_t(it - matrix.levels.begin())] = true;
    }
  }
  std::string out;
  for (size_t i = 0; i < named.size();) {
    if (!named[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < named.size() && named[j + 1]) ++j;
    out += (out.empty() ? "" : ", ") + matrix.levels[i] +
           (j == i ? "" : (j == i + 1 ? ", " : "..") + matrix.levels[j]);
    i = j + 1;
  }
  for (const std::string& n : others) out += (out.empty() ? "" : ", ") + n + " (not in the matrix)";
  return out;
}

std::string by_class(const ClassAmounts& a) {
  return "X ₹" + rupees(a[0]) + ", Y ₹" + rupees(a[1]) + ", Z ₹" + rupees(a[2]);
}

// A level table as "L-1..L-5: ₹250; L-6: ₹450; ...": levels of equal amounts grouped.
std::string level_table(const LevelTable& table, const PayMatrix& matrix) {
  if (table.empty()) return "none";
  std::vector<std::pair<Money, std::vector<std::string>>> groups;
  for (const auto& [level, amount] : table) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == amount; });
    if (it == groups.end()) {
      groups.emplace_back(amount, std::vector<std::string>{level});
    } else {
      it->second.push_back(level);
    }
  }
  std::string out;
  for (const auto& [amount, levels] : groups) {
    out += (out.empty() ? "" : "; ") + level_runs(levels, matrix) + ": ₹" + rupees(amount);
  }
  return out;
}

// Amount slabs (profile.md up_to bands): "up to ₹15,000: ₹0; above: ₹200".
std::string slabs(const std::vector<AmountBand>& bands) {
  std::string out;
  for (const AmountBand& b : bands) {
    out += out.empty() ? "" : "; ";
    out += (b.up_to == kNoLimit ? std::string("above") : "up to ₹" + rupees(b.up_to)) + ": ₹" +
           rupees(b.amount);
  }
  return out;
}

// Columns `text` takes on a terminal: its characters (UTF-8 lead bytes).
size_t width(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Prints `text` wrapped at 100 columns: the first line after `first`, the others indented
// by `rest`.
void print_wrapped(const std::string& text, const std::string& first, const std::string& rest) {
  std::string line;
  const std::string* indent = &first;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(i, end - i);
    if (!line.empty() && width(*indent) + width(line) + 1 + width(word) > 100) {
      std::printf("%s%s\n", indent->c_str(), line.c_str());
      line.clear();
      indent = &rest;
    }
    line += (line.empty() ? "" : " ") + word;
    i = end + 1;
  }
  if (!line.empty()) std::printf("%s%s\n", indent->c_str(), line.c_str());
}

// "FY 2026-27" for the income-tax entry starting in April `from`.
std::string financial_year(Month from) {
  const int32_t y = month_year(from);
  const int32_t next = (y + 1) % 100;
  return "FY " + std::to_string(y) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

// The months the profile can pay, as ranges "2016-04..2027-03" (every month from the
// first with a matrix, a DA rate and an income-tax year to the last income-tax year's end).
std::string payable_months(const Profile& p) {
  Month first = p.pay_matrix.front().from;
  first = std::max(first, p.da.front().from);
  first = std::max(first, p.income_tax.front().from);
  const Month last = p.income_tax.back().from + 11;
  std::string out;
  Month open = -1;
  for (Month m = first; m <= last + 1; ++m) {
    MonthRules rules;
    const bool ok = m <= last && resolve_month_rules(p, m, Dictionary(), Dictionary(), &rules).ok();
    if (ok && open < 0) open = m;
    if (!ok && open >= 0) {
      out += (out.empty() ? "" : ", ") + format_month(open) + ".." + format_month(m - 1);
      open = -1;
    }
  }
  return out.empty() ? "none" : out;
}

int check(const Arguments& args) {
  Request request;
  int exit = kExitOk;
  if (!read_request("check", args, &request, &exit)) return exit;
  const Profile& p = request.profile;
  if (request.has_month) {
    MonthRules rules;
    if (Status s = resolve_month_rules(p, request.month, Dictionary(), Dictionary(), &rules); !s.ok()) {
      return refuse("check", request.path + ": " + s.message());
    }
  }
  std::printf("%s: valid profile '%s': %zu pay matrix version(s) from %s, %zu DA rate(s), income "
              "tax for %s..%s; pays %s\n",
              request.path.c_str(), p.name.c_str(), p.pay_matrix.size(),
              format_month(p.pay_matrix.front().from).c_str(), p.da.size(),
              financial_year(p.income_tax.front().from).c_str(),
              financial_year(p.income_tax.back().from).c_str(), payable_months(p).c_str());
  return kExitOk;
}

int show(const Arguments& args) {
  Request request;
  int exit = kExitOk;
  if (!read_request("show", args, &request, &exit)) return exit;
  if (!request.has_month) return refuse("show", "missing flag '--month'");
  const Profile& p = request.profile;
  const Month month = request.month;
  Dictionary levels;  // every level of the matrix in force, so MonthRules covers them all
  const int matrix_index = in_force(p.pay_matrix, month);
  if (matrix_index >= 0) {
    for (const std::string& level : p.pay_matrix[size_t(matrix_index)].levels) levels.add(level);
  }
  MonthRules rules;
  if (Status s = resolve_month_rules(p, month, levels, Dictionary(), &rules); !s.ok()) {
    return refuse("show", request.path + ": " + s.message());
  }
  const PayMatrix& matrix = p.pay_matrix[size_t(matrix_index)];
  const DaRate& da = p.da[size_t(in_force(p.da, month))];
  const std::string when = format_month(month);

  std::printf("profile %s (%s): the rules in force for %s\n\n", p.name.c_str(),
              request.path.c_str(), when.c_str());
  std::printf("service      retirement at %lld (the last day of the month the age is reached);\n"
              "             %s of basic while suspended (subsistence)\n",
              static_cast<long long>(p.retirement_age), percent(p.subsistence_percent).c_str());

  std::printf("pay matrix   version from %s (%d of %zu%s), %zu levels:\n",
              format_month(matrix.from).c_str(), matrix_index + 1, p.pay_matrix.size(),
              size_t(matrix_index) + 1 < p.pay_matrix.size()
                  ? (", next from " + format_month(p.pay_matrix[size_t(matrix_index) + 1].from)).c_str()
                  : "",
              matrix.levels.size());
  for (size_t l = 0; l < matrix.levels.size(); ++l) {
    const std::vector<Money>& cells = matrix.cells[l];
    std::printf("               %-8s %3zu cell%s  ₹%s .. ₹%s\n", matrix.levels[l].c_str(),
                cells.size(), cells.size() == 1 ? " " : "s", rupees(cells.front()).c_str(),
                rupees(cells.back()).c_str());
  }

  std::printf("DA           %s of basic + NPA (rate from %s)\n", percent(da.percent).c_str(),
              format_month(da.from).c_str());
  BasisPoints tier = 0;
  for (const HraTier& t : p.hra_tiers) {
    if (t.da_at_least <= rules.da) tier = t.da_at_least;
  }
  std::printf("HRA          tier of DA >= %s: X %s, Y %s, Z %s of basic, at least %s;\n"
              "             none with government quarters\n",
              percent(tier).c_str(), percent(rules.hra_percent[0]).c_str(),
              percent(rules.hra_percent[1]).c_str(), percent(rules.hra_percent[2]).c_str(),
              by_class(p.hra_minimum).c_str());
  std::printf("NPA          %s of basic%s\n", percent(p.npa_percent).c_str(),
              p.npa_max_basic_plus_npa == kNoLimit
                  ? ""
                  : (", basic + NPA at most ₹" + rupees(p.npa_max_basic_plus_npa)).c_str());

  std::printf("allowances   %s\n", p.allowances.empty() ? "none" : "(payslip order; full-month amounts by allowance class)");
  for (const Allowance& a : p.allowances) {
    std::string head = a.code;
    if (a.da_applies) head += " (DA applies: " + percent(rules.da) + " on the amount)";
    if (!a.when_exempt_from.empty()) {
      head += " (only to rows whose exempt_deductions holds " + a.when_exempt_from + ")";
    }
    print_wrapped(head, "  ", "    ");
    for (const AllowanceBand& b : a.bands) {
      ClassAmounts with_da = b.amount;
      if (a.da_applies) {
        for (Money& x : with_da) x += rnd_percent(x, rules.da);
      }
      print_wrapped(level_runs(b.levels, matrix) +
                        (b.min_basic > 0 ? " from a basic of ₹" + rupees(b.min_basic) : "") + ": " +
                        by_class(b.amount) +
                        (a.da_applies ? "; with DA " + by_class(with_da) : ""),
                    "    ", "      ");
    }
  }

  std::printf("deductions   %s\n", p.deductions.empty() ? "none" : "(payslip order)");
  for (const Deduction& d : p.deductions) {
    switch (d.basis) {
      case DeductionBasis::kByLevel:
        print_wrapped(d.code + " by level: " + level_table(d.by_level, matrix), "  ", "    ");
        break;
      case DeductionBasis::kByGross:
        print_wrapped(d.code + " by paid gross: " + slabs(d.bands), "  ", "    ");
        break;
      case DeductionBasis::kByBasic:
        print_wrapped(d.code + " by full-month matrix basic: " + slabs(d.bands), "  ", "    ");
        break;
    }
  }
  if (!p.deductions.empty()) {
    std::printf("             (none for a row whose exempt_deductions names the code)\n");
  }

  const std::string basis = " (on gpf_basis_pay when given, else the basic)";
  switch (p.gpf_minimum_rule) {
    case GpfMinimumRule::kPercentOfBasic:
      print_wrapped("minimum subscription " + percent(p.gpf_minimum_percent) +
                        " of pay, rounded up to a rupee" + basis,
                    "GPF          ", "             ");
      break;
    case GpfMinimumRule::kByLevel:
      print_wrapped("minimum subscription by level: " + level_table(p.gpf_minimum_table, matrix),
                    "GPF          ", "             ");
      break;
    case GpfMinimumRule::kByBasic:
      print_wrapped("minimum subscription by pay" + basis + ": " + slabs(p.gpf_minimum_bands),
                    "GPF          ", "             ");
      break;
  }
  print_wrapped(std::string("at most the full-month basic; none while suspended") +
                    (p.gpf_no_subscription_last_months > 0
                         ? ", nor in the last " + std::to_string(p.gpf_no_subscription_last_months) +
                               " months of service"
                         : ""),
                "             ", "             ");
  const int interest = in_force(p.gpf_interest, month);
  if (interest >= 0) {
    print_wrapped("interest " + percent(p.gpf_interest[size_t(interest)].percent) +
                      " a year (rate from " + format_month(p.gpf_interest[size_t(interest)].from) +
                      "); a month's subscription is credited " +
                      (p.gpf_salary_credited_next_month ? "the next month" : "the same month"),
                  "             ", "             ");
  } else {
    std::printf("             no interest rate in force (vetan gpf refuses the month)\n");
  }
  std::printf("NPS          employee %s, employer %s of paid basic + NPA + DA\n",
              percent(p.nps_employee_percent).c_str(), percent(p.nps_employer_percent).c_str());
  print_wrapped("with government quarters, by level: " +
                    level_table(p.licence_fee_by_level, matrix),
                "licence fee  ", "             ");

  const IncomeTaxYear& tax = *rules.tax;
  std::printf("income tax   %s (entry from %s); %s is month %d of the year: R = min(%d, months\n"
              "             of service left)\n",
              financial_year(tax.from).c_str(), format_month(tax.from).c_str(), when.c_str(),
              13 - rules.months_left, rules.months_left);
  std::printf("             standard deduction ₹%s\n", rupees(tax.standard_deduction).c_str());
  Money below = 0;
  for (const TaxSlab& s : tax.slabs) {
    if (s.up_to == kNoLimit) {
      std::printf("             above ₹%s: %s\n", rupees(below).c_str(), percent(s.percent).c_str());
    } else {
      std::printf("             ₹%s to ₹%s: %s\n", rupees(below).c_str(), rupees(s.up_to).c_str(),
                  percent(s.percent).c_str());
      below = s.up_to;
    }
  }
  std::printf("             rebate: no tax up to a taxable income of ₹%s (marginal relief above)\n",
              rupees(tax.rebate_limit).c_str());
  for (const SurchargeTier& s : tax.surcharge) {
    std::printf("             surcharge %s above ₹%s\n", percent(s.percent).c_str(),
                rupees(s.above).c_str());
  }
  std::printf("             health and education cess %s\n", percent(tax.cess_percent).c_str());

  const Calendar& c = p.calendar;
  std::printf("calendar     master edits days %d-%d, employee proposals %d-%d, DDO approval %d-%d,\n"
              "             stop payment until day %d, automatic run %d-%d, other salary from day %d\n",
              c.master_edit[0], c.master_edit[1], c.employee_proposals[0], c.employee_proposals[1],
              c.ddo_approval[0], c.ddo_approval[1], c.stop_payment_until, c.auto_run[0],
              c.auto_run[1], c.other_salary_from);
  if (!p.description.empty()) {
    std::printf("\nabout this profile (its sources, and what is approximate):\n");
    print_wrapped(p.description, "  ", "  ");
  }
  return kExitOk;
}

}  // namespace

int profile_command(const Arguments& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const Arguments rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (sub == "show") return show(rest);
  if (sub == "check") return check(rest);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::fputs(kProfileHelp, stdout);
    return kExitOk;
  }
  std::fprintf(stderr, "vetan profile: %s (try 'vetan profile --help')\n",
               sub.empty() ? "which? 'show' or 'check'"
                           : ("unknown subcommand '" + sub + "'; use 'show' or 'check'").c_str());
  return kExitRefused;
}

}  // namespace vetan
