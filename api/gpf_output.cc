#include "api/gpf_output.h"

#include <filesystem>
#include <functional>

#include "api/atomic_file.h"
#include "api/output_writer.h"
#include "core/common/json_text.h"
#include "core/gpf/gpf_months.h"

namespace vetan {
namespace {

// Accounts per block of monthly.csv (twelve lines each): blocks of about half a megabyte,
// so the window of blocks being formatted stays small.
constexpr size_t kMonthlyBlock = 1024;

// One CSV file: its header line, then `count` rows formatted in parallel by format(i, out).
Status write_csv(const std::string& path, const char* header, size_t count,
                 const std::function<void(size_t, std::string*)>& format, size_t block = 8192) {
  AtomicFile file(path);
  file.write(header);
  file.write("\n");
  write_rows_parallel(&file, count, format, block);
  return file.commit();
}

Status write_text(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text);
  return file.commit();
}

Status make_folder(const std::string& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return Status::io_error(folder + ": cannot create (" + error.message() + ")");
  return Status();
}

void append_refusal(std::string* out, const GpfRefused& refused, std::string_view payable = {},
                    std::string_view payment = {}) {
  out->append(kGpfRefusalNames[int(refused.reason)]);
  out->push_back(',');
  append_csv_field(out, gpf_refusal_detail(refused, payable, payment));
  out->push_back('\n');
}

}  // namespace

Status write_gpf_statement(const std::string& folder, const std::string& fy,
                           const GpfLedger& ledger, const GpfRates& rates,
                           const GpfStatementResult& r) {
  if (Status s = make_folder(folder); !s.ok()) return s;
  auto path = [&folder](const char* name) { return folder + "/" + name; };
  auto account = [&](Dictionary::Code code) { return ledger.accounts.value(code); };
  std::string fy_field;
  append_csv_field(&fy_field, fy);

  // gpf.md §4 statements.csv: the FY's figures of every listed account.
  Status s = write_csv(path("statements.csv"),
                       "gpf_account,fy,opening,credits,debits,interest,closing",
                       r.listed.size(), [&](size_t i, std::string* out) {
                         const Dictionary::Code code = r.listed[i];
                         const GpfYear& y = r.walks[code].year;
                         append_csv_field(out, account(code));
                         out->push_back(',');
                         out->append(fy_field);
                         for (Money v : {y.opening, y.credits, y.debits, y.interest, y.closing}) {
                           out->push_back(',');
                           append_number(out, v);
                         }
                         out->push_back('\n');
                       });
  if (!s.ok()) return s;

  // gpf.md §4 monthly.csv: twelve rows per listed account.
  std::string month_names[12], rates_text[12];
  for (int m = 0; m < 12; ++m) {
    month_names[m] = gpf_month_name(r.fy + m);
    rates_text[m] = gpf_percent_text(r.rate[m]);
  }
  s = write_csv(path("monthly.csv"), "gpf_account,month,credits,debits,balance,rate",
                r.listed.size(), [&](size_t i, std::string* out) {
                  const Dictionary::Code code = r.listed[i];
                  GpfMonths months;
                  gpf_statement_months(ledger, rates, r, code, &months);
                  for (size_t m = 0; m < 12; ++m) {
                    append_csv_field(out, account(code));
                    out->push_back(',');
                    out->append(month_names[m]);
                    for (Money v : {months.credits[m], months.debits[m], months.balance[m]}) {
                      out->push_back(',');
                      append_number(out, v);
                    }
                    out->push_back(',');
                    out->append(rates_text[m]);
                    out->push_back('\n');
                  }
                },
                kMonthlyBlock);
  if (!s.ok()) return s;

  s = write_csv(path("refused.csv"), "gpf_account,reason,detail", r.refused.size(),
                [&](size_t i, std::string* out) {
                  append_csv_field(out, account(r.refused[i]));
                  out->push_back(',');
                  append_refusal(out, r.walks[r.refused[i]].refused);
                });
  if (!s.ok()) return s;

  s = write_csv(path("problems.csv"), "line,gpf_account,problem", ledger.problems.size(),
                [&](size_t i, std::string* out) {
                  const GpfLineProblem& p = ledger.problems[i];
                  append_number(out, p.line);
                  out->push_back(',');
                  append_csv_field(out, p.account);
                  out->push_back(',');
                  append_csv_field(out, p.problem);
                  out->push_back('\n');
                });
  if (!s.ok()) return s;

  const GpfTotals& t = r.totals;
  std::string json = "{\n  \"fy\": " + json_quote(fy) + ",\n";
  json += "  \"accounts\": " + std::to_string(r.listed.size()) + ",\n";
  json += "  \"refused\": " + std::to_string(r.refused.size()) + ",\n";
  json += "  \"opening\": " + decimal_text(t.opening) + ",\n";
  json += "  \"credits\": " + decimal_text(t.credits) + ",\n";
  json += "  \"debits\": " + decimal_text(t.debits) + ",\n";
  json += "  \"interest\": " + decimal_text(t.interest) + ",\n";
  json += "  \"closing\": " + decimal_text(t.closing) + "\n}\n";
  return write_text(path("summary.json"), json);
}

Status write_gpf_final(const std::string& folder, const std::vector<GpfCase>& cases,
                       const GpfFinalResult& r) {
  if (Status s = make_folder(folder); !s.ok()) return s;
  auto path = [&folder](const char* name) { return folder + "/" + name; };
  auto case_fields = [&](const GpfCase& c, std::string* out) {
    append_csv_field(out, c.case_id);
    out->push_back(',');
    append_csv_field(out, c.account);
    out->push_back(',');
  };

  // gpf.md §5 final_payments.csv.
  Status s = write_csv(
      path("final_payments.csv"),
      "case_id,gpf_account,payable_month,payment_month,interest_to,opening,credits,debits,"
      "interest,amount_due",
      r.paid.size(), [&](size_t i, std::string* out) {
        const GpfCase& c = cases[r.paid[i]];
        const GpfYear& y = r.walks[r.paid[i]].year;
        case_fields(c, out);
        append_csv_field(out, c.payable_text);
        out->push_back(',');
        append_csv_field(out, c.payment_text);
        out->push_back(',');
        out->append(gpf_month_name(r.interest_to[r.paid[i]]));
        for (Money v : {y.opening, y.credits, y.debits, y.interest, y.closing}) {
          out->push_back(',');
          append_number(out, v);
        }
        out->push_back('\n');
      });
  if (!s.ok()) return s;

  s = write_csv(path("refused.csv"), "case_id,gpf_account,reason,detail", r.refused.size(),
                [&](size_t i, std::string* out) {
                  const GpfCase& c = cases[r.refused[i]];
                  case_fields(c, out);
                  append_refusal(out, r.walks[r.refused[i]].refused, c.payable_text,
                                 c.payment_text);
                });
  if (!s.ok()) return s;

  std::string json = "{\n  \"cases\": " + std::to_string(r.paid.size()) + ",\n";
  json += "  \"refused\": " + std::to_string(r.refused.size()) + ",\n";
  json += "  \"amount_due\": " + decimal_text(r.amount_due) + "\n}\n";
  return write_text(path("summary.json"), json);
}

}  // namespace vetan
