// vetan payslips (issue 12 item 7): printable payslips in Hindi and English, as PDF, for
// the payslips of a run folder: all of them, one bill's or one DDO's. The run folder must be
// the run of this master and profile (api/run_folder.h checks it), so a printed payslip
// shows exactly what was paid. Drawing is api/payslip_pdf/; what a page holds,
// core/payslip/.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "api/atomic_file.h"
#include "api/commands.h"
#include "api/flags.h"
#include "api/payslip_pdf/payslip_pdf.h"
#include "api/run_folder.h"
#include "core/profile/profile.h"
#include "core/run/month_run.h"
#include "core/table/table_index.h"
#include "loaders/csv/csv_loader.h"

namespace vetan {
namespace {

const char kPayslipsHelp[] =
    "usage: vetan payslips --profile PROFILE.json --employees EMPLOYEES.csv --run DIR\n"
    "                      [--bill BILL_ID | --ddo DDO_CODE] --out FILE.pdf|FOLDER\n"
    "                      [--threads N] [--quiet]\n"
    "\n"
    "Prints the payslips 'vetan run' paid into DIR as PDF, one A4 page per employee, in\n"
    "Hindi and English: earnings, deductions, the net in figures and in words (lakh, crore),\n"
    "the bill, DDO and treasury, the employee's name, pay level and cell, and the bank\n"
    "account masked but for its last four digits. Pages go bill by bill (bill id order),\n"
    "then by employee_id. DIR must hold the run of this master and profile (summary.json\n"
    "and payslips.csv are checked against the month computed again).\n"
    "\n"
    "  --profile    the state's rules as JSON (profile.md)\n"
    "  --employees  the employee master the month was run on, CSV (formats.md)\n"
    "  --run        the folder 'vetan run' wrote for the month (its month is summary.json's)\n"
    "  --bill       only this bill's payslips (YYYY-MM/treasury/ddo/group, as in bills.csv)\n"
    "  --ddo        only the payslips of this DDO's bills\n"
    "  --out        a FILE.pdf for all the payslips chosen, or an existing FOLDER: one PDF per\n"
    "               bill in it, named after the bill id with '/' as '_', drawn in parallel;\n"
    "               each file written whole or not at all\n"
    "  --threads    worker threads for a FOLDER (default: all cores); the bytes never depend\n"
    "               on it\n"
    "  --quiet      print no summary\n"
    "\n"
    "Exit 0 when printed; exit 2 with one line on stderr, writing nothing, when refused (a\n"
    "flag missing or malformed, both --bill and --ddo, a file unreadable, a run folder that\n"
    "is not the run of this master and profile, no payslip on the bill or DDO); exit 1 when\n"
    "writing fails. Documentation: docs/payslips.md\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan payslips: %s\n", message.c_str());
  return kExitRefused;
}

// A bill's payslips to print: master rows in employee_id order.
struct BillPages {
  uint32_t bill;
  std::vector<uint32_t> rows;
};

// Draws `bill`'s pages (or all of `bills`') into one PDF handed to `file`.
Status print(const std::vector<BillPages>& bills, const EmployeeTable& table,
             const TableIndex& index, const MonthResult& result, const PayslipSheet& sheet,
             const std::string& month, const std::string& title, AtomicFile* file) {
  PayslipPdf pdf(sheet, month, title, [file](std::string_view bytes) { file->write(bytes); });
  std::string bill_id;
  std::vector<Money> amounts(result.layout.columns);  // the page's amounts, as Money
  for (const BillPages& b : bills) {
    bill_id = month + "/" + index.bills[b.bill].id_suffix;
    for (uint32_t row : b.rows) {
      PayslipPage page;
      page.month = month;
      page.bill_id = bill_id;
      page.treasury_code = table.treasury_code[row];
      page.ddo_code = table.ddo_code[row];
      page.employee_id = table.employee_id[row];
      page.name = table.name[row];
      page.pay_level = table.pay_level[row];
      page.pay_cell = int(table.pay_cell[row]);
      page.payable_days = int(result.payable_days[row]);
      const TextValue account = table.bank_account[row];
      const TextValue ifsc = table.ifsc[row];
      page.bank_account = account.view();
      page.ifsc = ifsc.view();
      const PayslipRow slip = result.payslip(row);
      for (size_t c = 0; c < amounts.size(); ++c) amounts[c] = slip[c];
      page.amounts = amounts.data();
      pdf.add_page(page);
    }
  }
  return pdf.finish();
}

std::string file_name_of(std::string bill_id) {
  for (char& c : bill_id) {
    if (c == '/') c = '_';
  }
  return bill_id + ".pdf";
}

}  // namespace

int payslips_command(const Arguments& args) {
  Flags flags({"profile", "employees", "run", "bill", "ddo", "out", "threads"}, {"help", "quiet"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message());
  if (flags.has("help")) {
    std::fputs(kPayslipsHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "employees", "run", "out"}); !s.ok()) return refuse(s.message());
  if (flags.has("bill") && flags.has("ddo")) return refuse("give --bill or --ddo, not both");
  long long threads = tbb::info::default_concurrency();
  if (flags.has("threads") && !parse_count(flags.get("threads"), 1, 4096, &threads)) {
    return refuse("--threads '" + flags.get("threads") + "' is not a number of threads");
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
  const std::string profile_path = flags.get("profile"), employees = flags.get("employees"),
                    run = flags.get("run"), out = flags.get("out");
  std::error_code error;
  if (!std::filesystem::is_directory(run, error)) return refuse(run + ": not a run folder");
  const bool to_folder = std::filesystem::is_directory(out, error);
  if (!to_folder) {
    const std::filesystem::path folder = std::filesystem::path(out).parent_path();
    if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
      return refuse(out + ": its folder " + folder.string() + " does not exist");
    }
  }
  Month month = 0;
  if (Status s = read_run_month(run + "/summary.json", &month); !s.ok()) return refuse(s.message());
  std::string json;
  if (Status s = read_file(profile_path, &json); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(json, &profile); !s.ok()) return refuse(profile_path + ": " + s.message());

  const auto start = std::chrono::steady_clock::now();
  MappedFile master;
  if (Status s = master.open(employees); !s.ok()) return refuse(s.message());
  EmployeeTable table;
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes(profile);
  if (Status s = parse_employees_csv(master.view(), employees, &table, options); !s.ok()) {
    return refuse(s.message());
  }
  const TableIndex index = build_table_index(table);
  MonthResult result;
  if (Status s = run_month(table, index, profile, month, &result); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }
  if (Status s = check_summary(run + "/summary.json", employees, result); !s.ok()) return refuse(s.message());
  if (Status s = check_payslips(run + "/payslips.csv", table, result); !s.ok()) return refuse(s.message());
  PayslipSheet sheet;
  if (Status s = PayslipSheet::from_columns(result.layout.names, &sheet); !s.ok()) {
    return refuse(profile_path + ": " + s.message());
  }

  // The pages: paid rows bill by bill, employee_id order within a bill.
  const std::string month_text = format_month(month);
  const std::string bill = flags.get("bill"), ddo = flags.get("ddo");
  std::vector<BillPages> bills(index.bills.size());
  for (uint32_t b = 0; b < bills.size(); ++b) bills[b].bill = b;
  for (uint32_t row : index.rows_by_employee_id) {
    if (result.fate_of(row) != Fate::kPaid) continue;
    const uint32_t b = index.bill_of_row[row];
    if (!bill.empty() && month_text + "/" + index.bills[b].id_suffix != bill) continue;
    if (!ddo.empty() && table.ddo_code[row] != ddo) continue;
    bills[b].rows.push_back(row);
  }
  std::erase_if(bills, [](const BillPages& b) { return b.rows.empty(); });
  if (bills.empty()) {
    return refuse(!bill.empty() ? "no payslip on bill '" + bill + "' in " + run
                  : !ddo.empty() ? "no payslip of DDO '" + ddo + "' in " + run
                                 : "no payslip in " + run);
  }
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto print_start = std::chrono::steady_clock::now();
  size_t pages = 0;
  for (const BillPages& b : bills) pages += b.rows.size();
  std::vector<Status> statuses(to_folder ? bills.size() : 1);
  if (to_folder) {
    std::vector<std::unique_ptr<AtomicFile>> files(bills.size());
    tbb::parallel_for(size_t(0), bills.size(), [&](size_t i) {
      const std::string id = month_text + "/" + index.bills[bills[i].bill].id_suffix;
      files[i] = std::make_unique<AtomicFile>((std::filesystem::path(out) / file_name_of(id)).string());
      statuses[i] = print({bills[i]}, table, index, result, sheet, month_text, "Payslips " + id,
                          files[i].get());
    });
    for (size_t i = 0; i < bills.size(); ++i) {
      if (!statuses[i].ok()) return refuse(statuses[i].message());
    }
    for (size_t i = 0; i < bills.size(); ++i) {
      if (Status s = files[i]->commit(); !s.ok()) {
        std::fprintf(stderr, "vetan payslips: %s\n", s.message().c_str());
        return kExitFailed;
      }
    }
  } else {
    AtomicFile file(out);
    const std::string title = "Payslips " + month_text +
                              (!bill.empty() ? " bill " + bill : !ddo.empty() ? " DDO " + ddo : "");
    if (Status s = print(bills, table, index, result, sheet, month_text, title, &file); !s.ok()) {
      return refuse(s.message());
    }
    if (Status s = file.commit(); !s.ok()) {
      std::fprintf(stderr, "vetan payslips: %s\n", s.message().c_str());
      return kExitFailed;
    }
  }
  const double print_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - print_start).count();
  if (!flags.has("quiet")) {
    std::printf("vetan payslips %s: %zu pages on %zu bills -> %s\n", month_text.c_str(), pages,
                bills.size(), out.c_str());
    std::printf("  time: load, run again and check %.2f s, print %.2f s (%.0f pages/s, %lld threads)\n",
                load_seconds, print_seconds, double(pages) / print_seconds,
                to_folder ? threads : 1LL);
  }
  return kExitOk;
}

}  // namespace vetan
