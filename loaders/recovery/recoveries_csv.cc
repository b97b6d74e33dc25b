#include "loaders/recovery/recoveries_csv.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "loaders/payment/csv_table.h"

namespace vetan {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_int(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 15) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

void append_field(std::string* out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
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

}  // namespace

Status read_recoveries_csv(const std::string& path, std::vector<RecoverySchedule>* schedules) {
  std::vector<std::string_view> required(std::begin(kRecoveryColumns), std::end(kRecoveryColumns));
  CsvTable table;
  if (Status s = read_csv_table(path, required, false, &table); !s.ok()) return s;
  size_t at[std::size(kRecoveryColumns)];
  for (size_t c = 0; c < std::size(kRecoveryColumns); ++c) at[c] = table.column(kRecoveryColumns[c]);
  std::vector<RecoverySchedule> out;
  std::set<std::string> ids;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const std::vector<std::string>& row = table.rows[i];
    const std::string where = path + ": line " + std::to_string(table.lines[i]) + ": ";
    auto field = [&](size_t c) { return trim(row[at[c]]); };
    auto bad = [&](size_t c, const char* what) {
      return Status::invalid_argument(where + std::string(kRecoveryColumns[c]) + " '" + std::string(field(c)) +
                                      "' is not " + what);
    };
    RecoverySchedule s;
    s.recovery_id = std::string(field(0));
    s.employee_id = std::string(field(1));
    if (!parse_month(field(2), &s.month_found)) return bad(2, "a month YYYY-MM");
    if (!parse_month(field(3), &s.months_over_paid)) return bad(3, "a month YYYY-MM");
    int64_t n = 0;
    if (!parse_int(field(4), &s.amount)) return bad(4, "a whole number of rupees");
    if (!parse_int(field(5), &n) || n < 1 || n > kMaxRecoveryInstalments) {
      return bad(5, "a number of instalments (1..120)");
    }
    s.instalments = int32_t(n);
    if (!parse_int(field(6), &s.instalment)) return bad(6, "a whole number of rupees");
    if (!parse_int(field(7), &s.balance)) return bad(7, "a whole number of rupees");
    if (field(8) != "0" && field(8) != "1") return bad(8, "0 or 1");
    s.waived = field(8) == "1";
    s.reason = std::string(field(9));
    if (Status st = check_recovery(s); !st.ok()) return Status::invalid_argument(where + st.message());
    if (!ids.insert(s.recovery_id).second) {
      return Status::invalid_argument(where + "recovery_id " + s.recovery_id + " is on an earlier line too");
    }
    out.push_back(std::move(s));
  }
  *schedules = std::move(out);
  return Status();
}

std::string format_recoveries_csv(const std::vector<RecoverySchedule>& schedules) {
  std::vector<const RecoverySchedule*> sorted;
  for (const RecoverySchedule& s : schedules) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(),
            [](const RecoverySchedule* a, const RecoverySchedule* b) { return a->recovery_id < b->recovery_id; });
  std::string out;
  for (size_t c = 0; c < std::size(kRecoveryColumns); ++c) {
    if (c) out += ',';
    out += kRecoveryColumns[c];
  }
  out += '\n';
  for (const RecoverySchedule* s : sorted) {
    append_field(&out, s->recovery_id);
    out += ',';
    append_field(&out, s->employee_id);
    out += ',' + format_month(s->month_found) + ',' + format_month(s->months_over_paid) + ',' +
           std::to_string(s->amount) + ',' + std::to_string(s->instalments) + ',' + std::to_string(s->instalment) +
           ',' + std::to_string(s->balance) + ',' + (s->waived ? "1" : "0") + ',';
    append_field(&out, s->reason);
    out += '\n';
  }
  return out;
}

}  // namespace vetan
