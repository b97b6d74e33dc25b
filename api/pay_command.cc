// vetan pay (issue 12 item 3; docs/payment.md): ISO 20022 pain.001.001.03 credit-transfer
// files, bank advices and a manifest for the bills of a run folder; `vetan pay returns`
// imports the bank's pain.002 return file and lists the failed credits for the DDO.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "api/atomic_file.h"
#include "api/commands.h"
#include "api/file_batch.h"
#include "api/flags.h"
#include "api/output_writer.h"
#include "api/pay_bill.h"
#include "core/common/sha256.h"
#include "core/payment/latin_text.h"
#include "core/payment/pain001.h"
#include "core/payment/return_reasons.h"
#include "core/profile/month_rules.h"
#include "core/profile/profile.h"
#include "loaders/payment/csv_table.h"
#include "loaders/payment/debtors_json.h"
#include "loaders/payment/pain002_reader.h"
#include "loaders/payment/run_credits.h"

namespace vetan {
namespace {

const char kHelp[] =
    "usage: vetan pay --profile P.json --run RUNDIR --config debtors.json --out PAYDIR\n"
    "                 [--bill BILL_ID ...] [--execution-date YYYY-MM-DD] [--threads N] [--quiet]\n"
    "       vetan pay returns --payments PAYDIR --returns FILE.xml [--quiet]\n"
    "\n"
    "Writes, per bill of the run (every bill of bills.csv, or those named by --bill), an\n"
    "ISO 20022 pain.001.001.03 credit-transfer file debiting the DDO's account of the\n"
    "configuration, a bank-advice CSV, and PAYDIR/manifest.csv (ids, SHA-256, control sums).\n"
    "The same bill always gives the same bytes; a bill issued already is not issued again,\n"
    "and one issued with other content is refused. 'returns' reads the bank's pain.002\n"
    "status report and adds its rejected credits to PAYDIR/failed.csv.\n"
    "\n"
    "  --execution-date  the day the bank pays (ReqdExctnDt; default: the 1st of the next month)\n"
    "  --threads         worker threads (default: all cores); the files never depend on it\n"
    "\n"
    "Documentation: docs/payment.md (files, names, returns) and docs/outputs.md.\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan pay: %s\n", message.c_str());
  return kExitRefused;
}

constexpr const char* kManifestColumns[] = {
    "bill_id", "message_id", "payment_information_id", "transactions", "control_sum", "file",
    "sha256", "advice_file", "advice_sha256"};
constexpr const char kFailedHeader[] =
    "end_to_end_id,message_id,bill_id,employee_id,name,bank_account,ifsc,amount,reason_code,"
    "reason,additional_information,return_message_id\n";

// One bill to pay: its payslips and their credits and files (api/pay_bill.h).
struct BillPayment {
  const RunBill* bill = nullptr;
  const DebtorAccount* debtor = nullptr;
  std::vector<uint32_t> rows;  // payslip records, in payslips.csv order (employee_id)
  std::vector<PayslipCredit> payslips;
  BillPaymentFiles files;
  std::string problem;  // the first reason the bill cannot be paid, or ""
  PaymentIds ids;
};

// The bill's payslips brought into the Latin set and checked; fills p->files.credits.
void prepare(const RunCredits& c, const std::string& payslips, BillPayment* p) {
  p->payslips.reserve(p->rows.size());
  for (uint32_t r : p->rows) {
    p->payslips.push_back({c.employee_id[r], c.name[r], c.bank_account[r], c.ifsc[r], c.net[r]});
  }
  size_t bad = 0;
  const std::string problem = prepare_bill_credits(p->payslips, &p->files, &bad);
  if (!problem.empty()) {
    const uint32_t r = p->rows[bad];
    p->problem = payslips + ": line " + std::to_string(c.file_line[r]) + " (" + std::string(c.employee_id[r]) +
                 "): " + problem;
  }
}

void format(BillPayment* p, Month month, Date execution_date, const PaymentConfig& config) {
  format_bill_payment(p->bill->bill_id, month, execution_date, config.initiating_party, *p->debtor, &p->files);
}

std::string control_sum_text(Int128 sum) {
  std::string s;
  append_amount(&s, sum);
  return s;
}

int issue_command(const Arguments& args) {
  Flags flags({"profile", "run", "config", "out", "execution-date", "threads"}, {"help", "quiet"},
              {"bill"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message() + " (see vetan pay --help)");
  if (flags.has("help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "run", "config", "out"}); !s.ok()) return refuse(s.message());
  long long threads = tbb::info::default_concurrency();
  if (flags.has("threads") && !parse_count(flags.get("threads"), 1, 4096, &threads)) {
    return refuse("--threads '" + flags.get("threads") + "' is not a count from 1 to 4096");
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
  const auto started = std::chrono::steady_clock::now();
  const std::string run = flags.get("run"), out = flags.get("out");

  std::string text;
  if (Status s = read_file(flags.get("config"), &text); !s.ok()) return refuse(s.message());
  PaymentConfig config;
  if (Status s = parse_payment_config(text, &config); !s.ok()) {
    return refuse(flags.get("config") + ": " + s.message());
  }
  std::vector<RunBill> bills;
  if (Status s = read_run_bills(run + "/bills.csv", &bills); !s.ok()) return refuse(s.message());
  if (bills.empty()) return refuse(run + "/bills.csv: no bills to pay");
  Month month = 0;
  if (!parse_month(bills[0].month, &month)) {
    return refuse(run + "/bills.csv: line 2: month '" + bills[0].month + "' is not YYYY-MM");
  }
  for (const RunBill& b : bills) {
    if (b.month != bills[0].month) return refuse(run + "/bills.csv: bills of more than one month");
  }
  // The profile the run was made with must be valid and in force for the month.
  if (Status s = read_file(flags.get("profile"), &text); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(text, &profile); !s.ok()) return refuse(flags.get("profile") + ": " + s.message());
  MonthRules probe;
  if (Status s = resolve_month_rules(profile, month, Dictionary(), Dictionary(), &probe); !s.ok()) {
    return refuse(flags.get("profile") + ": " + s.message());
  }
  Date execution_date = first_day(month + 1);
  if (flags.has("execution-date") && !parse_iso_date(flags.get("execution-date"), &execution_date)) {
    return refuse("--execution-date '" + flags.get("execution-date") + "' is not a date YYYY-MM-DD");
  }

  // The bills asked for.
  std::unordered_map<std::string_view, uint32_t> bill_index;
  for (size_t i = 0; i < bills.size(); ++i) bill_index.emplace(bills[i].bill_id, uint32_t(i));
  std::set<std::string> wanted;
  for (const std::string& id : flags.get_all("bill")) {
    if (!bill_index.count(id)) return refuse("--bill '" + id + "': no such bill in " + run + "/bills.csv");
    wanted.insert(id);
  }

  auto credits = std::make_unique<RunCredits>();
  const std::string payslips = run + "/payslips.csv";
  if (Status s = read_run_credits(payslips, credits.get()); !s.ok()) return refuse(s.message());
  std::vector<BillPayment> payments(bills.size());
  for (size_t i = 0; i < bills.size(); ++i) payments[i].bill = &bills[i];
  for (uint32_t r = 0; r < credits->size(); ++r) {
    auto it = bill_index.find(credits->bill_id[r]);
    if (it == bill_index.end()) {
      return refuse(payslips + ": line " + std::to_string(credits->file_line[r]) + ": bill_id '" +
                    std::string(credits->bill_id[r]) + "' is not a bill of bills.csv");
    }
    payments[it->second].rows.push_back(r);
  }
  std::vector<BillPayment*> chosen;
  for (BillPayment& p : payments) {
    if (!wanted.empty() && !wanted.count(p.bill->bill_id)) continue;
    Money net = 0;
    for (uint32_t r : p.rows) net += credits->net[r];
    if (int64_t(p.rows.size()) != p.bill->employees || net != p.bill->net) {
      return refuse(run + ": bill " + p.bill->bill_id + ": bills.csv says " +
                    std::to_string(p.bill->employees) + " employees and net " +
                    std::to_string(p.bill->net) + ", payslips.csv holds " +
                    std::to_string(p.rows.size()) + " and " + std::to_string(net) +
                    " (not a complete run folder)");
    }
    auto debtor = config.debtors.find(p.bill->ddo_code);
    if (debtor == config.debtors.end()) {
      return refuse(flags.get("config") + ": no debtor account for DDO '" + p.bill->ddo_code +
                    "' (bill " + p.bill->bill_id + ")");
    }
    p.debtor = &debtor->second;
    p.ids = payment_ids(p.bill->bill_id, month);
    chosen.push_back(&p);
  }
  tbb::parallel_for(size_t(0), chosen.size(), [&](size_t i) { prepare(*credits, payslips, chosen[i]); });
  for (BillPayment* p : chosen) {
    if (!p->problem.empty()) return refuse("bill " + p->bill->bill_id + ": " + p->problem);
  }

  // What was issued before: the same bill must give the same bytes; two bills never share ids.
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return refuse(out + ": cannot create (" + error.message() + ")");
  CsvTable manifest;
  std::vector<std::string_view> columns(std::begin(kManifestColumns), std::end(kManifestColumns));
  if (Status s = read_csv_table(out + "/manifest.csv", columns, true, &manifest); !s.ok()) {
    return refuse(s.message());
  }
  std::map<std::string, std::vector<std::string>> issued;  // by bill_id
  std::map<std::string, std::string> bill_of_message;
  for (auto& row : manifest.rows) {
    bill_of_message[row[1]] = row[0];
    issued[row[0]] = row;
  }
  for (BillPayment* p : chosen) {
    auto other = bill_of_message.find(p->ids.message_id);
    if (other != bill_of_message.end() && other->second != p->bill->bill_id) {
      return refuse("bill " + p->bill->bill_id + ": its MsgId " + p->ids.message_id +
                    " is that of bill " + other->second + " issued before");
    }
  }
  std::vector<BillPayment*> again, fresh;
  for (BillPayment* p : chosen) (issued.count(p->bill->bill_id) ? again : fresh).push_back(p);
  tbb::parallel_for(size_t(0), again.size(), [&](size_t i) { format(again[i], month, execution_date, config); });
  size_t unchanged = 0;
  for (BillPayment* p : again) {
    const auto& row = issued[p->bill->bill_id];
    if (row[6] != p->files.xml_sha256 || row[8] != p->files.advice_sha256) {
      return refuse("bill " + p->bill->bill_id + " was issued as " + row[5] + " (sha256 " +
                    row[6] + ") with other content: it is not issued again (a second file could "
                    "pay twice); pay a correction through other salary (docs/payment.md)");
    }
    ++unchanged;
  }

  // Write: fresh bills in parallel, one flush to disk for all, then the manifest. A crash
  // between leaves files the manifest does not name; the next run writes the same bytes.
  FileBatch batch;
  auto write = [&](BillPayment* p) {
    batch.write(out + "/" + p->ids.message_id + ".xml", p->files.xml);
    batch.write(out + "/" + p->ids.message_id + "-advice.csv", p->files.advice);
    p->files.xml = std::string();  // the memory back before the next bill
    p->files.advice = std::string();
  };
  for (BillPayment* p : again) {  // a file lost since: written again, the same bytes
    if (!std::filesystem::exists(out + "/" + p->ids.message_id + ".xml", error) ||
        !std::filesystem::exists(out + "/" + p->ids.message_id + "-advice.csv", error)) {
      write(p);
    }
    p->files.xml = std::string();
    p->files.advice = std::string();
  }
  tbb::parallel_for(size_t(0), fresh.size(), [&](size_t i) {
    format(fresh[i], month, execution_date, config);
    write(fresh[i]);
  });
  if (Status s = batch.commit(); !s.ok()) {
    std::fprintf(stderr, "vetan pay: %s\n", s.message().c_str());
    return kExitFailed;
  }
  Int128 total = 0;
  size_t transactions = 0;
  for (BillPayment* p : fresh) {
    issued[p->bill->bill_id] = {p->bill->bill_id, p->ids.message_id, p->ids.payment_information_id,
                                std::to_string(p->files.credits.size()), control_sum_text(p->files.control_sum),
                                p->ids.message_id + ".xml", p->files.xml_sha256,
                                p->ids.message_id + "-advice.csv", p->files.advice_sha256};
    total += p->files.control_sum;
    transactions += p->files.credits.size();
  }
  std::string text_out;
  for (size_t i = 0; i < columns.size(); ++i) text_out += (i ? "," : "") + std::string(columns[i]);
  text_out += "\n";
  for (const auto& [id, row] : issued) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) text_out.push_back(',');
      append_csv_field(&text_out, row[i]);
    }
    text_out.push_back('\n');
  }
  AtomicFile file(out + "/manifest.csv");
  file.write(text_out);
  if (Status s = file.commit(); !s.ok()) {
    std::fprintf(stderr, "vetan pay: %s\n", s.message().c_str());
    return kExitFailed;
  }
  if (!flags.has("quiet")) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("vetan pay: %zu bills issued (%zu credits, INR %s.00), %zu already issued and "
                "unchanged, in %s (%.2f s)\n",
                fresh.size(), transactions, rupees(total).c_str(), unchanged, out.c_str(), seconds);
  }
  return kExitOk;
}

// vetan pay returns: the bank's pain.002 against what the manifest says was issued.
int pay_returns_command(const Arguments& args) {
  Flags flags({"payments", "returns"}, {"help", "quiet"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message() + " (see vetan pay --help)");
  if (flags.has("help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"payments", "returns"}); !s.ok()) return refuse(s.message());
  const std::string dir = flags.get("payments"), path = flags.get("returns");
  std::string bytes;
  if (Status s = read_file(path, &bytes); !s.ok()) return refuse(s.message());
  PaymentStatusReport report;
  if (Status s = read_pain002(bytes, path, &report); !s.ok()) return refuse(s.message());
  std::vector<std::string_view> columns(std::begin(kManifestColumns), std::end(kManifestColumns));
  CsvTable manifest;
  if (Status s = read_csv_table(dir + "/manifest.csv", columns, false, &manifest); !s.ok()) {
    return refuse(s.message());
  }
  const std::vector<std::string>* issued = nullptr;
  for (const auto& row : manifest.rows) {
    if (row[1] == report.original_message_id) issued = &row;
  }
  if (issued == nullptr) {
    return refuse(path + ": line " + std::to_string(report.original_line) + ": <OrgnlMsgId> '" +
                  report.original_message_id + "' is not a message of " + dir + "/manifest.csv");
  }
  if (Status s = check_return_group(report, path); !s.ok()) return refuse(s.message());
  const std::string advice_path = dir + "/" + (*issued)[7];
  std::string advice_bytes;
  if (Status s = read_file(advice_path, &advice_bytes); !s.ok()) return refuse(s.message());
  if (sha256_hex(advice_bytes) != (*issued)[8]) {
    return refuse(advice_path + ": not the advice the manifest recorded (sha256 differs)");
  }
  CsvTable advice;
  if (Status s = read_csv_table(advice_path, {"end_to_end_id", "employee_id", "name", "bank_account", "ifsc", "amount"},
                                false, &advice);
      !s.ok()) {
    return refuse(s.message());
  }
  std::map<std::string, const std::vector<std::string>*> by_id;
  for (const auto& row : advice.rows) by_id[row[0]] = &row;
  CsvTable failed;
  if (Status s = read_csv_table(dir + "/failed.csv", {"end_to_end_id"}, true, &failed); !s.ok()) {
    return refuse(s.message());
  }
  std::map<std::string, std::vector<std::string>> rows;  // failed.csv by end_to_end_id
  for (auto& row : failed.rows) rows[row[0]] = row;
  std::vector<std::string> added;
  std::vector<size_t> rejected;
  if (Status s = rejected_credits(report, path, {(*issued)[1], (*issued)[2], (*issued)[0]},
                                  [&](std::string_view id) { return by_id.count(std::string(id)) != 0; }, &rejected);
      !s.ok()) {
    return refuse(s.message());
  }
  for (size_t k : rejected) {
    const TransactionStatus& t = report.transactions[k];
    auto it = by_id.find(t.end_to_end_id);
    if (rows.count(t.end_to_end_id)) continue;
    const auto& a = *it->second;
    rows[t.end_to_end_id] = {t.end_to_end_id, report.original_message_id, (*issued)[0], a[advice.column("employee_id")],
                             a[advice.column("name")], a[advice.column("bank_account")],
                             a[advice.column("ifsc")], a[advice.column("amount")], t.reason_code,
                             std::string(return_reason_text(t.reason_code)),
                             t.additional_information, report.message_id};
    added.push_back(t.end_to_end_id);
  }
  std::string out = kFailedHeader;
  for (const auto& [id, row] : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out.push_back(',');
      append_csv_field(&out, row[i]);
    }
    out.push_back('\n');
  }
  AtomicFile file(dir + "/failed.csv");
  file.write(out);
  if (Status s = file.commit(); !s.ok()) {
    std::fprintf(stderr, "vetan pay: %s\n", s.message().c_str());
    return kExitFailed;
  }
  if (!flags.has("quiet")) {
    std::printf("vetan pay returns: %zu statuses for %s (bill %s), %zu credits failed newly; "
                "%s/failed.csv lists %zu\n",
                report.transactions.size(), report.original_message_id.c_str(), (*issued)[0].c_str(),
                added.size(), dir.c_str(), rows.size());
    for (const std::string& id : added) {
      const auto& row = rows[id];
      std::printf("  %s %s (%s): INR %s to %s at %s failed: %s %s; correct the account, then pay "
                  "through other salary\n",
                  id.c_str(), row[3].c_str(), row[4].c_str(), row[7].c_str(), row[5].c_str(),
                  row[6].c_str(), row[8].c_str(), row[9].c_str());
    }
  }
  return kExitOk;
}

}  // namespace

int pay_command(const Arguments& args) {
  if (!args.empty() && args[0] == "returns") {
    return pay_returns_command(Arguments(args.begin() + 1, args.end()));
  }
  return issue_command(args);
}

}  // namespace vetan
