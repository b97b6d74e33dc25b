#include "api/run_folder.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "api/commands.h"
#include "api/csv_chunks.h"
#include "api/csv_scan.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// An integer field of a JSON object, or false.
bool json_integer(simdjson::dom::element object, const char* key, int64_t* value) {
  return object[key].get_int64().get(*value) == simdjson::SUCCESS;
}

}  // namespace

// summary.json (formats.md) against the month computed again: the same month and rows, and
// the same fates and totals (else the run was of another master or profile).
Status check_summary(const std::string& path, const std::string& employees,
                     const MonthResult& result) {
  std::string text;
  if (Status s = read_file(path, &text); !s.ok()) return Status::invalid_argument(s.message());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view month;
  if (parser.parse(text).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return Status::invalid_argument(path + ": not a JSON object");
  }
  if (root["month"].get_string().get(month) != simdjson::SUCCESS) {
    return Status::invalid_argument(path + ": no \"month\" string");
  }
  const std::string want = format_month(result.rules.month);
  if (month != want) {
    return Status::invalid_argument(path + ": the run is of " + std::string(month) + ", not " +
                                    want);
  }
  const RunSummary& s = result.summary;
  const std::pair<const char*, int64_t> figures[] = {
      {"rows", s.rows},   {"paid", s.paid},   {"stopped", s.stopped},
      {"mismatched", s.mismatched},           {"bills", s.bills},
      {"gross", s.gross}, {"total_deductions", s.total_deductions},
      {"net", s.net},     {"employer_nps", s.employer_nps}};
  for (const auto& [key, expected] : figures) {
    int64_t value = 0;
    if (!json_integer(root, key, &value)) {
      return Status::invalid_argument(path + ": no integer \"" + key + "\"");
    }
    if (value != expected) {
      return Status::invalid_argument(
          path + ": " + key + " is " + std::to_string(value) + ", but " + employees +
          (std::strcmp(key, "rows") == 0 ? " has " : " and the profile give ") +
          std::to_string(expected) + (std::strcmp(key, "rows") == 0 ? "" : " for " + want) +
          ": not the run of this month and master");
    }
  }
  return Status();
}

// payslips.csv (formats.md) against the month computed again: one record per PAID row,
// naming its employee_id and line, with the gross, income_tax and loan a close carries.
Status check_payslips(const std::string& path, const EmployeeTable& table,
                      const MonthResult& result) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return Status::invalid_argument(s.message());
  const std::string_view data = file.view();
  CsvRecordReader reader;
  size_t body = 0;
  if (!reader.next(data, &body) || reader.blank()) {
    return Status::invalid_argument(path + ": no header");
  }
  // formats.md: employee_id, line, seven text columns, then the layout's amounts (extra
  // columns may follow).
  const PayslipLayout& layout = result.layout;
  constexpr size_t kFirstAmount = 9;
  // A run with recoveries (docs/close.md §2) has the `recovery` column after `loan`; one
  // without has `total_deductions` there. Either way the folder must be the run as computed
  // again, with or without the recovery schedules given.
  const bool recovery = layout.has_recovery();
  const char* const names[] = {"employee_id", "line", "gross", "income_tax", "loan", "recovery"};
  const size_t amount_columns[] = {layout.gross, layout.income_tax, layout.loan, recovery ? layout.recovery : 0};
  const size_t position[] = {0, 1, kFirstAmount + layout.gross, kFirstAmount + layout.income_tax,
                             kFirstAmount + layout.loan, kFirstAmount + layout.loan + 1};
  const size_t checked = recovery ? 6 : 5;
  const size_t amounts_checked = checked - 2;
  for (size_t k = 0; k < checked; ++k) {
    const auto& fields = reader.fields();
    if (position[k] >= fields.size() || trim(fields[position[k]]) != names[k]) {
      return Status::invalid_argument(path + ": column " + std::to_string(position[k] + 1) +
                                      " of the header is not '" + names[k] +
                                      "' (formats.md, this profile's payslip columns" +
                                      (k == 5 ? std::string(", with the recovery schedules given") : "") + ")");
    }
  }
  if (!recovery && reader.fields().size() > position[5] && trim(reader.fields()[position[5]]) == "recovery") {
    return Status::invalid_argument(path + ": the run recovered over-payments (a 'recovery' column), "
                                    "but no recovery schedules were given (--recoveries)");
  }
  const size_t header_fields = reader.fields().size();
  size_t max_position = 0;
  for (size_t k = 0; k < checked; ++k) max_position = std::max(max_position, position[k]);
  const std::string month = format_month(result.rules.month);

  struct Found {
    size_t records = 0;
    size_t bad = SIZE_MAX;  // the first bad record of the chunk, counted in the chunk
    std::string problem;
  };
  std::vector<size_t> starts = guess_chunk_starts(data, body, size_t(4) << 20);
  std::vector<Found> found(starts.size() - 1);
  std::unique_ptr<std::atomic<uint8_t>[]> seen(new std::atomic<uint8_t>[table.rows]());
  read_csv_chunks(&starts, [&](size_t i, size_t begin, size_t limit) {
    Found& f = found[i];
    f = Found();
    CsvRecordReader records;
    size_t at = begin;
    auto fail = [&f](std::string problem) {
      if (f.bad == SIZE_MAX) {
        f.bad = f.records;
        f.problem = std::move(problem);
      }
    };
    // A record with no quote is cut at its commas here (api/csv_scan.h); `quick` then holds
    // the fields checked, at their positions. Any other is read by the reader.
    const char* const base = data.data();
    const char* const end = base + data.size();
    std::vector<std::string_view> quick(max_position + 1);
    std::vector<uint32_t> cuts(max_position + 3);
    while (at < limit) {
      const std::vector<std::string_view>* record = nullptr;
      size_t count = 0;
      const char* const p = base + at;
      const char* e = nullptr;
      if (surely_not_blank(*p)) count = cut_record(p, end, max_position + 1, cuts.data(), &e);
      if (e != nullptr && (e == end || *e != '"') && size_t(e - p) < (size_t(1) << 32)) {
        for (size_t k = 0; k < checked; ++k) {
          const size_t j = position[k];
          if (j >= count) continue;
          const size_t field_end = j + 1 < count ? cuts[j + 1] - 1 : size_t(e - p);
          quick[j] = std::string_view(p + cuts[j], field_end - cuts[j]);
        }
        at = size_t(e - base);
        if (e < end) at += (*e == '\r' && e + 1 < end && e[1] == '\n') ? 2 : 1;
        record = &quick;
      } else {
        if (!records.next(data, &at)) break;
        if (records.blank()) continue;
        record = &records.fields();
        count = record->size();
      }
      ++f.records;
      const auto& fields = *record;
      if (f.bad != SIZE_MAX) continue;
      if (count != header_fields) {
        fail(std::to_string(count) + " fields, the header has " +
             std::to_string(header_fields));
        continue;
      }
      int64_t line = 0;
      if (!parse_integer(trim(fields[position[1]]), &line) || line < 1 ||
          size_t(line) > table.rows) {
        fail("line '" + std::string(fields[position[1]]) + "' is not a line of the master (1 to " +
             std::to_string(table.rows) + ")");
        continue;
      }
      const size_t r = size_t(line - 1);
      const std::string_view id = trim(fields[position[0]]);
      if (id != table.employee_id[r]) {
        fail("employee_id '" + std::string(id) + "' is not the master's at line " +
             std::to_string(line) + " ('" + std::string(table.employee_id[r]) + "')");
        continue;
      }
      if (result.fate_of(r) != Fate::kPaid) {
        fail("line " + std::to_string(line) + " (" + std::string(id) + ") is not paid in " +
             month + " by this master and profile");
        continue;
      }
      if (seen[r].exchange(1) != 0) {
        fail("line " + std::to_string(line) + " (" + std::string(id) + ") is paid twice");
        continue;
      }
      for (size_t k = 0; k < amounts_checked; ++k) {
        int64_t amount = 0;
        const std::string_view text = trim(fields[position[2 + k]]);
        const Money expected = result.amount(amount_columns[k], r);
        if (!parse_integer(text, &amount) || amount != expected) {
          fail(std::string(names[2 + k]) + " of line " + std::to_string(line) + " (" +
               std::string(id) + ") is '" + std::string(text) + "', but this master and profile give " +
               std::to_string(expected) + " for " + month);
          break;
        }
      }
    }
    return at;
  });
  size_t records = 0;
  for (const Found& f : found) {
    if (f.bad != SIZE_MAX) {
      return Status::invalid_argument(path + ": payslip " + std::to_string(records + f.bad) +
                                      ": " + f.problem + ": not the run of this month and master");
    }
    records += f.records;
  }
  if (int64_t(records) != result.summary.paid) {
    return Status::invalid_argument(path + ": " + std::to_string(records) +
                                    " payslips, but this master and profile pay " +
                                    std::to_string(result.summary.paid) + " rows in " + month);
  }
  return Status();
}


Status read_run_month(const std::string& summary_path, Month* month) {
  std::string text;
  if (Status s = read_file(summary_path, &text); !s.ok()) return Status::invalid_argument(s.message());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view value;
  if (parser.parse(text).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return Status::invalid_argument(summary_path + ": not a JSON object");
  }
  if (root["month"].get_string().get(value) != simdjson::SUCCESS ||
      !parse_month(value, month)) {
    return Status::invalid_argument(summary_path + ": no \"month\" YYYY-MM string");
  }
  return Status();
}

}  // namespace vetan
