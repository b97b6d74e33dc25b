#include "core/run/month_run.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/bills/bills.h"
#include "core/run/row_kernel.h"

namespace vetan {
namespace {

constexpr size_t kRowsPerChunk = 8192;

// rules §2 steps 0–4 and §3–§6 for rows [begin, end). Writes every column of every row;
// the amounts that do not fit 32 bits go to *wide (allocated only if there is one).
void compute_rows(const EmployeeTable& t, const TableIndex& index, const Projection& projection,
                  size_t begin, size_t end, MonthResult* out,
                  std::vector<PayslipAmounts::Wide>* wide) {
  std::vector<Money> slip(out->layout.columns);  // once per chunk
  for (size_t r = begin; r < end; ++r) {
    const RowDecision d = decide_row(t, index, out->rules, out->layout, projection, r, slip.data());
    out->amounts.store(r, slip.data(), wide);
    out->fate[r] = uint8_t(d.fate);
    out->reasons[r] = d.reasons;
    out->payable_days[r] = uint8_t(d.payable_days);
  }
}

}  // namespace

Status run_month(const EmployeeTable& table, const TableIndex& index, const Profile& profile,
                 Month month, MonthResult* result, const Projection& projection) {
  MonthResult& out = *result;
  Status status = resolve_month_rules(profile, month, table, &out.rules);
  if (!status.ok()) return status;
  if (!table.recovery_due.empty() && table.recovery_due.size() != table.rows) {
    return Status::invalid_argument("recovery dues for " + std::to_string(table.recovery_due.size()) +
                                    " rows, but the master has " + std::to_string(table.rows));
  }
  out.layout = PayslipLayout(profile, !table.recovery_due.empty() && !projection.active);
  out.rows = table.rows;
  out.fate.resize(table.rows);
  out.reasons.resize(table.rows);
  out.payable_days.resize(table.rows);
  out.amounts.reset(table.rows, out.layout.columns);
  // Amounts over 32 bits, gathered from the chunks in whatever order they finish; set_wide
  // sorts them, so the side list is the same for any thread count.
  std::vector<PayslipAmounts::Wide> wide;
  std::mutex wide_mutex;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, table.rows, kRowsPerChunk),
                    [&](const tbb::blocked_range<size_t>& range) {
                      std::vector<PayslipAmounts::Wide> chunk_wide;
                      compute_rows(table, index, projection, range.begin(), range.end(), &out,
                                   &chunk_wide);
                      if (chunk_wide.empty()) return;
                      std::lock_guard<std::mutex> lock(wide_mutex);
                      wide.insert(wide.end(), chunk_wide.begin(), chunk_wide.end());
                    });
  out.amounts.set_wide(std::move(wide));
  out.summary = RunSummary{};
  compute_bills(table, index, &out);
  return Status();
}

std::string mismatch_detail(const EmployeeTable& t, const MonthResult& result, size_t r) {
  const uint32_t reasons = result.reasons[r];
  if (reasons & kInvalidRecord) {
    auto it = std::lower_bound(t.problems.begin(), t.problems.end(), r,
                               [](const RowProblem& p, size_t row) { return p.row < row; });
    return it != t.problems.end() && it->row == r ? it->text : "the row could not be read";
  }
  const MonthRules& rules = result.rules;
  const std::string id(t.employee_id[r]);
  std::string detail;
  auto add = [&detail](const std::string& text) {
    if (!detail.empty()) detail += "; ";
    detail += text;
  };
  const Dictionary::Code level = t.pay_level.codes[r];
  if (reasons & kDuplicateEmployeeIdReason) add("employee_id " + id + " is on more than one row");
  static const char* kStatus[] = {"ACTIVE", "SUSPENDED", "RETIRED", "DECEASED", "VRS", "TERMINATED"};
  if (reasons & kStatusNotPayable) add(std::string("status ") + kStatus[t.status[r]]);
  if (reasons & kRetiredBeforeMonth) {
    add("retired on " + format_date(retirement_date(t.date_of_birth[r], t.date_of_retirement[r],
                                                    rules.profile->retirement_age)));
  }
  if (reasons & kNotJoinedYet) add("joins on " + format_date(t.date_of_joining[r]));
  if (reasons & kUnknownPayLevel) {
    add("pay_level " + std::string(t.pay_level[r]) + " is not in the matrix");
  }
  if (reasons & kInvalidPayCell) {
    add("pay_cell " + std::to_string(t.pay_cell[r]) + " not in 1.." +
        std::to_string(rules.level_cells[level]));
  }
  if (reasons & kBasicPayMismatch) {
    add("basic_pay " + std::to_string(t.basic_pay[r]) + ", matrix says " +
        std::to_string(rules.level_matrix[level][t.pay_cell[r] - 1]));
  }
  if (reasons & kInvalidPan) add("pan '" + std::string(t.pan[r]) + "'");
  if (reasons & kInvalidBankAccount) add("bank_account '" + std::string(t.bank_account[r]) + "'");
  if (reasons & kInvalidIfsc) add("ifsc '" + std::string(t.ifsc[r]) + "'");
  if (reasons & kDuplicateBankAccountReason) {
    add("account " + std::string(t.ifsc[r]) + "/" + std::string(t.bank_account[r]) +
        " is on another row");
  }
  if (reasons & kGpfAccountMissing) add("GPF subscriber without gpf_account");
  if (reasons & kPranMissing) add("pran '" + std::string(t.pran[r]) + "'");
  if (reasons & kZeroPayableDays) add("no payable days in the month");
  if (reasons & (kGpfBelowMinimum | kGpfAboveMaximum)) {
    const Money basic = rules.level_matrix[level][t.pay_cell[r] - 1];
    const Money subscription = t.gpf_subscription[r];
    if (reasons & kGpfBelowMinimum) {
      add("gpf_subscription " + std::to_string(subscription) + " below minimum " +
          std::to_string(gpf_minimum(rules, level, t.gpf_basis_of(r, basic))));
    }
    if (reasons & kGpfAboveMaximum) {
      add("gpf_subscription " + std::to_string(subscription) + " above basic " +
          std::to_string(basic));
    }
  }
  if (reasons & kNegativeNet) add("net " + std::to_string(result.amount(result.layout.net, r)));
  return detail;
}

}  // namespace vetan
