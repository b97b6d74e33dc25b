#include "api/output_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>
#include <vector>

#include "api/bill_text.h"
#include "api/chunked_rows.h"
#include "api/file_batch.h"
#include "api/person_fields.h"
#include "api/schedule_writer.h"
#include "core/run/month_run.h"

namespace vetan {
namespace {

const char* fund_name(uint8_t fund) { return FundType(fund) == FundType::kCa ? "CA" : "SF"; }

// Rows per formatting chunk (api/chunked_rows.h), for about 1 MiB of output each: a payslip
// line is about 220 bytes, a bill's about 190, and the rows of mismatches.csv and
// stopped.csv are a few in a hundred of the rows scanned.
constexpr size_t kPayslipChunkRows = 4096;
constexpr size_t kBillChunkRows = 4096;
constexpr size_t kFateChunkRows = 65536;

// Rows ahead of the one formatted whose scattered data is requested.
constexpr size_t kPrefetchRows = 16;

}  // namespace

void append_number(std::string* out, int64_t value) {
  if (value >= 0 && value < 10) {  // most amounts of a payslip are 0
    out->push_back(char('0' + value));
    return;
  }
  char buffer[24];
  auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, size_t(r.ptr - buffer));
}

std::string decimal_text(Int128 value) {
  Int128 magnitude = value < 0 ? -value : value;
  std::string digits;
  do {
    digits.push_back(char('0' + int(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude > 0);
  if (value < 0) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

std::string rupees(Int128 value) {
  const std::string digits = decimal_text(value < 0 ? -value : value);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const size_t left = n - i - 1;
    if (left > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0))) out.push_back(',');
  }
  return (value < 0 ? "-" : "") + out;
}

namespace {

// True iff one of the 8 bytes of `word` is 0 (exact: no false positives).
inline bool has_zero_byte(uint64_t word) {
  return ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull) != 0;
}

// True iff `value` holds a comma, a quote or a line break: 8 bytes at a time, then the tail.
inline bool needs_quotes(std::string_view value) {
  const char* p = value.data();
  const size_t n = value.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (has_zero_byte(w ^ 0x2c2c2c2c2c2c2c2cull) || has_zero_byte(w ^ 0x2222222222222222ull) ||
        has_zero_byte(w ^ 0x0d0d0d0d0d0d0d0dull) || has_zero_byte(w ^ 0x0a0a0a0a0a0a0a0aull)) {
      return true;
    }
  }
  bool special = false;
  for (; i < n; ++i) {
    const char c = p[i];
    special |= c == ',' || c == '"' || c == '\r' || c == '\n';
  }
  return special;
}

}  // namespace

void append_csv_field(std::string* out, std::string_view value) {
  if (!needs_quotes(value)) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string summary_json(const MonthResult& result) {
  const RunSummary& s = result.summary;
  std::string json = "{\n  \"month\": \"" + format_month(result.rules.month) + "\",\n";
  auto field = [&json](const char* name, int64_t value) {
    json += std::string("  \"") + name + "\": " + std::to_string(value) + ",\n";
  };
  field("rows", s.rows);
  field("paid", s.paid);
  field("stopped", s.stopped);
  field("mismatched", s.mismatched);
  field("bills", s.bills);
  field("gross", s.gross);
  field("total_deductions", s.total_deductions);
  field("net", s.net);
  field("employer_nps", s.employer_nps);
  json += "  \"reasons\": {";
  bool first = true;
  for (int i = 0; i < kReasonCount; ++i) {
    if (s.reasons[size_t(i)] == 0) continue;
    json += first ? "\n" : ",\n";
    json += std::string("    \"") + kReasonCodes[i] + "\": " + std::to_string(s.reasons[size_t(i)]);
    first = false;
  }
  json += first ? "}\n}\n" : "\n  }\n}\n";
  return json;
}

Status write_run_outputs(const std::string& folder, const EmployeeTable& t, const TableIndex& index,
                         const MonthResult& result) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return Status::io_error(folder + ": cannot create (" + error.message() + ")");
  const PayslipLayout& layout = result.layout;
  const std::string month = format_month(result.rules.month);
  auto path = [&folder](const char* name) { return folder + "/" + name; };
  // One ring of formatting buffers for every file of the run (api/chunked_rows.h).
  ChunkBuffers buffers;
  const BillText bill_text(t, index, month);
  // Every file of the run, flushed to disk together once all are written.
  StreamedFileBatch batch;

  // "YYYY-MM/suffix" as one CSV field.
  auto append_bill_id = [&month](std::string* out, std::string_view suffix) {
    if (suffix.find_first_of(",\"\r\n") == std::string_view::npos) {
      out->append(month).push_back('/');
      out->append(suffix);
    } else {
      append_csv_field(out, month + "/" + std::string(suffix));
    }
  };

  // payslips.csv: PAID rows by employee_id.
  {
    const size_t file = batch.open(path("payslips.csv"));
    std::string header =
        "employee_id,line,bill_id,treasury_code,ddo_code,bill_group,budget_head,fund_type,"
        "payable_days";
    for (const std::string& name : layout.names) header += "," + name;
    batch.write(file, header + kPersonColumns + "\n");
    const std::vector<uint32_t>& order = index.rows_by_employee_id;
    write_rows_chunked(
        &buffers, order.size(), kPayslipChunkRows,
        [&](size_t i, std::string* out) {
          // Rows come nearly in file order, their bills scattered: ask for the bill text
          // ahead (api/bill_text.h).
          if (i + 2 * kPrefetchRows < order.size())
            bill_text.prefetch_entry(order[i + 2 * kPrefetchRows]);
          if (i + kPrefetchRows < order.size()) bill_text.prefetch(order[i + kPrefetchRows]);
          const uint32_t r = order[i];
          if (result.fate_of(r) != Fate::kPaid) return;
          append_csv_field(out, t.employee_id[r]);
          out->push_back(',');
          append_number(out, int64_t(r) + 1);
          out->push_back(',');
          bill_text.append(out, r, true);
          for (std::string_view text :
               {t.budget_head[r], std::string_view(fund_name(t.fund_type[r]))}) {
            out->push_back(',');
            append_csv_field(out, text);
          }
          out->push_back(',');
          append_number(out, result.payable_days[r]);
          const PayslipRow slip = result.payslip(r);
          for (size_t c = 0; c < layout.columns; ++c) {
            out->push_back(',');
            append_number(out, slip[c]);
          }
          append_person_fields(out, t, r);
          out->push_back('\n');
        },
        [&](std::string_view bytes) { batch.write(file, bytes); });
  }

  // bills.csv and bill_heads.csv, sorted by bill id.
  {
    const size_t file = batch.open(path("bills.csv"));
    std::string header = "bill_id,month,treasury_code,ddo_code,bill_group,employees";
    for (const std::string& name : layout.names) header += "," + name;
    batch.write(file, header + "\n");
    write_rows_chunked(
        &buffers, result.bills.size(), kBillChunkRows,
        [&](size_t i, std::string* out) {
          const BillTotals& bill = result.bills[i];
          append_bill_id(out, index.bills[bill.bill].id_suffix);
          out->push_back(',');
          out->append(month);
          // Codes of the bill's first paid row (two keys may spell one id when codes hold '/').
          const uint32_t r = bill.first_row;
          for (std::string_view text : {t.treasury_code[r], t.ddo_code[r], t.bill_group[r]}) {
            out->push_back(',');
            append_csv_field(out, text);
          }
          out->push_back(',');
          append_number(out, bill.employees);
          for (Money amount : bill.amounts) {
            out->push_back(',');
            append_number(out, amount);
          }
          out->push_back('\n');
        },
        [&](std::string_view bytes) { batch.write(file, bytes); });
  }
  {
    const size_t file = batch.open(path("bill_heads.csv"));
    batch.write(file, "bill_id,budget_head,fund_type,employees,gross,total_deductions,net\n");
    write_rows_chunked(
        &buffers, result.bill_heads.size(), kBillChunkRows,
        [&](size_t i, std::string* out) {
          const BillHeadTotals& h = result.bill_heads[i];
          append_bill_id(out, index.bills[h.bill].id_suffix);
          out->push_back(',');
          append_csv_field(out, t.budget_head.dictionary.value(h.budget_head));
          out->push_back(',');
          out->append(fund_name(h.fund_type));
          for (int64_t v : {h.employees, h.gross, h.total_deductions, h.net}) {
            out->push_back(',');
            append_number(out, v);
          }
          out->push_back('\n');
        },
        [&](std::string_view bytes) { batch.write(file, bytes); });
  }

  // mismatches.csv and stopped.csv, by line: each a pass over the rows that skips the
  // others' (the fates are one byte a row, read in order).
  for (const Fate fate : {Fate::kMismatch, Fate::kStopped}) {
    const bool stopped = fate == Fate::kStopped;
    const size_t file = batch.open(path(stopped ? "stopped.csv" : "mismatches.csv"));
    batch.write(file, stopped ? "line,employee_id,ddo_code,stop_reason,name\n"
                              : "line,employee_id,ddo_code,reasons,detail,name\n");
    write_rows_chunked(
        &buffers, t.rows, kFateChunkRows,
        [&](size_t r, std::string* out) {
          const Fate f = result.fate_of(r);
          if (f == Fate::kPaid || (f == Fate::kStopped) != stopped) return;
          append_number(out, int64_t(r) + 1);
          out->push_back(',');
          append_csv_field(out, t.employee_id[r]);
          out->push_back(',');
          append_csv_field(out, t.ddo_code[r]);
          out->push_back(',');
          if (stopped) {
            append_csv_field(out, t.stop_reason[r]);
          } else {
            bool first = true;
            for (int i = 0; i < kReasonCount; ++i) {
              if (result.reasons[r] & (1u << i)) {
                if (!first) out->push_back(';');
                out->append(kReasonCodes[i]);
                first = false;
              }
            }
            out->push_back(',');
            append_csv_field(out, mismatch_detail(t, result, r));
          }
          out->push_back(',');
          append_csv_field(out, t.name[r]);
          out->push_back('\n');
        },
        [&](std::string_view bytes) { batch.write(file, bytes); });
  }

  write_deduction_schedules(folder, t, index, result, bill_text, &buffers, &batch);
  batch.write(batch.open(path("summary.json")), summary_json(result));
  return batch.commit();
}

}  // namespace vetan
