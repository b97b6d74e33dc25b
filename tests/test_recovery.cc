// Recovery of over-payments (issue 12 item 2; docs/close.md §2): the schedules
// (core/recovery), the payslip's `recovery` deduction after `loan` (never more than the net
// before it, never changing a row's fate), the close that takes the recovered amounts from
// the balances oldest first, and recoveries.csv through `vetan run` and `vetan close`.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "api/commands.h"
#include "core/close/month_close.h"
#include "core/recovery/recovery.h"
#include "core/recovery/recovery_close.h"
#include "core/run/month_run.h"
#include "loaders/recovery/recoveries_csv.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;

RecoverySchedule schedule(const std::string& id, const std::string& employee, Money amount, int32_t instalments,
                          std::string_view over_paid = "2026-06", std::string_view found = "2026-07") {
  RecoverySchedule s;
  const Status st = make_recovery(id, employee, test::month_of(found), test::month_of(over_paid), amount,
                                  instalments, "test", &s);
  EXPECT_TRUE(st.ok()) << st.message();
  return s;
}

// The run of `rows` for `month`, computed again with `schedules` in force.
std::unique_ptr<test::RunOutcome> run_with(const std::vector<Employee>& rows, std::string_view month,
                                           const std::vector<RecoverySchedule>& schedules) {
  auto run = test::run_rows(test::mini_profile_json(), month, rows);
  EXPECT_TRUE(run->ok());
  Status s = recovery_dues(run->table, run->index, schedules, &run->table.recovery_due);
  EXPECT_TRUE(s.ok()) << s.message();
  run->result = MonthResult();
  s = run_month(run->table, run->index, run->profile, test::month_of(month), &run->result);
  EXPECT_TRUE(s.ok()) << s.message();
  return run;
}

size_t column_of(const MonthResult& r, const std::string& name) {
  for (size_t c = 0; c < r.layout.names.size(); ++c) {
    if (r.layout.names[c] == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(Recovery, InstalmentsRoundUpAndTheLastIsSmaller) {
  RecoverySchedule s = schedule("R1", "E0001", 1000, 3);
  EXPECT_EQ(s.instalment, 334);
  EXPECT_EQ(s.balance, 1000);
  Money recovered = 0;
  std::vector<Money> dues;
  while (s.open()) {
    dues.push_back(s.due());
    std::vector<RecoverySchedule*> one{&s};
    recovered += s.due();
    EXPECT_EQ(allocate_recovered(s.due(), test::month_of("2026-07"), one).unallocated, 0);
  }
  EXPECT_EQ(dues, (std::vector<Money>{334, 334, 332}));
  EXPECT_EQ(recovered, 1000);
}

TEST(Recovery, RefusesAmountsAndInstalmentsOutOfRange) {
  RecoverySchedule s;
  const Month m = test::month_of("2026-07");
  EXPECT_FALSE(make_recovery("R1", "E1", m, m, 0, 1, "", &s).ok());
  EXPECT_FALSE(make_recovery("R1", "E1", m, m, -5, 1, "", &s).ok());
  EXPECT_FALSE(make_recovery("R1", "E1", m, m, kMaxRecoveryAmount + 1, 1, "", &s).ok());
  EXPECT_FALSE(make_recovery("R1", "E1", m, m, 100, 0, "", &s).ok());
  EXPECT_FALSE(make_recovery("R1", "E1", m, m, 100, kMaxRecoveryInstalments + 1, "", &s).ok());
  RecoverySchedule ok = schedule("R1", "E0001", 1000, 4);
  EXPECT_TRUE(check_recovery(ok).ok());
  RecoverySchedule bad = ok;
  bad.instalment = 200;
  EXPECT_NE(check_recovery(bad).message().find("instalment 200 is not 250"), std::string::npos)
      << check_recovery(bad).message();
  bad = ok;
  bad.balance = 1001;
  EXPECT_FALSE(check_recovery(bad).ok());
  bad = ok;
  bad.months_over_paid = bad.month_found + 1;
  EXPECT_FALSE(check_recovery(bad).ok());
}

TEST(Recovery, WithoutSchedulesThePayslipIsFormatsMdsOwn) {
  auto run = test::run_rows(test::mini_profile_json(), "2026-07", {Employee(1)});
  ASSERT_TRUE(run->ok());
  EXPECT_FALSE(run->result.layout.has_recovery());
  for (const std::string& name : run->result.layout.names) EXPECT_NE(name, "recovery");
}

// docs/close.md §2: the recovery is the last deduction; with nothing due, every other figure
// and every fate is the run's without schedules.
TEST(Recovery, ADueIsDeductedAfterLoanAndNothingElseChanges) {
  std::vector<Employee> rows{Employee(1), Employee(2), Employee(3).set("lwp_days", "31")};
  rows[1].set("loan_installment", "2000").set("loan_balance", "5000");
  auto plain = test::run_rows(test::mini_profile_json(), "2026-07", rows);
  ASSERT_TRUE(plain->ok());
  auto none_due = run_with(rows, "2026-07", {});
  auto due = run_with(rows, "2026-07", {schedule("R1", "E0002", 1500, 1), schedule("R2", "E0003", 900, 1)});
  const MonthResult& a = plain->result;
  for (const auto* run : {none_due.get(), due.get()}) {
    const MonthResult& b = run->result;
    ASSERT_TRUE(b.layout.has_recovery());
    EXPECT_EQ(b.layout.recovery, b.layout.loan + 1);
    EXPECT_EQ(b.layout.names[b.layout.recovery], "recovery");
    EXPECT_EQ(b.layout.columns, a.layout.columns + 1);
    for (size_t r = 0; r < rows.size(); ++r) {
      EXPECT_EQ(b.fate[r], a.fate[r]) << r;
      EXPECT_EQ(b.reasons[r], a.reasons[r]) << r;
      for (size_t c = 0; c < a.layout.columns; ++c) {
        const std::string& name = a.layout.names[c];
        const Money expected = a.amount(c, r) + (run == due.get() && r == 1 && (name == "total_deductions")   ? 1500
                                                 : run == due.get() && r == 1 && name == "net" ? -1500
                                                                                               : 0);
        EXPECT_EQ(b.amount(column_of(b, name), r), expected) << name << " row " << r;
      }
    }
  }
  EXPECT_EQ(none_due->amount(1, "recovery"), 0);
  EXPECT_EQ(due->amount(1, "recovery"), 1500);
  EXPECT_EQ(due->amount(2, "recovery"), 0);  // not paid (no payable days): nothing recovered
  EXPECT_EQ(due->amount(0, "recovery"), 0);
  // rules §7: the bill is the sum of its payslips, the recovery column too.
  ASSERT_EQ(due->result.bills.size(), 1u);
  const size_t rc = due->result.layout.recovery;
  EXPECT_EQ(due->result.bills[0].amounts[rc], 1500);
  EXPECT_EQ(due->result.bills[0].amounts[due->result.layout.net],
            due->amount(0, "net") + due->amount(1, "net"));
  EXPECT_EQ(due->result.summary.net, plain->result.summary.net - 1500);
}

TEST(Recovery, NeverTakesNetBelowZero) {
  std::vector<Employee> rows{Employee(1)};
  auto plain = test::run_rows(test::mini_profile_json(), "2026-07", rows);
  const Money net = plain->amount(0, "net");
  ASSERT_GT(net, 0);
  auto run = run_with(rows, "2026-07", {schedule("R1", "E0001", net + 12345, 1)});
  EXPECT_EQ(run->fate(0), Fate::kPaid);
  EXPECT_EQ(run->amount(0, "recovery"), net);
  EXPECT_EQ(run->amount(0, "net"), 0);
  // A row whose net is already negative recovers nothing and stays NEGATIVE_NET.
  rows[0].set("loan_installment", "900000").set("loan_balance", "900000");
  auto negative = run_with(rows, "2026-07", {schedule("R1", "E0001", 5000, 1)});
  EXPECT_EQ(negative->fate(0), Fate::kMismatch);
  EXPECT_EQ(negative->reasons(0), "NEGATIVE_NET");
  EXPECT_EQ(negative->amount(0, "recovery"), 0);
}

TEST(Recovery, AScheduleOfAnUnknownEmployeeIsRefused) {
  auto run = test::run_rows(test::mini_profile_json(), "2026-07", {Employee(1)});
  std::vector<Money> due;
  const Status s = recovery_dues(run->table, run->index, {schedule("R9", "E9999", 100, 1)}, &due);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("E9999"), std::string::npos) << s.message();
}

TEST(Recovery, RecoveredAmountsAreTakenOldestFirst) {
  RecoverySchedule a = schedule("R1", "E0001", 1000, 5);  // due 200
  RecoverySchedule b = schedule("R2", "E0001", 600, 2);   // due 300, over-paid last FY
  b.months_over_paid = test::month_of("2026-02");
  std::vector<RecoverySchedule*> both{&a, &b};
  const RecoveryAllocation r = allocate_recovered(350, test::month_of("2026-07"), both);
  EXPECT_EQ(r.unallocated, 0);
  EXPECT_EQ(a.balance, 800);
  EXPECT_EQ(b.balance, 450);
  EXPECT_EQ(r.same_year, 200);  // only R1's part was over-paid in FY 2026-27
  EXPECT_EQ(allocate_recovered(600, test::month_of("2026-08"), both).unallocated, 100);
  b.waived = true;
  EXPECT_EQ(b.due(), 0);
}

TEST(Recovery, FileRoundTripsAndBadFieldsAreNamed) {
  const std::string dir = test::make_temp_dir("recoveries-csv");
  std::vector<RecoverySchedule> in{schedule("R2", "E0002", 900, 3), schedule("R1", "E0001", 1000, 1)};
  in[0].reason = "LWP of 5 days, entered late, \"after\" the close";
  in[1].waived = true;
  const std::string path = dir + "/recoveries.csv";
  test::write_text(path, format_recoveries_csv(in));
  std::vector<RecoverySchedule> out;
  ASSERT_TRUE(read_recoveries_csv(path, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].recovery_id, "R1");  // sorted by recovery_id
  EXPECT_TRUE(out[0].waived);
  EXPECT_EQ(out[1].reason, in[0].reason);
  EXPECT_EQ(out[1].instalment, 300);
  EXPECT_EQ(format_recoveries_csv(out), format_recoveries_csv(in));

  const std::string header = "recovery_id,employee_id,month_found,months_over_paid,amount,instalments,instalment,"
                             "balance,waived,reason\n";
  const std::pair<std::string, std::string> bad[] = {
      {"R1,E0001,2026-13,2026-06,1000,1,1000,1000,0,x\n", "line 2: month_found '2026-13'"},
      {"R1,E0001,2026-07,2026-06,10.5,1,1000,1000,0,x\n", "line 2: amount '10.5'"},
      {"R1,E0001,2026-07,2026-06,1000,2,1000,1000,0,x\n", "instalment 1000 is not 500"},
      {"R1,E0001,2026-07,2026-06,1000,1,1000,1000,yes,x\n", "waived 'yes' is not 0 or 1"},
      {"R1,E0001,2026-07,2026-06,1000,1,1000,1000,0,x\nR1,E0002,2026-07,2026-06,10,1,10,10,0,y\n",
       "line 3: recovery_id R1 is on an earlier line too"},
  };
  for (const auto& [body, message] : bad) {
    test::write_text(path, header + body);
    const Status s = read_recoveries_csv(path, &out);
    EXPECT_FALSE(s.ok()) << body;
    EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
  }
  test::remove_tree(dir);
}

int call(int (*command)(const Arguments&), std::vector<std::string> args) {
  return command(Arguments(args.begin(), args.end()));
}

// One column of payslips.csv by employee_id.
std::map<std::string, Money> payslip_column(const std::string& run_dir, const std::string& column) {
  const test::CsvFile f = test::parse_csv_text(test::read_text(run_dir + "/payslips.csv"));
  std::map<std::string, Money> out;
  for (const auto& row : f.rows) out[row[f.column("employee_id")]] = std::stoll(row[f.column(column)]);
  return out;
}

Money master_field(const std::string& master, const std::string& id, const std::string& column) {
  const test::CsvFile f = test::parse_csv_text(test::read_text(master));
  for (const auto& row : f.rows) {
    if (row[f.column("employee_id")] == id) return std::stoll(row[f.column(column)]);
  }
  ADD_FAILURE() << "no " << id << " in " << master;
  return -1;
}

// docs/close.md §2's worked case: June paid with LWP 0; an LWP of 5 days is found after
// June's close. June computed again with the corrected master gives the over-payment (5
// days' pay); it is recovered over three months from July, the sum recovered equals it, and
// fy_gross_to_date ends as the gross really due.
TEST(Recovery, AnOverPaymentFoundAfterTheCloseIsRecoveredAndTheYearsGrossIsWhatWasDue) {
  const std::string dir = test::make_temp_dir("recovery-months");
  const std::string profile = test::test_data_dir() + "/mini-profile.json";
  std::vector<Employee> rows{Employee(1), Employee(2)};
  test::write_text(dir + "/2026-06.csv", test::master_csv(rows));
  ASSERT_EQ(call(run_command, {"--profile", profile, "--employees", dir + "/2026-06.csv", "--month", "2026-06",
                               "--out", dir + "/run-2026-06", "--quiet"}),
            kExitOk);
  ASSERT_EQ(call(close_command, {"--profile", profile, "--employees", dir + "/2026-06.csv", "--month", "2026-06",
                                 "--run", dir + "/run-2026-06", "--out", dir + "/2026-07.csv", "--quiet"}),
            kExitOk);
  const Money drawn = payslip_column(dir + "/run-2026-06", "gross")["E0001"];
  // June again, with the LWP entered late.
  std::vector<Employee> corrected = rows;
  corrected[0].set("lwp_days", "5");
  auto june = test::run_rows(test::mini_profile_json(), "2026-06", corrected);
  const Money due_gross = june->amount(0, "gross");
  const Money over_paid = drawn - due_gross;
  ASSERT_GT(over_paid, 0);
  test::write_text(dir + "/recoveries-2026-07.csv",
                   format_recoveries_csv({schedule("R000001", "E0001", over_paid, 3, "2026-06", "2026-07")}));

  Money recovered = 0, gross_after_june = 0;
  for (const char* month : {"2026-07", "2026-08", "2026-09"}) {
    const std::string m(month);
    const std::string next = m == "2026-07" ? "2026-08" : m == "2026-08" ? "2026-09" : "2026-10";
    const std::string run_dir = dir + "/run-" + m;
    ASSERT_EQ(call(run_command, {"--profile", profile, "--employees", dir + "/" + m + ".csv", "--month", m, "--out",
                                 run_dir, "--recoveries", dir + "/recoveries-" + m + ".csv", "--quiet"}),
              kExitOk);
    const Money got = payslip_column(run_dir, "recovery")["E0001"];
    EXPECT_EQ(got, m == "2026-09" ? over_paid - 2 * recovery_instalment(over_paid, 3) : recovery_instalment(over_paid, 3));
    EXPECT_EQ(payslip_column(run_dir, "recovery")["E0002"], 0);
    recovered += got;
    gross_after_june += payslip_column(run_dir, "gross")["E0001"];
    // A close without the schedules the month was run with is refused.
    testing::internal::CaptureStderr();
    EXPECT_EQ(call(close_command, {"--profile", profile, "--employees", dir + "/" + m + ".csv", "--month", m,
                                   "--run", run_dir, "--out", dir + "/x.csv", "--quiet"}),
              kExitRefused);
    EXPECT_NE(testing::internal::GetCapturedStderr().find("--recoveries"), std::string::npos);
    ASSERT_EQ(call(close_command, {"--profile", profile, "--employees", dir + "/" + m + ".csv", "--month", m,
                                   "--run", run_dir, "--out", dir + "/" + next + ".csv", "--recoveries",
                                   dir + "/recoveries-" + m + ".csv", "--recoveries-out",
                                   dir + "/recoveries-" + next + ".csv", "--quiet"}),
              kExitOk);
  }
  EXPECT_EQ(recovered, over_paid);
  std::vector<RecoverySchedule> last;
  ASSERT_TRUE(read_recoveries_csv(dir + "/recoveries-2026-10.csv", &last).ok());
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].balance, 0);
  // rules §6: excess salary recovered in the year it was paid is not income.
  EXPECT_EQ(master_field(dir + "/2026-10.csv", "E0001", "fy_gross_to_date"), due_gross + gross_after_june);
  EXPECT_EQ(master_field(dir + "/2026-10.csv", "E0002", "fy_gross_to_date"),
            payslip_column(dir + "/run-2026-06", "gross")["E0002"] * 4);
  test::remove_tree(dir);
}

}  // namespace
}  // namespace vetan
