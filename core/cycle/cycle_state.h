// CycleState: the monthly cycle's state (issue 9 §1) — bills, deduction proposals, runs,
// profile versions and each DDO's one-time-password guard — as the replay of its events.
// apply() is the one place an event changes the state, and it first checks every invariant
// the event could break:
//
//   - paid at most once a month: a row on a CONFIRMED or PASSED bill of a month (settled)
//     goes on no other bill of that month; a bill whose rows are settled elsewhere is not
//     confirmed; no other-salary bill for a month the row is paid in;
//   - a bill's amounts are the sums of its rows' payslips (the events carry both, the
//     builders in settlement.h make them so);
//   - every run names the profile version it computes with;
//   - a one-time password's time step is used once per DDO (RFC 6238 §5.2), and
//     kMaxOtpFailures wrong codes in a row lock the DDO's confirmations for kOtpLockSeconds;
//   - bills, proposals and runs move only along their state machines (states.h);
//   - months follow each other (issue 12 §1): a month is closed once, only when every bill
//     of its last run is PASSED (or rejected or withdrawn) and the month before it is closed;
//     a closed month is not run again, and a month is run only when the month before it
//     is closed (the first month run excepted);
//   - an over-payment is never recovered twice: a run recovers at most the dues its start
//     recorded, and those are what the schedules hold less what every other month's
//     standing bills (settled, or generated and not yet rejected) recovered already;
//   - payment files (docs/payment.md "In the service"): one per PASSED bill, message ids
//     unique, its credits rows of the bill; a return fails only credits of the message, each
//     once. A row whose credit for a month FAILED at the bank counts as not paid for "paid at
//     most once": one other-salary bill may pay it again (filed, confirmed and passed beside
//     the bill that paid it); a second, or one for a row whose credit did not fail, is refused.
//
// The master's fields are not held here: MasterChange events are checked and applied by the
// master's owner (api/serve).
//
// Thread-safety: none; a caller serialises apply() with reads.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/cycle/events.h"
#include "core/recovery/recovery.h"

namespace vetan::cycle {

struct Bill {
  std::string id, source_suffix, treasury, ddo, group;
  Month month = 0;
  BillState state = BillState::kGenerated;
  int64_t run_id = 0;  // 0: an other-salary bill
  BillAmounts amounts;
  std::vector<uint32_t> rows;  // master rows it pays, increasing
  std::string reason;          // the objection or rejection
  int64_t updated_at = 0;      // unix seconds
  std::vector<std::pair<std::string, Money>> payslip;  // other-salary bills: the one payslip
};

struct Proposal {
  int64_t id = 0;
  std::string employee_id, ddo, treasury, by, decided_by, reason;
  ProposalKind kind = ProposalKind::kGpfSubscription;
  ProposalState state = ProposalState::kPending;
  Money amount = 0;
  Month month = 0;
};

struct Run {
  int64_t id = 0;
  Month month = 0;
  RunState state = RunState::kRunning;
  std::string actor, error;
  int64_t started_at = 0, finished_at = 0;  // unix seconds; finished 0 while running
  Date started_day = 0;
  int64_t profile_version = 0;
  int64_t duration_ms = 0;
  bool has_summary = false;
  RunSummary summary;
};

// An over-payment recovery schedule and where it stands (docs/close.md §2).
struct Recovery {
  RecoveryCreate created;
  int64_t created_at = 0;
  std::string created_by;
  bool waived = false;
  std::string waived_by, waive_reason;
  Money recovered_settled = 0;  // on CONFIRMED and PASSED bills
  Money recovered_pending = 0;  // on bills generated and not yet confirmed
  Money balance() const { return created.amount - recovered_settled - recovered_pending; }
};

// An issued payment file and who issued it when.
struct Payment {
  PaymentIssue issue;
  int64_t issued_at = 0;
  std::string issued_by;
};

// A credit the bank returned as failed (docs/payment.md "Returns").
struct FailedPayment {
  std::string message_id, bill_id, return_message_id;
  Month month = 0;
  PaymentCredit credit;
  FailedCredit failed;
  int64_t returned_at = 0;
  std::string returned_by;
};

struct OtpGuard {
  int64_t failures = 0;      // consecutive wrong codes since the last success or lock
  int64_t locked_until = 0;  // unix seconds
  int64_t last_step = -1;    // the last time step accepted
};

class CycleState {
 public:
  static constexpr int64_t kMaxOtpFailures = 5;
  static constexpr int64_t kOtpLockSeconds = 15 * 60;

  // The master has `rows` rows (bills name rows by index).
  void set_rows(size_t rows) { rows_ = rows; }

  // Ok iff apply(event) would succeed; else the refusal (errors.h), naming what and why.
  Status check(const Event& event) const;
  // Checks `event`, then applies it. On failure nothing changes.
  Status apply(const Event& event);

  // What a successful check of one event on one state proves: applied to that state, the
  // same event needs no second check (a run's completion checks a million rows while
  // readers may read; only the apply shuts them out). Any apply makes earlier proofs stale.
  struct Checked {
    const Event* event = nullptr;
    uint64_t generation = 0;
  };
  // check(event), and on success the proof of it in *proof.
  Status check(const Event& event, Checked* proof) const;
  // apply(event), without the second check when `proof` is check(event, …)'s on this very
  // state (same event object, no apply since); a stale proof is checked again.
  Status apply(const Event& event, const Checked& proof);
  // apply(event, proof), taking the bulky parts of the payload (a run completion's bills:
  // their ids, codes and a million row numbers) rather than copying them. On success
  // `event`'s payload is left valid but unspecified; on failure it is unchanged.
  Status apply(Event&& event, const Checked& proof);

  const std::map<std::string, Bill>& bills() const { return bills_; }
  const Bill* bill(const std::string& id) const;
  // The bill paying `row` in `month` (the settled one, else the latest run's), or nullptr.
  const Bill* paying_bill(Month month, uint32_t row) const;
  // The CONFIRMED or PASSED bill paying `row` in `month`, or nullptr.
  const Bill* settled_by(Month month, uint32_t row) const;

  const std::map<int64_t, Proposal>& proposals() const { return proposals_; }
  const Proposal* proposal(int64_t id) const;
  int64_t next_proposal_id() const { return proposals_.empty() ? 1 : proposals_.rbegin()->first + 1; }

  const std::vector<Run>& runs() const { return runs_; }
  const Run* run(int64_t id) const;
  bool running() const;
  int64_t next_run_id() const { return runs_.empty() ? 1 : runs_.back().id + 1; }

  const std::vector<ProfileVersion>& profiles() const { return profiles_; }

  // Month closes (issue 12 §1).
  bool closed(Month month) const { return closed_.count(month) != 0; }
  const std::set<Month>& closed_months() const { return closed_; }
  // The month's last completed run, or 0.
  int64_t last_completed_run(Month month) const;
  // Ok iff a run of `month` may start: not closed; the month after the last closed one when
  // any is; else no earlier month has a run. Else WRONG_STATE naming the month to close.
  Status may_run(Month month) const;

  // Over-payment recoveries (docs/close.md §2), by recovery_id; a row's, oldest first.
  const std::map<std::string, Recovery>& recoveries() const { return recoveries_; }
  // Each schedule with what the standing bills of every month recovered (recovered_*).
  std::vector<Recovery> recoveries_of(uint32_t row) const;
  std::string next_recovery_id() const;
  // The dues of a run of `month`, by row: per schedule in force (month_found <= month, not
  // waived), min(instalment, what the schedule holds less what the standing bills of other
  // months recovered). Rows with nothing due are left out.
  RowAmounts recovery_dues(Month month) const;

  // Month close (docs/close.md §1): the other-salary bills a close of `month` carries into
  // the next master's FY figures and loan balance, sorted by id: PASSED, of `month` or
  // earlier, not carried by an earlier close, and not a re-payment of a credit the bank
  // returned (that month's run payslip was carried already).
  std::vector<const Bill*> other_salary_to_carry(Month month) const;
  // Per row, the part of what `month`'s paying run bill recovered (settled) that was
  // over-paid in the same financial year: what the close takes off fy_gross_to_date
  // (core/recovery allocate_recovered, schedules oldest first). Rows with none left out.
  RowAmounts same_year_recovered(Month month) const;

  // Payment files (docs/payment.md "In the service"): by bill id; by message id.
  const std::map<std::string, Payment>& payments() const { return payments_; }
  const Payment* payment_of_bill(const std::string& bill_id) const;
  const Payment* payment(const std::string& message_id) const;
  // The failed credits, by (message id, sequence).
  const std::map<std::pair<std::string, uint32_t>, FailedPayment>& failed_payments() const { return failed_; }
  // True iff `row`'s credit for `month` failed at the bank.
  bool credit_failed(Month month, uint32_t row) const;
  // The other-salary bill filed to pay `row` again for `month` after its credit failed, or
  // nullptr.
  const Bill* repayment(Month month, uint32_t row) const;

  OtpGuard guard(const std::string& ddo) const;
  // Ok unless `ddo`'s confirmations are locked at unix time `now` (LOCKED, until when).
  Status may_confirm(const std::string& ddo, int64_t now) const;
  // The OtpFailure event payload for a wrong code of `ddo` at `now`.
  OtpFailure next_failure(const std::string& ddo, int64_t now) const;

 private:
  Status check_bill_action(const Event& e, const BillAction& a) const;
  Status check_rows_unsettled(const std::string& bill_id, Month month, const std::vector<uint32_t>& rows) const;
  Status check_recovery(const Event& e) const;
  Status check_payment(const Event& e) const;
  // True iff `bill_id` is the other-salary bill paying `row` again for `month`.
  bool repays(const std::string& bill_id, Month month, uint32_t row) const;
  // The row's schedules (as recovery_dues simulates them) after the standing bills of every
  // month but `except` recovered; settled and pending parts in *settled / *pending by
  // schedule when given.
  std::vector<RecoverySchedule> simulate_recoveries(uint32_t row, Month except, std::vector<Money>* settled,
                                                    std::vector<Money>* pending) const;
  // The apply of a checked event; `owned` is its run completion when the caller gives it
  // up (e's own payload), else nullptr.
  void apply_checked(const Event& e, RunComplete* owned);
  // Copies from `c`, or moves from `*owned` (== &c) when given.
  void apply_run_complete(const Event& e, const RunComplete& c, RunComplete* owned);
  std::vector<const Bill*>& paying(Month month);

  size_t rows_ = 0;
  std::map<std::string, Bill> bills_;
  std::map<Month, std::vector<const Bill*>> paying_;  // by month, by row: the bill paying it
  std::map<int64_t, Proposal> proposals_;
  std::vector<Run> runs_;
  std::vector<ProfileVersion> profiles_;
  std::map<std::string, OtpGuard> guards_;
  std::map<std::string, Recovery> recoveries_;
  std::map<uint32_t, std::vector<std::string>> recoveries_by_row_;  // ids, oldest first
  std::map<int64_t, RowAmounts> run_dues_;       // by run: RunStart's recovery dues
  std::map<int64_t, RowAmounts> run_recovered_;  // by run: RunComplete's recovered
  std::set<Month> closed_;
  uint64_t generation_ = 0;  // applies so far: what a Checked proof is valid for
  std::set<std::string> carried_other_salary_;  // other-salary bills a close carried
  std::map<std::string, Payment> payments_;             // by bill id
  std::map<std::string, std::string> payment_bills_;    // message id -> bill id
  std::map<std::pair<std::string, uint32_t>, FailedPayment> failed_;
  std::set<std::pair<Month, uint32_t>> failed_rows_;     // (month, row) whose credit failed
  std::map<std::pair<Month, uint32_t>, std::string> repayments_;  // -> the other-salary bill
};

}  // namespace vetan::cycle
