// Unit tests of the monthly cycle's library (core/cycle, issue 9 §1–§2), without HTTP: the
// state machines, the invariants CycleState::apply enforces (paid once a month, single-use
// one-time passwords and the lockout, recorded profile versions), the calendar windows, and
// the run bills that leave settled rows out so a bill equals the sum of its payslips.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/cycle/calendar.h"
#include "core/cycle/cycle_state.h"
#include "core/cycle/errors.h"
#include "core/cycle/settlement.h"
#include "core/profile/profile.h"
#include "core/run/month_run.h"
#include "core/table/table_index.h"
#include "loaders/csv/csv_loader.h"

namespace vetan::cycle {
namespace {

constexpr Month kNov = make_month(2026, 11);
constexpr int64_t kNow = 1'795'000'000;  // unix seconds, 2026-11

Event event(EventKind kind, Payload payload, int64_t at = kNow) {
  Event e(kind, std::move(payload));
  e.header.at = at;
  e.header.actor = "test";
  return e;
}

RunBill run_bill(const std::string& group, std::vector<uint32_t> rows) {
  RunBill b;
  b.id = "2026-11/TR01/DDO001/" + group;
  b.source_suffix = "TR01/DDO001/" + group;
  b.treasury = "TR01";
  b.ddo = "DDO001";
  b.group = group;
  b.amounts.employees = int64_t(rows.size());
  b.amounts.gross = 1000 * int64_t(rows.size());
  b.amounts.net = b.amounts.gross;
  b.rows = std::move(rows);
  return b;
}

const char* reason_of(const Status& s) { return s.reason() == nullptr ? "" : s.reason(); }

class CycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.set_rows(10);
    ASSERT_TRUE(state_.apply(event(EventKind::kProfileVersion, ProfileVersion{1, "sha", "{}"})).ok());
  }
  // Runs November with `bills`.
  Status run(std::vector<RunBill> bills) {
    const int64_t id = state_.next_run_id();
    if (Status s = state_.apply(event(EventKind::kRunStart, RunStart{id, kNov, 0, 1, {}})); !s.ok()) return s;
    RunComplete c;
    c.run_id = id;
    c.month = kNov;
    c.bills = std::move(bills);
    return state_.apply(event(EventKind::kRunComplete, c));
  }
  Status act(EventKind kind, const std::string& bill, int64_t step = 0, int64_t at = kNow) {
    const Bill* b = state_.bill(bill);
    BillAction a{bill, b ? b->state : BillState::kGenerated, BillState::kGenerated, "why", step};
    bill_transition(a.from, bill_verb(kind), &a.to);
    return state_.apply(event(kind, a, at));
  }
  CycleState state_;
};

// README "REST": GENERATED -> CONFIRMED -> PASSED | OBJECTED; GENERATED or OBJECTED -> REJECTED.
TEST(BillStates, TransitionsAreTheCycles) {
  const BillVerb verbs[] = {BillVerb::kConfirm, BillVerb::kReject, BillVerb::kPass, BillVerb::kObject};
  int allowed = 0;
  for (int s = 0; s < kBillStateCount; ++s) {
    for (BillVerb v : verbs) {
      BillState to;
      if (bill_transition(BillState(s), v, &to)) ++allowed;
    }
  }
  EXPECT_EQ(allowed, 5);
  BillState to;
  EXPECT_TRUE(bill_transition(BillState::kGenerated, BillVerb::kConfirm, &to) && to == BillState::kConfirmed);
  EXPECT_TRUE(bill_transition(BillState::kObjected, BillVerb::kReject, &to) && to == BillState::kRejected);
  EXPECT_FALSE(bill_transition(BillState::kPassed, BillVerb::kReject, &to));
  EXPECT_FALSE(bill_transition(BillState::kSuperseded, BillVerb::kConfirm, &to));
  EXPECT_TRUE(settles(BillState::kConfirmed) && settles(BillState::kPassed) && !settles(BillState::kObjected));
}

// Issue 9 §2: rows of a CONFIRMED bill go on no other bill of the month, whatever a later
// run makes of them.
TEST_F(CycleTest, SettledRowsGoOnNoOtherBill) {
  ASSERT_TRUE(run({run_bill("1", {0, 1}), run_bill("2", {2})}).ok());
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 100).ok());
  EXPECT_EQ(state_.settled_by(kNov, 0)->id, "2026-11/TR01/DDO001/1");
  // A later run putting row 1 on bill 2 is refused as a whole.
  const Status refused = run({run_bill("2", {1, 2})});
  EXPECT_EQ(refused.code(), Status::Code::kConflict);
  EXPECT_STREQ(reason_of(refused), "ALREADY_PAID");
  // Nor may a run regenerate the settled bill itself.
  RunComplete again;
  again.run_id = state_.runs().back().id;
  again.month = kNov;
  again.bills = {run_bill("1", {3})};
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kRunComplete, again))), "ALREADY_PAID");
  // Without the settled rows it completes; bill 2 keeps only its own row, the settled bill stays.
  again.bills = {run_bill("2", {2, 3})};
  ASSERT_TRUE(state_.apply(event(EventKind::kRunComplete, again)).ok());
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/1")->state, BillState::kConfirmed);
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/1")->run_id, 1);
  EXPECT_EQ(state_.paying_bill(kNov, 3)->id, "2026-11/TR01/DDO001/2");
}

// A run's completion is checked once with readers admitted and applied without a second
// check (api/serve/state_mutex.h); a proof made stale by any apply in between (another
// event, or a check of another event object) is checked again, so an invariant cannot be
// skipped by a check made on an earlier state.
TEST_F(CycleTest, AProofOfACheckHoldsOnlyForThatEventOnThatState) {
  ASSERT_TRUE(run({run_bill("1", {0, 1})}).ok());
  const int64_t id = state_.next_run_id();
  ASSERT_TRUE(state_.apply(event(EventKind::kRunStart, RunStart{id, kNov, 0, 1, {}})).ok());
  RunComplete c;
  c.run_id = id;
  c.month = kNov;
  c.bills = {run_bill("1", {0, 1})};
  const Event complete = event(EventKind::kRunComplete, c);
  CycleState::Checked proof;
  ASSERT_TRUE(state_.check(complete, &proof).ok());
  EXPECT_EQ(proof.event, &complete);
  // Bill 1 is confirmed meanwhile: rows 0 and 1 are settled, the proof is stale.
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 100).ok());
  EXPECT_STREQ(reason_of(state_.apply(complete, proof)), "ALREADY_PAID");
  // A proof for another event object is no proof for this one.
  RunComplete fresh = c;
  fresh.bills = {run_bill("2", {2})};
  const Event other = event(EventKind::kRunComplete, fresh);
  ASSERT_TRUE(state_.check(other, &proof).ok());
  EXPECT_STREQ(reason_of(state_.apply(complete, proof)), "ALREADY_PAID");
  // The fresh proof on the unchanged state applies.
  ASSERT_TRUE(state_.apply(other, proof).ok());
  EXPECT_EQ(state_.paying_bill(kNov, 2)->id, "2026-11/TR01/DDO001/2");
  // A refused check leaves no proof.
  EXPECT_FALSE(state_.check(complete, &proof).ok());
  EXPECT_EQ(proof.event, nullptr);
}

// An event given up to the apply (the service's run completion) makes the state a copied
// one makes; a refused one is left whole.
TEST_F(CycleTest, AnEventGivenUpAppliesAsACopyDoesAndARefusedOneIsKept) {
  CycleState copied = state_;
  const auto completion = [](int64_t id, std::vector<RunBill> bills) {
    RunComplete c;
    c.run_id = id;
    c.month = kNov;
    c.bills = std::move(bills);
    return event(EventKind::kRunComplete, c);
  };
  for (CycleState* s : {&state_, &copied}) {
    ASSERT_TRUE(s->apply(event(EventKind::kRunStart, RunStart{1, kNov, 0, 1, {}})).ok());
  }
  Event given = completion(1, {run_bill("1", {0, 1}), run_bill("2", {3})});
  CycleState::Checked proof;
  ASSERT_TRUE(state_.check(given, &proof).ok());
  ASSERT_TRUE(state_.apply(std::move(given), proof).ok());
  ASSERT_TRUE(copied.apply(completion(1, {run_bill("1", {0, 1}), run_bill("2", {3})})).ok());
  for (const char* id : {"2026-11/TR01/DDO001/1", "2026-11/TR01/DDO001/2"}) {
    ASSERT_NE(state_.bill(id), nullptr) << id;
    EXPECT_EQ(state_.bill(id)->id, copied.bill(id)->id);
    EXPECT_EQ(state_.bill(id)->ddo, copied.bill(id)->ddo);
    EXPECT_EQ(state_.bill(id)->source_suffix, copied.bill(id)->source_suffix);
    EXPECT_EQ(state_.bill(id)->rows, copied.bill(id)->rows);
    EXPECT_EQ(state_.bill(id)->amounts.gross, copied.bill(id)->amounts.gross);
  }
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/1")->rows, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(state_.paying_bill(kNov, 3)->id, "2026-11/TR01/DDO001/2");
  EXPECT_EQ(state_.paying_bill(kNov, 1)->id, "2026-11/TR01/DDO001/1");
  EXPECT_EQ(state_.paying_bill(kNov, 2), nullptr);
  EXPECT_EQ(state_.bills().size(), copied.bills().size());
  // Bill 1 confirmed, a second run making it again is refused on the stale proof's
  // re-check, and the event it was given keeps its rows.
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 100).ok());
  ASSERT_TRUE(state_.apply(event(EventKind::kRunStart, RunStart{2, kNov, 0, 1, {}})).ok());
  Event again = completion(2, {run_bill("1", {0, 1, 2})});
  EXPECT_STREQ(reason_of(state_.apply(std::move(again), CycleState::Checked{})), "ALREADY_PAID");
  EXPECT_EQ(std::get<RunComplete>(again.payload).bills.at(0).rows, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/1")->rows, (std::vector<uint32_t>{0, 1}));
}

// A bill the next run does not make is withdrawn, and its rows are paid by none of them.
TEST_F(CycleTest, ABillARunNoLongerMakesIsSuperseded) {
  ASSERT_TRUE(run({run_bill("1", {0}), run_bill("2", {1})}).ok());
  ASSERT_TRUE(run({run_bill("1", {0, 1})}).ok());
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/2")->state, BillState::kSuperseded);
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/2")->amounts.employees, 0);
  EXPECT_STREQ(reason_of(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/2", 5)), "WRONG_STATE");
}

// Objection unsettles a bill's rows; the next run may pay them again.
TEST_F(CycleTest, AnObjectedBillSettlesNothing) {
  ASSERT_TRUE(run({run_bill("1", {0})}).ok());
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 7).ok());
  ASSERT_TRUE(act(EventKind::kBillObject, "2026-11/TR01/DDO001/1").ok());
  EXPECT_EQ(state_.settled_by(kNov, 0), nullptr);
  ASSERT_TRUE(act(EventKind::kBillReject, "2026-11/TR01/DDO001/1").ok());
  EXPECT_TRUE(run({run_bill("1", {0})}).ok());
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/1")->state, BillState::kGenerated);
}

// Issue 9 §2: other salary for a paid month is refused, and an other-salary bill and a
// regular bill cannot both be confirmed for one row and month.
TEST_F(CycleTest, OtherSalaryCannotPayAPaidMonthAgain) {
  ASSERT_TRUE(run({run_bill("1", {0, 1})}).ok());
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 1).ok());
  OtherSalaryFile os;
  os.bill_id = "2026-11/OS/DDO001/E1";
  os.employee_id = "E1";
  os.ddo = "DDO001";
  os.month = kNov;
  os.row = 1;
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kOtherSalaryFile, os))), "ALREADY_PAID");
  os.row = 4;  // a row no bill paid
  os.bill_id = "2026-11/OS/DDO001/E4";
  ASSERT_TRUE(state_.apply(event(EventKind::kOtherSalaryFile, os)).ok());
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kOtherSalaryFile, os))), "WRONG_STATE");  // filed once
  ASSERT_TRUE(run({run_bill("2", {4})}).ok());  // a rerun pays row 4 on a regular bill too
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/OS/DDO001/E4", 2).ok());
  const Status second = act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/2", 3);
  EXPECT_STREQ(reason_of(second), "ALREADY_PAID");
  EXPECT_NE(second.message().find("2026-11/OS/DDO001/E4"), std::string::npos) << second.message();
}

// RFC 6238 §5.2: a time step is accepted once per DDO, and no earlier one after it.
TEST_F(CycleTest, OneTimePasswordStepsAreUsedOnce) {
  ASSERT_TRUE(run({run_bill("1", {0}), run_bill("2", {1}), run_bill("3", {2})}).ok());
  ASSERT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 500).ok());
  EXPECT_STREQ(reason_of(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/2", 500)), "OTP_REUSED");
  EXPECT_STREQ(reason_of(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/2", 499)), "OTP_REUSED");
  EXPECT_EQ(state_.bill("2026-11/TR01/DDO001/2")->state, BillState::kGenerated);  // nothing changed
  EXPECT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/2", 501).ok());
}

// Issue 9 §2: kMaxOtpFailures wrong codes lock the DDO's confirmations for kOtpLockSeconds.
TEST_F(CycleTest, WrongCodesLockConfirmationsForAWhile) {
  ASSERT_TRUE(run({run_bill("1", {0})}).ok());
  for (int i = 0; i < CycleState::kMaxOtpFailures; ++i) {
    ASSERT_TRUE(state_.may_confirm("DDO001", kNow).ok()) << i;
    const OtpFailure f = state_.next_failure("DDO001", kNow);
    EXPECT_EQ(f.failures, i + 1);
    EXPECT_EQ(f.locks_until != 0, i + 1 == CycleState::kMaxOtpFailures);
    ASSERT_TRUE(state_.apply(event(EventKind::kOtpFailure, f)).ok());
  }
  const Status locked = state_.may_confirm("DDO001", kNow + 60);
  EXPECT_EQ(locked.code(), Status::Code::kExhausted);
  EXPECT_STREQ(reason_of(locked), "LOCKED");
  EXPECT_STREQ(reason_of(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 9, kNow + 60)), "LOCKED");
  EXPECT_TRUE(state_.may_confirm("DDO002", kNow + 60).ok());  // another DDO is not locked
  const int64_t later = kNow + CycleState::kOtpLockSeconds;
  EXPECT_TRUE(act(EventKind::kBillConfirm, "2026-11/TR01/DDO001/1", 9, later).ok());
  EXPECT_EQ(state_.guard("DDO001").failures, 0);
}

// Issue 9 §2: every run names a recorded profile version; versions follow one another.
TEST_F(CycleTest, RunsNameARecordedProfileVersion) {
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kRunStart, RunStart{1, kNov, 0, 2, {}}))), "MALFORMED_EVENT");
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kProfileVersion, ProfileVersion{3, "x", "{}"}))),
               "MALFORMED_EVENT");
  ASSERT_TRUE(state_.apply(event(EventKind::kProfileVersion, ProfileVersion{2, "x", "{}"})).ok());
  ASSERT_TRUE(state_.apply(event(EventKind::kRunStart, RunStart{1, kNov, 0, 2, {}})).ok());
  EXPECT_EQ(state_.run(1)->profile_version, 2);
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kRunStart, RunStart{2, kNov, 0, 1, {}}))), "RUN_IN_PROGRESS");
  EXPECT_TRUE(state_.apply(event(EventKind::kRunInterrupted, RunEnd{1, 0, ""})).ok());
  EXPECT_EQ(state_.run(1)->state, RunState::kInterrupted);
  EXPECT_FALSE(state_.running());
}

TEST_F(CycleTest, AnEventOfTheWrongShapeIsRefused) {
  EXPECT_STREQ(reason_of(state_.apply(event(EventKind::kBillPass, RunEnd{1, 0, ""}))), "MALFORMED_EVENT");
  EXPECT_STREQ(reason_of(act(EventKind::kBillPass, "2026-11/NONE")), "NOT_FOUND");
}

// profile.md `calendar`: the windows and their refusals.
TEST(Calendar, WindowsOpenOnTheirDays) {
  Calendar c{};
  c.master_edit = {1, 15};
  c.employee_proposals = {1, 10};
  c.ddo_approval = {11, 15};
  c.auto_run = {16, 22};
  c.stop_payment_until = 15;
  c.other_salary_from = 23;
  EXPECT_TRUE(check_window(c, Window::kMasterEdit, 15).ok());
  const Status late = check_window(c, Window::kMasterEdit, 16);
  EXPECT_EQ(late.code(), Status::Code::kConflict);
  EXPECT_STREQ(reason_of(late), "OUTSIDE_WINDOW");
  EXPECT_NE(late.message().find("days 1–15"), std::string::npos) << late.message();
  EXPECT_NE(late.message().find("today is day 16"), std::string::npos) << late.message();
  EXPECT_FALSE(check_window(c, Window::kDdoApproval, 10).ok());
  EXPECT_TRUE(check_window(c, Window::kStopPayment, 1).ok());
  EXPECT_FALSE(check_window(c, Window::kOtherSalary, 22).ok());
  EXPECT_TRUE(check_window(c, Window::kOtherSalary, 31).ok());
  EXPECT_NE(check_window(c, Window::kOtherSalary, 22).message().find("from day 23"), std::string::npos);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// rules §7 and issue 9 §2: a run's bills leave settled rows out, each bill's amounts are the
// sums of the payslips of the rows it lists, and the run's bill totals can be restricted to
// them; a row beside a settled bill of the same id goes on a supplementary bill.
TEST(Settlement, RunBillsAreTheSumsOfTheirUnsettledPayslips) {
  const std::string dir = VETAN_TEST_DATA_DIR;
  Profile profile;
  ASSERT_TRUE(parse_profile(read_text(dir + "/mini-profile.json"), &profile).ok());
  EmployeeTable table;
  ASSERT_TRUE(parse_employees_csv(read_text(dir + "/employees.csv"), "employees.csv", &table).ok());
  const TableIndex index = build_table_index(table);
  MonthResult result;
  ASSERT_TRUE(run_month(table, index, profile, kNov, &result).ok());
  ASSERT_GE(result.bills.size(), 1u);

  CycleState state;
  state.set_rows(table.rows);
  ASSERT_TRUE(state.apply(event(EventKind::kProfileVersion, ProfileVersion{1, "sha", "{}"})).ok());
  const auto start = [&](int64_t id) { return state.apply(event(EventKind::kRunStart, RunStart{id, kNov, 0, 1, {}})); };
  ASSERT_TRUE(start(1).ok());
  std::vector<RunBill> bills = make_run_bills(table, index, result, kNov, 1, state);
  ASSERT_FALSE(bills.empty());
  int64_t paid = 0;
  for (const RunBill& b : bills) {
    Money gross = 0;
    for (uint32_t row : b.rows) gross += result.amount(result.layout.gross, row);
    EXPECT_EQ(b.amounts.gross, gross) << b.id;
    EXPECT_EQ(b.amounts.employees, int64_t(b.rows.size())) << b.id;
    paid += b.amounts.employees;
  }
  EXPECT_EQ(paid, result.summary.paid);
  const RunBill first = bills.front();
  RunComplete c{1, kNov, 0, result.summary, bills, {}};
  ASSERT_TRUE(state.apply(event(EventKind::kRunComplete, c)).ok());
  BillAction confirm{first.id, BillState::kGenerated, BillState::kConfirmed, "", 1};
  ASSERT_TRUE(state.apply(event(EventKind::kBillConfirm, confirm)).ok());

  // The same month again: the settled bill's rows are on no bill of run 2.
  ASSERT_TRUE(start(2).ok());
  const std::vector<RunBill> again = make_run_bills(table, index, result, kNov, 2, state);
  for (const RunBill& b : again) {
    EXPECT_NE(b.id, first.id);
    for (uint32_t row : b.rows) EXPECT_EQ(state.settled_by(kNov, row), nullptr) << b.id << " row " << row;
  }
  std::vector<uint8_t> billed(table.rows, 0);
  for (const RunBill& b : again) {
    for (uint32_t row : b.rows) billed[row] = 1;
  }
  MonthResult restricted;
  ASSERT_TRUE(run_month(table, index, profile, kNov, &restricted).ok());
  restrict_bill_totals(table, index, billed, &restricted);
  for (const BillTotals& t : restricted.bills) {
    if (index.bills[t.bill].id_suffix == first.source_suffix) {
      EXPECT_EQ(t.employees, 0);
      EXPECT_EQ(t.amounts[restricted.layout.gross], 0);
    }
  }
}

}  // namespace
}  // namespace vetan::cycle
