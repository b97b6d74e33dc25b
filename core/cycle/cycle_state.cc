#include "core/cycle/cycle_state.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <unordered_set>

#include "core/cycle/errors.h"

namespace vetan::cycle {

namespace {

// "YYYY-MM-DDTHH:MM:SSZ" of unix time `seconds`.
std::string utc_text(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rest = seconds - days * 86400;
  const CivilDate d = civil_from_days(Date(days));
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, int(rest / 3600),
                int(rest / 60 % 60), int(rest % 60));
  return text;
}

Status malformed(const std::string& what) { return cycle_error(ErrorKind::kMalformed, what); }

}  // namespace

bool parse_event_kind(std::string_view text, EventKind* out) {
  for (int i = 0; i < kEventKindCount; ++i) {
    if (text == kEventKindNames[i]) {
      *out = EventKind(i);
      return true;
    }
  }
  return false;
}

bool payload_matches(const Event& e) {
  switch (e.kind) {
    case EventKind::kProfileVersion: return std::holds_alternative<ProfileVersion>(e.payload);
    case EventKind::kEmployeeEdit:
    case EventKind::kEmployeeStop:
    case EventKind::kEmployeeRelease: return std::holds_alternative<MasterChange>(e.payload);
    case EventKind::kProposalCreate: return std::holds_alternative<ProposalCreate>(e.payload);
    case EventKind::kProposalApprove:
    case EventKind::kProposalReject: return std::holds_alternative<ProposalDecision>(e.payload);
    case EventKind::kBillConfirm:
    case EventKind::kBillReject:
    case EventKind::kBillPass:
    case EventKind::kBillObject: return std::holds_alternative<BillAction>(e.payload);
    case EventKind::kOtpFailure: return std::holds_alternative<OtpFailure>(e.payload);
    case EventKind::kOtherSalaryFile: return std::holds_alternative<OtherSalaryFile>(e.payload);
    case EventKind::kRunStart: return std::holds_alternative<RunStart>(e.payload);
    case EventKind::kRunComplete: return std::holds_alternative<RunComplete>(e.payload);
    case EventKind::kRunFail:
    case EventKind::kRunInterrupted: return std::holds_alternative<RunEnd>(e.payload);
    case EventKind::kRecoveryCreate: return std::holds_alternative<RecoveryCreate>(e.payload);
    case EventKind::kRecoveryWaive: return std::holds_alternative<RecoveryWaive>(e.payload);
    case EventKind::kMonthClose: return std::holds_alternative<MonthCloseEvent>(e.payload);
    case EventKind::kPaymentIssue: return std::holds_alternative<PaymentIssue>(e.payload);
    case EventKind::kPaymentReturn: return std::holds_alternative<PaymentReturn>(e.payload);
  }
  return false;
}

int64_t CycleState::last_completed_run(Month month) const {
  int64_t id = 0;
  for (const Run& r : runs_) {
    if (r.month == month && r.state == RunState::kCompleted) id = r.id;
  }
  return id;
}

Status CycleState::may_run(Month month) const {
  if (closed(month)) {
    return cycle_error(ErrorKind::kWrongState, "month " + format_month(month) + " is closed; it is not run again");
  }
  if (!closed_.empty()) {
    const Month next = *closed_.rbegin() + 1;
    if (month != next) {
      return cycle_error(ErrorKind::kWrongState, "the master is the master of " + format_month(next) + " (" +
                                                     format_month(next - 1) + " is closed): run " + format_month(next) +
                                                     (month > next ? ", and close it, first" : ""));
    }
    return Status();
  }
  Month earlier = -1;
  for (const Run& r : runs_) {
    if (r.month < month) earlier = std::max(earlier, r.month);
  }
  if (earlier >= 0) {
    return cycle_error(ErrorKind::kWrongState, "month " + format_month(earlier) +
                                                   " is not closed: close it (every bill PASSED) before running " +
                                                   format_month(month));
  }
  return Status();
}

namespace {

Money amount_of(const RowAmounts& amounts, uint32_t row) {
  auto it = std::lower_bound(amounts.begin(), amounts.end(), row,
                             [](const std::pair<uint32_t, Money>& a, uint32_t r) { return a.first < r; });
  return it != amounts.end() && it->first == row ? it->second : 0;
}

bool increasing_rows(const RowAmounts& amounts) {
  for (size_t i = 1; i < amounts.size(); ++i) {
    if (amounts[i - 1].first >= amounts[i].first) return false;
  }
  return true;
}

}  // namespace

std::string CycleState::next_recovery_id() const {
  char id[32];
  std::snprintf(id, sizeof id, "R%06zu", recoveries_.size() + 1);
  return id;
}

std::vector<RecoverySchedule> CycleState::simulate_recoveries(uint32_t row, Month except, std::vector<Money>* settled,
                                                              std::vector<Money>* pending) const {
  std::vector<RecoverySchedule> schedules;
  auto ids = recoveries_by_row_.find(row);
  if (ids == recoveries_by_row_.end()) return schedules;
  for (const std::string& id : ids->second) {
    const RecoveryCreate& c = recoveries_.at(id).created;
    RecoverySchedule s;
    s.recovery_id = c.recovery_id;
    s.employee_id = c.employee_id;
    s.month_found = c.month_found;
    s.months_over_paid = c.month_over_paid;
    s.amount = c.amount;
    s.instalments = c.instalments;
    s.instalment = recovery_instalment(c.amount, c.instalments);
    s.balance = c.amount;
    schedules.push_back(std::move(s));
  }
  if (settled) settled->assign(schedules.size(), 0);
  if (pending) pending->assign(schedules.size(), 0);
  // Months in order: each standing bill's recovery taken from the schedules then in force,
  // oldest first (core/recovery). Waivers stop later dues, not what was recovered before.
  for (const auto& [month, pay] : paying_) {
    if (month == except || row >= pay.size()) continue;
    const Bill* b = pay[row];
    if (b == nullptr || b->run_id == 0 || b->state == BillState::kRejected || b->state == BillState::kSuperseded) {
      continue;
    }
    auto it = run_recovered_.find(b->run_id);
    if (it == run_recovered_.end()) continue;
    const Money recovered = amount_of(it->second, row);
    if (recovered == 0) continue;
    std::vector<RecoverySchedule*> in_force;
    std::vector<size_t> which;
    for (size_t k = 0; k < schedules.size(); ++k) {
      if (schedules[k].month_found <= month) {
        in_force.push_back(&schedules[k]);
        which.push_back(k);
      }
    }
    std::vector<Money> before;
    for (const RecoverySchedule* s : in_force) before.push_back(s->balance);
    allocate_recovered(recovered, month, in_force);
    for (size_t i = 0; i < in_force.size(); ++i) {
      std::vector<Money>* part = settles(b->state) ? settled : pending;
      if (part) (*part)[which[i]] += before[i] - in_force[i]->balance;
    }
  }
  return schedules;
}

RowAmounts CycleState::recovery_dues(Month month) const {
  RowAmounts dues;
  for (const auto& [row, ids] : recoveries_by_row_) {
    const std::vector<RecoverySchedule> schedules = simulate_recoveries(row, month, nullptr, nullptr);
    Money due = 0;
    for (size_t k = 0; k < schedules.size(); ++k) {
      if (recoveries_.at(ids[k]).waived || schedules[k].month_found > month) continue;
      due += schedules[k].due();
    }
    if (due > 0) dues.emplace_back(row, due);
  }
  return dues;
}

std::vector<const Bill*> CycleState::other_salary_to_carry(Month month) const {
  std::vector<const Bill*> out;  // bills_ is by id: sorted
  for (const auto& [id, b] : bills_) {
    if (b.run_id != 0 || b.state != BillState::kPassed || b.month > month || b.rows.size() != 1) continue;
    if (carried_other_salary_.count(id) != 0 || repayment(b.month, b.rows[0]) == &b) continue;
    out.push_back(&b);
  }
  return out;
}

RowAmounts CycleState::same_year_recovered(Month month) const {
  RowAmounts out;
  auto pay = paying_.find(month);
  if (pay == paying_.end()) return out;
  for (const auto& [row, ids] : recoveries_by_row_) {
    if (row >= pay->second.size()) continue;
    const Bill* b = pay->second[row];
    if (b == nullptr || b->run_id == 0 || !settles(b->state)) continue;
    auto recovered = run_recovered_.find(b->run_id);
    if (recovered == run_recovered_.end()) continue;
    const Money amount = amount_of(recovered->second, row);
    if (amount == 0) continue;
    // The schedules as they stood before this month recovered, those in force then.
    std::vector<RecoverySchedule> schedules = simulate_recoveries(row, month, nullptr, nullptr);
    std::vector<RecoverySchedule*> in_force;
    for (size_t k = 0; k < schedules.size(); ++k) {
      if (schedules[k].month_found <= month && !recoveries_.at(ids[k]).waived) in_force.push_back(&schedules[k]);
    }
    const RecoveryAllocation a = allocate_recovered(amount, month, in_force);
    if (a.same_year > 0) out.emplace_back(row, a.same_year);
  }
  return out;
}

std::vector<Recovery> CycleState::recoveries_of(uint32_t row) const {
  std::vector<Recovery> out;
  auto ids = recoveries_by_row_.find(row);
  if (ids == recoveries_by_row_.end()) return out;
  std::vector<Money> settled, pending;
  simulate_recoveries(row, Month(-1), &settled, &pending);
  for (size_t k = 0; k < ids->second.size(); ++k) {
    Recovery r = recoveries_.at(ids->second[k]);
    r.recovered_settled = settled[k];
    r.recovered_pending = pending[k];
    out.push_back(std::move(r));
  }
  return out;
}

Status CycleState::check_recovery(const Event& e) const {
  if (e.kind == EventKind::kRecoveryWaive) {
    const auto& w = std::get<RecoveryWaive>(e.payload);
    auto it = recoveries_.find(w.recovery_id);
    if (it == recoveries_.end()) return cycle_error(ErrorKind::kUnknown, "no recovery '" + w.recovery_id + "'");
    if (it->second.waived) {
      return cycle_error(ErrorKind::kWrongState, "recovery '" + w.recovery_id + "' was waived already");
    }
    if (w.reason.empty()) return malformed("a waiver of recovery '" + w.recovery_id + "' gives no reason");
    for (const Recovery& r : recoveries_of(it->second.created.row)) {
      if (r.created.recovery_id == w.recovery_id && r.balance() == 0) {
        return cycle_error(ErrorKind::kWrongState, "recovery '" + w.recovery_id + "' is recovered in full");
      }
    }
    return Status();
  }
  const auto& c = std::get<RecoveryCreate>(e.payload);
  if (c.recovery_id != next_recovery_id()) return malformed("recovery '" + c.recovery_id + "' is out of order");
  if (c.row >= rows_) return malformed("recovery names row " + std::to_string(c.row) + " beyond the master");
  RecoverySchedule probe;
  if (Status s = make_recovery(c.recovery_id, c.employee_id, c.month_found, c.month_over_paid, c.amount,
                               c.instalments, c.reason, &probe);
      !s.ok()) {
    return malformed(s.message());
  }
  if (c.reason.empty()) return malformed("recovery '" + c.recovery_id + "' gives no reason");
  if (c.month_found <= c.month_over_paid) {
    return malformed("recovery '" + c.recovery_id + "' starts in " + format_month(c.month_found) +
                     ", not after the month over-paid " + format_month(c.month_over_paid));
  }
  const Bill* by = settled_by(c.month_over_paid, c.row);
  if (by == nullptr || by->id != c.bill_id) {
    return cycle_error(ErrorKind::kWrongState, "employee '" + c.employee_id + "' was not paid for " +
                                                   format_month(c.month_over_paid) + " by a CONFIRMED or PASSED bill" +
                                                   (c.bill_id.empty() ? "" : " '" + c.bill_id + "'"));
  }
  return Status();
}

const Payment* CycleState::payment_of_bill(const std::string& bill_id) const {
  auto it = payments_.find(bill_id);
  return it == payments_.end() ? nullptr : &it->second;
}

const Payment* CycleState::payment(const std::string& message_id) const {
  auto it = payment_bills_.find(message_id);
  return it == payment_bills_.end() ? nullptr : payment_of_bill(it->second);
}

bool CycleState::credit_failed(Month month, uint32_t row) const { return failed_rows_.count({month, row}) != 0; }

const Bill* CycleState::repayment(Month month, uint32_t row) const {
  auto it = repayments_.find({month, row});
  return it == repayments_.end() ? nullptr : bill(it->second);
}

bool CycleState::repays(const std::string& bill_id, Month month, uint32_t row) const {
  auto it = repayments_.find({month, row});
  return it != repayments_.end() && it->second == bill_id && credit_failed(month, row);
}

Status CycleState::check_payment(const Event& e) const {
  if (e.kind == EventKind::kPaymentIssue) {
    const auto& i = std::get<PaymentIssue>(e.payload);
    const Bill* b = bill(i.bill_id);
    if (b == nullptr) return cycle_error(ErrorKind::kUnknown, "no bill '" + i.bill_id + "'");
    if (b->state != BillState::kPassed) {
      return cycle_error(ErrorKind::kWrongState, "bill '" + i.bill_id + "' is " + name(b->state) +
                                                     "; only a PASSED bill is paid");
    }
    if (const Payment* p = payment_of_bill(i.bill_id)) {
      return cycle_error(ErrorKind::kWrongState, "bill '" + i.bill_id + "' was issued already as message " +
                                                     p->issue.message_id);
    }
    if (auto other = payment_bills_.find(i.message_id); other != payment_bills_.end()) {
      return cycle_error(ErrorKind::kWrongState, "message id " + i.message_id + " is that of bill '" + other->second +
                                                     "' issued before");
    }
    if (i.month != b->month) return malformed("the payment of bill '" + i.bill_id + "' names another month");
    if (i.message_id.empty() || i.xml_sha256.size() != 64 || i.advice_sha256.size() != 64) {
      return malformed("the payment of bill '" + i.bill_id + "' names no message or SHA-256");
    }
    Money sum = 0;
    for (const PaymentCredit& c : i.credits) {
      if (!std::binary_search(b->rows.begin(), b->rows.end(), c.row)) {
        return malformed("the payment of bill '" + i.bill_id + "' credits line " + std::to_string(c.row + 1) +
                         ", which the bill does not pay");
      }
      if (c.amount <= 0) return malformed("the payment of bill '" + i.bill_id + "' holds a credit that is not > 0");
      sum += c.amount;
    }
    if (sum != i.control_sum) return malformed("the payment of bill '" + i.bill_id + "': the control sum is not its credits'");
    return Status();
  }
  const auto& r = std::get<PaymentReturn>(e.payload);
  const Payment* p = payment(r.message_id);
  if (p == nullptr) return cycle_error(ErrorKind::kUnknown, "no payment message '" + r.message_id + "'");
  if (r.failed.empty()) return malformed("the return of " + r.message_id + " fails no credit");
  std::set<uint32_t> seen;
  for (const FailedCredit& f : r.failed) {
    if (f.sequence < 1 || f.sequence > p->issue.credits.size()) {
      return malformed("the return of " + r.message_id + " names credit " + std::to_string(f.sequence) +
                       ", not one of the message's " + std::to_string(p->issue.credits.size()));
    }
    if (!seen.insert(f.sequence).second || failed_.count({r.message_id, f.sequence})) {
      return cycle_error(ErrorKind::kWrongState, "credit " + f.end_to_end_id + " of " + r.message_id +
                                                     " was returned as failed already");
    }
    if (f.reason_code.empty()) return malformed("credit " + f.end_to_end_id + " failed without a reason code");
  }
  return Status();
}

const Bill* CycleState::bill(const std::string& id) const {
  auto it = bills_.find(id);
  return it == bills_.end() ? nullptr : &it->second;
}

const Bill* CycleState::paying_bill(Month month, uint32_t row) const {
  auto it = paying_.find(month);
  if (it == paying_.end() || row >= it->second.size()) return nullptr;
  return it->second[row];
}

const Bill* CycleState::settled_by(Month month, uint32_t row) const {
  const Bill* b = paying_bill(month, row);
  return b != nullptr && settles(b->state) ? b : nullptr;
}

std::vector<const Bill*>& CycleState::paying(Month month) {
  std::vector<const Bill*>& rows = paying_[month];
  if (rows.size() < rows_) rows.resize(rows_, nullptr);
  return rows;
}

const Proposal* CycleState::proposal(int64_t id) const {
  auto it = proposals_.find(id);
  return it == proposals_.end() ? nullptr : &it->second;
}

const Run* CycleState::run(int64_t id) const {
  for (const Run& r : runs_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

bool CycleState::running() const {
  return std::any_of(runs_.begin(), runs_.end(), [](const Run& r) { return r.state == RunState::kRunning; });
}

OtpGuard CycleState::guard(const std::string& ddo) const {
  auto it = guards_.find(ddo);
  return it == guards_.end() ? OtpGuard{} : it->second;
}

Status CycleState::may_confirm(const std::string& ddo, int64_t now) const {
  const OtpGuard g = guard(ddo);
  if (now < g.locked_until) {
    return cycle_error(ErrorKind::kLocked, "confirmations of DDO '" + ddo + "' are locked until " +
                                               utc_text(g.locked_until) + " after " +
                                               std::to_string(kMaxOtpFailures) + " wrong one-time passwords");
  }
  return Status();
}

OtpFailure CycleState::next_failure(const std::string& ddo, int64_t now) const {
  OtpFailure f;
  f.ddo = ddo;
  f.failures = guard(ddo).failures + 1;
  if (f.failures >= kMaxOtpFailures) f.locks_until = now + kOtpLockSeconds;
  return f;
}

Status CycleState::check_rows_unsettled(const std::string& bill_id, Month month,
                                        const std::vector<uint32_t>& rows) const {
  for (uint32_t row : rows) {
    if (row >= rows_) return malformed("bill '" + bill_id + "' names row " + std::to_string(row) + " beyond the master");
    const Bill* by = settled_by(month, row);
    if (by != nullptr && by->id != bill_id && !repays(bill_id, month, row)) {
      return cycle_error(ErrorKind::kAlreadyPaid, "line " + std::to_string(row + 1) + " of the master, on bill '" +
                                                      bill_id + "', is already paid for " + format_month(month) +
                                                      " by " + name(by->state) + " bill '" + by->id + "'");
    }
  }
  return Status();
}

Status CycleState::check_bill_action(const Event& e, const BillAction& a) const {
  const Bill* b = bill(a.bill_id);
  if (b == nullptr) return cycle_error(ErrorKind::kUnknown, "no bill '" + a.bill_id + "'");
  const BillVerb verb = bill_verb(e.kind);
  BillState to;
  if (b->state != a.from || !bill_transition(b->state, verb, &to) || to != a.to) {
    return cycle_error(ErrorKind::kWrongState, "bill '" + a.bill_id + "' is " + name(b->state) + "; cannot " +
                                                   name(verb) + " it");
  }
  if (verb == BillVerb::kConfirm) {
    if (Status s = may_confirm(b->ddo, e.header.at); !s.ok()) return s;
    if (a.otp_step <= guard(b->ddo).last_step) {
      return cycle_error(ErrorKind::kOtpReused, "field 'otp': this one-time password (or a later one) was already "
                                                "used for DDO '" + b->ddo + "'; wait for the next one (RFC 6238 §5.2)");
    }
    if (Status s = check_rows_unsettled(b->id, b->month, b->rows); !s.ok()) return s;
  }
  return Status();
}

Status CycleState::check(const Event& e) const {
  if (!payload_matches(e)) return malformed(std::string(name(e.kind)) + ": the payload is of another kind");
  switch (e.kind) {
    case EventKind::kProfileVersion: {
      const auto& p = std::get<ProfileVersion>(e.payload);
      if (p.version != int64_t(profiles_.size()) + 1) {
        return malformed("profile version " + std::to_string(p.version) + " does not follow version " +
                         std::to_string(profiles_.size()));
      }
      return Status();
    }
    case EventKind::kEmployeeEdit:
    case EventKind::kEmployeeStop:
    case EventKind::kEmployeeRelease:
      if (std::get<MasterChange>(e.payload).employee_id.empty()) return malformed("a master change names no employee");
      return Status();
    case EventKind::kProposalCreate: {
      const auto& p = std::get<ProposalCreate>(e.payload);
      if (p.proposal_id != next_proposal_id()) return malformed("proposal " + std::to_string(p.proposal_id) + " is out of order");
      return Status();
    }
    case EventKind::kProposalApprove:
    case EventKind::kProposalReject: {
      const auto& d = std::get<ProposalDecision>(e.payload);
      const Proposal* p = proposal(d.proposal_id);
      if (p == nullptr) return cycle_error(ErrorKind::kUnknown, "no proposal " + std::to_string(d.proposal_id));
      if (p->state != ProposalState::kPending) {
        return cycle_error(ErrorKind::kWrongState, "proposal " + std::to_string(d.proposal_id) + " is " + name(p->state));
      }
      return Status();
    }
    case EventKind::kBillConfirm:
    case EventKind::kBillReject:
    case EventKind::kBillPass:
    case EventKind::kBillObject: return check_bill_action(e, std::get<BillAction>(e.payload));
    case EventKind::kOtpFailure: return may_confirm(std::get<OtpFailure>(e.payload).ddo, e.header.at);
    case EventKind::kOtherSalaryFile: {
      const auto& o = std::get<OtherSalaryFile>(e.payload);
      if (o.row >= rows_) return malformed("other salary names row " + std::to_string(o.row) + " beyond the master");
      if (const Bill* by = settled_by(o.month, o.row)) {
        // A credit that failed at the bank is not a payment: the row may be paid once more.
        const Bill* again = repayment(o.month, o.row);
        if (!credit_failed(o.month, o.row) || (again != nullptr && again->state != BillState::kRejected)) {
          return cycle_error(ErrorKind::kAlreadyPaid,
                             "employee '" + o.employee_id + "' was already paid for " + format_month(o.month) +
                                 " by " + name(by->state) + " bill '" + by->id + "'" +
                                 (again != nullptr ? " and paid again by " + std::string(name(again->state)) +
                                                         " bill '" + again->id + "' after its credit failed"
                                                   : credit_failed(o.month, o.row) ? "" : " (its credit did not fail)"));
        }
      }
      if (const Bill* b = bill(o.bill_id); b != nullptr && b->state != BillState::kRejected) {
        return cycle_error(ErrorKind::kWrongState, "other salary of '" + o.employee_id + "' for " +
                                                       format_month(o.month) + " is already bill '" + o.bill_id +
                                                       "' (" + name(b->state) + ")");
      }
      return Status();
    }
    case EventKind::kRunStart: {
      const auto& r = std::get<RunStart>(e.payload);
      if (running()) return cycle_error(ErrorKind::kRunInProgress, "a run is in progress; try again when it completes");
      if (r.run_id != next_run_id()) return malformed("run " + std::to_string(r.run_id) + " is out of order");
      if (r.profile_version < 1 || r.profile_version > int64_t(profiles_.size())) {
        return malformed("run " + std::to_string(r.run_id) + " names profile version " +
                         std::to_string(r.profile_version) + ", which is not recorded");
      }
      if (Status s = may_run(r.month); !s.ok()) return s;
      if (r.recovery_dues != recovery_dues(r.month)) {
        return malformed("run " + std::to_string(r.run_id) + "'s recovery dues are not the schedules' for " +
                         format_month(r.month));
      }
      return Status();
    }
    case EventKind::kRunComplete: {
      const auto& c = std::get<RunComplete>(e.payload);
      const Run* r = run(c.run_id);
      if (r == nullptr) return cycle_error(ErrorKind::kUnknown, "no run " + std::to_string(c.run_id));
      if (r->state != RunState::kRunning || r->month != c.month) {
        return cycle_error(ErrorKind::kWrongState, "run " + std::to_string(c.run_id) + " is " + name(r->state));
      }
      for (const RunBill& b : c.bills) {
        if (const Bill* old = bill(b.id); old != nullptr && settles(old->state)) {
          return cycle_error(ErrorKind::kAlreadyPaid, "run " + std::to_string(c.run_id) + " would regenerate " +
                                                          name(old->state) + " bill '" + b.id + "'");
        }
        if (Status s = check_rows_unsettled(b.id, c.month, b.rows); !s.ok()) return s;
      }
      if (!increasing_rows(c.recovered)) return malformed("run " + std::to_string(c.run_id) + "'s recoveries are out of order");
      auto dues = run_dues_.find(c.run_id);
      for (const auto& [row, amount] : c.recovered) {
        const Money due = dues == run_dues_.end() ? 0 : amount_of(dues->second, row);
        if (amount < 0 || amount > due) {
          return malformed("run " + std::to_string(c.run_id) + " recovers " + std::to_string(amount) +
                           " from line " + std::to_string(row + 1) + ", beyond the " + std::to_string(due) +
                           " due when it started");
        }
      }
      return Status();
    }
    case EventKind::kRecoveryCreate:
    case EventKind::kRecoveryWaive: return check_recovery(e);
    case EventKind::kPaymentIssue:
    case EventKind::kPaymentReturn: return check_payment(e);
    case EventKind::kMonthClose: {
      const auto& c = std::get<MonthCloseEvent>(e.payload);
      const std::string m = format_month(c.month);
      if (closed(c.month)) return cycle_error(ErrorKind::kWrongState, "month " + m + " is closed already");
      if (running()) return cycle_error(ErrorKind::kRunInProgress, "a run is in progress; close when it completes");
      const int64_t last = last_completed_run(c.month);
      if (last == 0) return cycle_error(ErrorKind::kWrongState, "month " + m + " has no completed run to close");
      if (c.run_id != last) {
        return malformed("the close of " + m + " names run " + std::to_string(c.run_id) + ", not its last run " +
                         std::to_string(last));
      }
      if (!closed_.empty() && c.month != *closed_.rbegin() + 1) {
        return cycle_error(ErrorKind::kWrongState, "month " + format_month(*closed_.rbegin() + 1) +
                                                       " is to be closed before " + m);
      }
      if (closed_.empty()) {
        for (const Run& r : runs_) {
          if (r.month < c.month) {
            return cycle_error(ErrorKind::kWrongState, "month " + format_month(r.month) + " was run and is not closed");
          }
        }
      }
      size_t passed = 0;
      for (const auto& [id, b] : bills_) {
        // Other-salary bills (run 0) are paid on their own and change no master field.
        if (b.month != c.month || b.run_id == 0 || b.state == BillState::kRejected ||
            b.state == BillState::kSuperseded) {
          continue;
        }
        if (b.state != BillState::kPassed) {
          return cycle_error(ErrorKind::kWrongState, "bill '" + id + "' of " + m + " is " + name(b.state) +
                                                         ": every bill must be PASSED before the month closes");
        }
        ++passed;
      }
      if (passed == 0) return cycle_error(ErrorKind::kWrongState, "month " + m + " has no PASSED bill");
      if (c.next_master_sha256.size() != 64) return malformed("the close of " + m + " names no next master");
      if (c.lists_carried) {
        std::vector<std::string> due;
        for (const Bill* b : other_salary_to_carry(c.month)) due.push_back(b->id);
        if (c.other_salary_bills != due) {
          return malformed("the close of " + m + " carries " + std::to_string(c.other_salary_bills.size()) +
                           " other-salary bills, not the " + std::to_string(due.size()) + " PASSED and not yet carried");
        }
      }
      return Status();
    }
    case EventKind::kRunFail:
    case EventKind::kRunInterrupted: {
      const auto& end = std::get<RunEnd>(e.payload);
      const Run* r = run(end.run_id);
      if (r == nullptr) return cycle_error(ErrorKind::kUnknown, "no run " + std::to_string(end.run_id));
      if (r->state != RunState::kRunning) {
        return cycle_error(ErrorKind::kWrongState, "run " + std::to_string(end.run_id) + " is " + name(r->state));
      }
      return Status();
    }
  }
  return malformed("unknown event kind");
}

void CycleState::apply_run_complete(const Event& e, const RunComplete& c, RunComplete* owned) {
  Run& run = *const_cast<Run*>(this->run(c.run_id));
  run.state = RunState::kCompleted;
  run.finished_at = e.header.at;
  run.duration_ms = c.duration_ms;
  run.summary = c.summary;
  run.has_summary = true;
  // The run regenerates its month's unsettled run bills: rows leave them, and those it does
  // not make again are withdrawn.
  std::vector<const Bill*>& pay = paying(c.month);
  for (const Bill*& b : pay) {
    if (b != nullptr && b->run_id != 0 && !settles(b->state)) b = nullptr;
  }
  std::unordered_set<std::string_view> made;
  for (const RunBill& r : c.bills) made.insert(r.id);
  for (auto& [id, b] : bills_) {
    if (b.month != c.month || b.run_id == 0 || settles(b.state) || b.state == BillState::kSuperseded) continue;
    if (!made.count(id)) {
      b.state = BillState::kSuperseded;
      b.reason = "run " + std::to_string(c.run_id) + " makes no such bill";
      b.rows.clear();
      b.amounts = BillAmounts{};
      b.updated_at = e.header.at;
    }
  }
  for (size_t i = 0; i < c.bills.size(); ++i) {
    const RunBill& r = c.bills[i];
    Bill& b = bills_[r.id];
    if (owned != nullptr) {  // a million row numbers handed over, not copied
      RunBill& given = owned->bills[i];
      b.id = std::move(given.id);
      b.source_suffix = std::move(given.source_suffix);
      b.treasury = std::move(given.treasury);
      b.ddo = std::move(given.ddo);
      b.group = std::move(given.group);
      b.rows = std::move(given.rows);
    } else {
      b.id = r.id;
      b.source_suffix = r.source_suffix;
      b.treasury = r.treasury;
      b.ddo = r.ddo;
      b.group = r.group;
      b.rows = r.rows;
    }
    b.month = c.month;
    b.state = BillState::kGenerated;
    b.run_id = c.run_id;
    b.amounts = r.amounts;
    b.reason.clear();
    b.updated_at = e.header.at;
    for (uint32_t row : b.rows) pay[row] = &b;
  }
}

Status CycleState::check(const Event& e, Checked* proof) const {
  *proof = Checked{};
  if (Status s = check(e); !s.ok()) return s;
  *proof = Checked{&e, generation_};
  return Status();
}

Status CycleState::apply(const Event& e) { return apply(e, Checked{}); }

Status CycleState::apply(const Event& e, const Checked& proof) {
  if (proof.event != &e || proof.generation != generation_) {
    if (Status s = check(e); !s.ok()) return s;
  }
  apply_checked(e, nullptr);
  return Status();
}

Status CycleState::apply(Event&& e, const Checked& proof) {
  if (proof.event != &e || proof.generation != generation_) {
    if (Status s = check(e); !s.ok()) return s;
  }
  apply_checked(e, std::get_if<RunComplete>(&e.payload));
  return Status();
}

void CycleState::apply_checked(const Event& e, RunComplete* owned) {
  ++generation_;
  switch (e.kind) {
    case EventKind::kProfileVersion: profiles_.push_back(std::get<ProfileVersion>(e.payload)); break;
    case EventKind::kEmployeeEdit:
    case EventKind::kEmployeeStop:
    case EventKind::kEmployeeRelease: break;
    case EventKind::kProposalCreate: {
      const auto& c = std::get<ProposalCreate>(e.payload);
      Proposal& p = proposals_[c.proposal_id];
      p.id = c.proposal_id;
      p.employee_id = c.employee_id;
      p.ddo = c.ddo;
      p.treasury = c.treasury;
      p.kind = c.kind;
      p.amount = c.amount;
      p.month = c.month;
      p.by = e.header.actor;
      break;
    }
    case EventKind::kProposalApprove:
    case EventKind::kProposalReject: {
      const auto& d = std::get<ProposalDecision>(e.payload);
      Proposal& p = proposals_[d.proposal_id];
      p.state = e.kind == EventKind::kProposalApprove ? ProposalState::kApproved : ProposalState::kRejected;
      p.decided_by = e.header.actor;
      p.reason = d.reason;
      break;
    }
    case EventKind::kBillConfirm:
    case EventKind::kBillReject:
    case EventKind::kBillPass:
    case EventKind::kBillObject: {
      const auto& a = std::get<BillAction>(e.payload);
      Bill& b = bills_[a.bill_id];
      b.state = a.to;
      b.reason = a.reason;
      b.updated_at = e.header.at;
      if (e.kind == EventKind::kBillConfirm) {
        std::vector<const Bill*>& pay = paying(b.month);
        for (uint32_t row : b.rows) {
          // A bill paying a failed credit again stands beside the bill that paid it.
          if (!repays(b.id, b.month, row)) pay[row] = &b;
        }
        OtpGuard& g = guards_[b.ddo];
        g.last_step = a.otp_step;
        g.failures = 0;
      }
      break;
    }
    case EventKind::kOtpFailure: {
      const auto& f = std::get<OtpFailure>(e.payload);
      OtpGuard& g = guards_[f.ddo];
      g.failures = f.failures;
      if (f.locks_until != 0) {
        g.locked_until = f.locks_until;
        g.failures = 0;
      }
      break;
    }
    case EventKind::kOtherSalaryFile: {
      const auto& o = std::get<OtherSalaryFile>(e.payload);
      Bill& b = bills_[o.bill_id];
      b.id = o.bill_id;
      b.source_suffix.clear();
      b.month = o.month;
      b.ddo = o.ddo;
      b.treasury = o.treasury;
      b.group = "OS";
      b.state = BillState::kGenerated;
      b.run_id = 0;  // no run's bill: its payslip is in the event
      b.amounts = o.amounts;
      b.rows = {o.row};
      b.reason.clear();
      b.payslip = o.payslip;
      b.updated_at = e.header.at;
      std::vector<const Bill*>& pay = paying(o.month);
      if (pay[o.row] == nullptr) pay[o.row] = &b;
      if (settled_by(o.month, o.row) != nullptr && pay[o.row] != &b && credit_failed(o.month, o.row)) {
        repayments_[{o.month, o.row}] = o.bill_id;
      }
      break;
    }
    case EventKind::kRunStart: {
      const auto& s = std::get<RunStart>(e.payload);
      Run run;
      run.id = s.run_id;
      run.month = s.month;
      run.started_day = s.day;
      run.profile_version = s.profile_version;
      run.actor = e.header.actor;
      run.started_at = e.header.at;
      runs_.push_back(run);
      if (!s.recovery_dues.empty()) run_dues_[s.run_id] = s.recovery_dues;
      break;
    }
    case EventKind::kRecoveryCreate: {
      const auto& c = std::get<RecoveryCreate>(e.payload);
      Recovery& r = recoveries_[c.recovery_id];
      r.created = c;
      r.created_at = e.header.at;
      r.created_by = e.header.actor;
      recoveries_by_row_[c.row].push_back(c.recovery_id);
      break;
    }
    case EventKind::kMonthClose: {
      const auto& c = std::get<MonthCloseEvent>(e.payload);
      closed_.insert(c.month);
      carried_other_salary_.insert(c.other_salary_bills.begin(), c.other_salary_bills.end());
      break;
    }
    case EventKind::kPaymentIssue: {
      const auto& i = std::get<PaymentIssue>(e.payload);
      Payment& p = payments_[i.bill_id];
      p.issue = i;
      p.issued_at = e.header.at;
      p.issued_by = e.header.actor;
      payment_bills_[i.message_id] = i.bill_id;
      break;
    }
    case EventKind::kPaymentReturn: {
      const auto& r = std::get<PaymentReturn>(e.payload);
      const Payment& p = payments_.at(payment_bills_.at(r.message_id));
      for (const FailedCredit& f : r.failed) {
        FailedPayment& out = failed_[{r.message_id, f.sequence}];
        out.message_id = r.message_id;
        out.bill_id = p.issue.bill_id;
        out.return_message_id = r.return_message_id;
        out.month = p.issue.month;
        out.credit = p.issue.credits[f.sequence - 1];
        out.failed = f;
        out.returned_at = e.header.at;
        out.returned_by = e.header.actor;
        failed_rows_.insert({p.issue.month, out.credit.row});
      }
      break;
    }
    case EventKind::kRecoveryWaive: {
      const auto& w = std::get<RecoveryWaive>(e.payload);
      Recovery& r = recoveries_[w.recovery_id];
      r.waived = true;
      r.waived_by = e.header.actor;
      r.waive_reason = w.reason;
      break;
    }
    case EventKind::kRunComplete: {
      const auto& c = std::get<RunComplete>(e.payload);
      const int64_t run_id = c.run_id;
      apply_run_complete(e, c, owned);
      if (!c.recovered.empty()) {
        run_recovered_[run_id] = owned != nullptr ? std::move(owned->recovered) : c.recovered;
      }
      break;
    }
    case EventKind::kRunFail:
    case EventKind::kRunInterrupted: {
      const auto& end = std::get<RunEnd>(e.payload);
      Run& run = *const_cast<Run*>(this->run(end.run_id));
      run.state = e.kind == EventKind::kRunFail ? RunState::kFailed : RunState::kInterrupted;
      run.finished_at = e.header.at;
      run.duration_ms = end.duration_ms;
      run.error = end.error;
      break;
    }
  }
}

}  // namespace vetan::cycle
