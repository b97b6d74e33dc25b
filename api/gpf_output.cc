#include "api/gpf_output.h"

#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "api/atomic_file.h"
#include "api/output_writer.h"
#include "core/common/json_text.h"
#include "core/gpf/gpf_months.h"

namespace vetan {
namespace {

// Accounts per block of monthly.csv (twelve lines each): blocks of about half a megabyte.
constexpr size_t kMonthlyBlock = 1024;

// Formats rows [0, count) in blocks of `block` rows, format(begin, end, out) appending rows
// [begin, end) to *out, in parallel, and writes the blocks in order as they are done: the
// writing overlaps the formatting of later blocks (tbb::parallel_pipeline), and at most
// `kTokens` blocks are held at once.
void write_blocks(AtomicFile* file, size_t count, size_t block,
                  const std::function<void(size_t, size_t, std::string*)>& format) {
  constexpr size_t kTokens = 8;
  std::vector<std::string> buffers(kTokens);
  size_t next = 0;
  tbb::parallel_pipeline(
      kTokens,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& flow) -> size_t {
                                       if (next >= count) {
                                         flow.stop();
                                         return 0;
                                       }
                                       const size_t begin = next;
                                       next = std::min(count, next + block);
                                       return begin;
                                     }) &
          tbb::make_filter<size_t, size_t>(tbb::filter_mode::parallel,
                                           [&](size_t begin) {
                                             // At most kTokens blocks are in flight and they finish
                                             // in order, so the block kTokens back, which used this
                                             // buffer, is written already.
                                             std::string& out = buffers[(begin / block) % kTokens];
                                             out.clear();
                                             format(begin, std::min(count, begin + block), &out);
                                             return begin;
                                           }) &
          tbb::make_filter<size_t, void>(tbb::filter_mode::serial_in_order, [&](size_t begin) {
            file->write(buffers[(begin / block) % kTokens]);
          }));
}

// One CSV file into *file (not committed): its header line, then `count` rows formatted in
// parallel by format(i, out).
void write_csv(AtomicFile* file, const char* header, size_t count,
               const std::function<void(size_t, std::string*)>& format, size_t block = 8192) {
  file->write(header);
  file->write("\n");
  write_rows_parallel(file, count, format, block);
}

// Commits every file, each whole or not at all, at once (each flush to disk waits on the
// disk, not the processor); the first failure in file order, if any.
Status commit_all(std::vector<std::unique_ptr<AtomicFile>>* files) {
  std::vector<Status> results(files->size());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < files->size(); ++i) {
    threads.emplace_back([&, i] { results[i] = (*files)[i]->commit(); });
  }
  if (!files->empty()) results[0] = (*files)[0]->commit();
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status();
}

// One CSV file: its header line, then `count` rows formatted in parallel by format(i, out).
Status write_csv(const std::string& path, const char* header, size_t count,
                 const std::function<void(size_t, std::string*)>& format, size_t block = 8192) {
  AtomicFile file(path);
  file.write(header);
  file.write("\n");
  write_rows_parallel(&file, count, format, block);
  return file.commit();
}

// Writes the decimal digits of `value` at `p`; returns the end (at most 20 bytes).
char* put_number(char* p, int64_t value) {
  if (value >= 0 && value < 10) {
    *p = char('0' + value);
    return p + 1;
  }
  return std::to_chars(p, p + 20, value).ptr;
}

char* put_text(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
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

  // gpf.md §4 statements.csv: the FY's figures of every listed account. Rows are
  // formatted straight into the block's bytes (each account's field quoted once).
  std::vector<std::unique_ptr<AtomicFile>> files;
  auto open = [&](const char* name) {
    files.push_back(std::make_unique<AtomicFile>(path(name)));
    return files.back().get();
  };
  AtomicFile& statements = *open("statements.csv");
  statements.write("gpf_account,fy,opening,credits,debits,interest,closing\n");
  write_blocks(&statements, r.listed.size(), 8192, [&](size_t begin, size_t end, std::string* out) {
    std::string field;
    for (size_t i = begin; i < end; ++i) {
      const Dictionary::Code code = r.listed[i];
      const GpfYear& y = r.walks[code].year;
      field.clear();
      append_csv_field(&field, account(code));
      const size_t at = out->size();
      out->resize(at + field.size() + fy_field.size() + 5 * 21 + 2);
      char* p = put_text(out->data() + at, field);
      *p++ = ',';
      p = put_text(p, fy_field);
      for (Money v : {y.opening, y.credits, y.debits, y.interest, y.closing}) {
        *p++ = ',';
        p = put_number(p, v);
      }
      *p++ = '\n';
      out->resize(size_t(p - out->data()));
    }
  });

  // gpf.md §4 monthly.csv: twelve rows per listed account.
  std::string month_names[12], rates_text[12];
  size_t fixed = 0;  // the bytes of a row besides its account and numbers, at most
  for (int m = 0; m < 12; ++m) {
    month_names[m] = gpf_month_name(r.fy + m);
    rates_text[m] = gpf_percent_text(r.rate[m]);
    fixed = std::max(fixed, month_names[m].size() + rates_text[m].size() + 6);
  }
  AtomicFile& monthly = *open("monthly.csv");
  monthly.write("gpf_account,month,credits,debits,balance,rate\n");
  write_blocks(&monthly, r.listed.size(), kMonthlyBlock,
               [&](size_t begin, size_t end, std::string* out) {
                 std::string field;
                 GpfMonths months;
                 for (size_t i = begin; i < end; ++i) {
                   const Dictionary::Code code = r.listed[i];
                   gpf_statement_months(ledger, rates, r, code, &months);
                   field.clear();
                   append_csv_field(&field, account(code));
                   const size_t at = out->size();
                   out->resize(at + 12 * (field.size() + fixed + 3 * 21));
                   char* p = out->data() + at;
                   for (size_t m = 0; m < 12; ++m) {
                     p = put_text(p, field);
                     *p++ = ',';
                     p = put_text(p, month_names[m]);
                     for (Money v : {months.credits[m], months.debits[m], months.balance[m]}) {
                       *p++ = ',';
                       p = put_number(p, v);
                     }
                     *p++ = ',';
                     p = put_text(p, rates_text[m]);
                     *p++ = '\n';
                   }
                   out->resize(size_t(p - out->data()));
                 }
               });

  write_csv(open("refused.csv"), "gpf_account,reason,detail", r.refused.size(),
            [&](size_t i, std::string* out) {
              append_csv_field(out, account(r.refused[i]));
              out->push_back(',');
              append_refusal(out, r.walks[r.refused[i]].refused);
            });
  write_csv(open("problems.csv"), "line,gpf_account,problem", ledger.problems.size(),
            [&](size_t i, std::string* out) {
              const GpfLineProblem& p = ledger.problems[i];
              append_number(out, p.line);
              out->push_back(',');
              append_csv_field(out, p.account);
              out->push_back(',');
              append_csv_field(out, p.problem);
              out->push_back('\n');
            });

  const GpfTotals& t = r.totals;
  std::string json = "{\n  \"fy\": " + json_quote(fy) + ",\n";
  json += "  \"accounts\": " + std::to_string(r.listed.size()) + ",\n";
  json += "  \"refused\": " + std::to_string(r.refused.size()) + ",\n";
  json += "  \"opening\": " + decimal_text(t.opening) + ",\n";
  json += "  \"credits\": " + decimal_text(t.credits) + ",\n";
  json += "  \"debits\": " + decimal_text(t.debits) + ",\n";
  json += "  \"interest\": " + decimal_text(t.interest) + ",\n";
  json += "  \"closing\": " + decimal_text(t.closing) + "\n}\n";
  open("summary.json")->write(json);
  return commit_all(&files);
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
