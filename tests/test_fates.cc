// rules §2: deciding each row's fate. Steps in order (0 parse, 1 duplicates, 2 stop
// payment, 3 master-data checks, 4 computation); reasons in the order of the section.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/run/month_run.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using test::Employee;
using test::master_csv;
using test::master_record;
using test::mini_profile_json;
using test::run_csv;
using test::run_rows;
using ::testing::HasSubstr;

// Step 0: an unreadable row is MISMATCH with INVALID_RECORD alone; nothing else is checked.
TEST(FatesRules2Step0, UnreadableRowHasOnlyInvalidRecord) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("date_of_birth", "1980-02-30")
                           .set("status", "RETIRED")
                           .set("pan", "bad")
                           .set("stop_payment", "1"),
                       Employee(2)});
  EXPECT_EQ(run->fate(0), Fate::kMismatch);
  EXPECT_EQ(run->reasons(0), "INVALID_RECORD");
  EXPECT_EQ(run->fate(1), Fate::kPaid);
}

TEST(FatesRules2Step0, DetailNamesEveryOffendingColumn) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("date_of_birth", "31/12/1980")
                           .set("pay_cell", "abc")
                           .set("status", "ONLEAVE")});
  ASSERT_EQ(run->reasons(0), "INVALID_RECORD");
  const std::string detail = mismatch_detail(run->table, run->result, 0);
  EXPECT_THAT(detail, HasSubstr("date_of_birth"));
  EXPECT_THAT(detail, HasSubstr("pay_cell"));
  EXPECT_THAT(detail, HasSubstr("status"));
}

// Step 1: an id on more than one row marks every readable row carrying it.
TEST(FatesRules2Step1, DuplicateIdsAfterTrimming) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1), Employee(2).set("employee_id", "  E0001 "), Employee(3)});
  EXPECT_EQ(run->reasons(0), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->reasons(1), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->fate(2), Fate::kPaid);
}

TEST(FatesRules2Step1, UnreadableRowsIdCountsButItStaysInvalidRecord) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1), Employee(2).set("employee_id", "E0001").set("basic_pay", "-1")});
  EXPECT_EQ(run->reasons(0), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->reasons(1), "INVALID_RECORD");
}

TEST(FatesRules2Step1, ShortRowWithoutTheIdFieldDoesNotCount) {
  // employee_id is the last column; a short row has no such field, so no id.
  std::vector<std::string> columns(test::all_columns().begin() + 1, test::all_columns().end());
  columns.push_back("employee_id");
  const Employee a(1);
  const Employee b = Employee(2).set("employee_id", "E0001");
  std::string csv = master_csv({a}, columns);
  // A full row with id E0002, and a short row (field count wrong) whose last field would be
  // the id E0001 had the row been complete: it lacks the field, so it holds no id.
  const std::string full_b = master_record(Employee(2), columns);
  const std::string short_b = master_record(b, columns);
  csv += full_b + "\n" + short_b.substr(0, short_b.rfind(',')) + "\n";
  auto run = run_csv(mini_profile_json(), "2026-02", csv);
  ASSERT_EQ(run->table.rows, 3u);
  EXPECT_EQ(run->fate(0), Fate::kPaid) << run->reasons(0);
  EXPECT_EQ(run->fate(1), Fate::kPaid) << run->reasons(1);
  EXPECT_EQ(run->reasons(2), "INVALID_RECORD");
  EXPECT_EQ(run->table.employee_id[2], "");  // formats.md: the raw field, here absent
}

TEST(FatesRules2Step1, WrongFieldCountRowWithTheIdFieldCounts) {
  std::string csv = master_csv({Employee(1)});
  const std::string record = master_record(Employee(2).set("employee_id", "E0001"));
  csv += record.substr(0, record.rfind(',')) + "\n";  // one field short, id still first
  auto run = run_csv(mini_profile_json(), "2026-02", csv);
  EXPECT_EQ(run->reasons(0), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->reasons(1), "INVALID_RECORD");
  EXPECT_EQ(run->table.employee_id[1], "E0001");
}

// Step 2: stop payment, unless the id is duplicated.
TEST(FatesRules2Step2, StoppedRowIsNotCheckedFurther) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("stop_payment", "1")
                           .set("stop_reason", "Under inquiry")
                           .set("pan", "")
                           .set("status", "RETIRED")
                           .set("lwp_days", "31")});
  EXPECT_EQ(run->fate(0), Fate::kStopped);
  EXPECT_EQ(run->reasons(0), "");
  EXPECT_EQ(run->table.stop_reason[0], "Under inquiry");
}

TEST(FatesRules2Step2, StoppedAndDuplicateIsAMismatch) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1).set("stop_payment", "Y"), Employee(2).set("employee_id", "E0001")});
  EXPECT_EQ(run->fate(0), Fate::kMismatch);
  EXPECT_EQ(run->reasons(0), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->reasons(1), "DUPLICATE_EMPLOYEE_ID");
}

TEST(FatesRules2Step2, StoppedRowDuplicatedByAnUnreadableRow) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).set("stop_payment", "true"),
                       Employee(2).set("employee_id", "E0001").set("hra_class", "W")});
  EXPECT_EQ(run->fate(0), Fate::kMismatch);
  EXPECT_EQ(run->reasons(0), "DUPLICATE_EMPLOYEE_ID");
  EXPECT_EQ(run->reasons(1), "INVALID_RECORD");
}

// Step 3: all master-data reasons together, in the order of the table.
TEST(FatesRules2Step3, AllReasonsInTableOrder) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .set("status", "RETIRED")
                           .set("date_of_joining", "2026-03-01")
                           .set("pay_level", "L-99")
                           .set("pan", "ABCD1234E")
                           .set("bank_account", "12345")
                           .set("ifsc", "SBIN1234567")
                           .gpf(5000)
                           .set("gpf_account", ""),
                       Employee(1)
                           .set("date_of_retirement", "2025-12-31")
                           .set("pay_cell", "8")
                           .set("pran", "12345"),
                       Employee(3).set("basic_pay", "53000").set("bank_account", "1000000001"),
                       Employee(4).set("pay_cell", "0")});  // pay_cell 0 is unreadable (step 0)
  EXPECT_EQ(run->reasons(0),
            "DUPLICATE_EMPLOYEE_ID;STATUS_NOT_PAYABLE;NOT_JOINED_YET;UNKNOWN_PAY_LEVEL;"
            "INVALID_PAN;INVALID_BANK_ACCOUNT;INVALID_IFSC;GPF_ACCOUNT_MISSING");
  EXPECT_EQ(run->reasons(1),
            "DUPLICATE_EMPLOYEE_ID;RETIRED_BEFORE_MONTH;INVALID_PAY_CELL;DUPLICATE_BANK_ACCOUNT;"
            "PRAN_MISSING");
  EXPECT_EQ(run->reasons(2), "BASIC_PAY_MISMATCH;DUPLICATE_BANK_ACCOUNT");
  EXPECT_EQ(run->reasons(3), "INVALID_RECORD");
}

TEST(FatesRules2Step3, StatusNotPayableIsNotAlsoRetiredBeforeMonth) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1).set("status", "VRS").set("date_of_retirement", "2020-01-31"),
                Employee(2).set("status", "SUSPENDED").set("date_of_retirement", "2020-01-31"),
                Employee(3).set("status", "deceased"), Employee(4).set("status", "Terminated")});
  EXPECT_EQ(run->reasons(0), "STATUS_NOT_PAYABLE");
  EXPECT_EQ(run->reasons(1), "RETIRED_BEFORE_MONTH");
  EXPECT_EQ(run->reasons(2), "STATUS_NOT_PAYABLE");
  EXPECT_EQ(run->reasons(3), "STATUS_NOT_PAYABLE");
}

TEST(FatesRules2Step3, TextChecks) {
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).set("pan", "abcde1234f").set("ifsc", "sbin0abc123"),  // upper-cased: valid
       Employee(2).set("pan", "ABCDE12345"), Employee(3).set("pan", ""),
       Employee(4).set("bank_account", "12345678"),             // 8 digits
       Employee(5).set("bank_account", "123456789"),            // 9: valid
       Employee(6).set("bank_account", "123456789012345678"),   // 18: valid
       Employee(7).set("bank_account", "1234567890123456789"),  // 19
       Employee(8).set("bank_account", "12345678901A"),
       Employee(9).set("ifsc", "SBIN1001234"),     // fifth not 0
       Employee(10).set("ifsc", "SB1N0001234"),    // digit in the letters
       Employee(11).set("pran", "1234567890123"),  // 13 digits
       Employee(12).gpf(2000).set("pran", "")});   // GPF needs no PRAN
  const char* expected[] = {"",
                            "INVALID_PAN",
                            "INVALID_PAN",
                            "INVALID_BANK_ACCOUNT",
                            "",
                            "",
                            "INVALID_BANK_ACCOUNT",
                            "INVALID_BANK_ACCOUNT",
                            "INVALID_IFSC",
                            "INVALID_IFSC",
                            "PRAN_MISSING",
                            ""};
  for (size_t r = 0; r < 12; ++r) EXPECT_EQ(run->reasons(r), expected[r]) << "row " << r + 1;
}

// Step 3 DUPLICATE_BANK_ACCOUNT: well-formed pairs on other readable rows, stopped and
// duplicate rows included.
TEST(FatesRules2Step3, DuplicateBankAccount) {
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).set("bank_account", "5555555555"),
       Employee(2).set("bank_account", "5555555555").set("ifsc", "sbin0001234"),  // same pair
       Employee(3).set("bank_account", "5555555555").set("ifsc", "PUNB0001234"),  // other bank
       Employee(4).set("bank_account", "7777777777").set("stop_payment", "1"),
       Employee(5).set("bank_account", "7777777777"),
       Employee(6).set("bank_account", "0777777777"),  // leading zero
       Employee(7).set("bank_account", "12AB"), Employee(8).set("bank_account", "12AB"),
       Employee(9).set("bank_account", "8888888888").set("pay_cell", "x"),  // unreadable
       Employee(10).set("bank_account", "8888888888")});
  EXPECT_EQ(run->reasons(0), "DUPLICATE_BANK_ACCOUNT");
  EXPECT_EQ(run->reasons(1), "DUPLICATE_BANK_ACCOUNT");
  EXPECT_EQ(run->fate(2), Fate::kPaid);
  EXPECT_EQ(run->fate(3), Fate::kStopped);
  EXPECT_EQ(run->reasons(4), "DUPLICATE_BANK_ACCOUNT");
  EXPECT_EQ(run->fate(5), Fate::kPaid);
  EXPECT_EQ(run->reasons(6), "INVALID_BANK_ACCOUNT");  // malformed pairs are not compared
  EXPECT_EQ(run->reasons(7), "INVALID_BANK_ACCOUNT");
  EXPECT_EQ(run->reasons(8), "INVALID_RECORD");
  EXPECT_EQ(run->fate(9), Fate::kPaid);  // only readable rows count
}

// Step 3 decides before step 4: a row with master-data reasons is not computed further.
TEST(FatesRules2Step3, MasterDataReasonsStopTheComputation) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1).gpf(1).set("pan", "").set("lwp_days", "31")});
  EXPECT_EQ(run->reasons(0), "INVALID_PAN");
}

// Step 4: ZERO_PAYABLE_DAYS alone; otherwise every computed reason.
TEST(FatesRules2Step4, ZeroPayableDaysIsTheOnlyReason) {
  auto run = run_rows(mini_profile_json(), "2026-02",
                      {Employee(1)
                           .gpf(1)
                           .set("lwp_days", "28")
                           .set("loan_installment", "900000")
                           .set("loan_balance", "900000")});
  EXPECT_EQ(run->reasons(0), "ZERO_PAYABLE_DAYS");
}

TEST(FatesRules2Step4, ComputedReasonsTogether) {
  auto run = run_rows(
      mini_profile_json(), "2026-02",
      {Employee(1).gpf(999).set("loan_installment", "900000").set("loan_balance", "900000")});
  EXPECT_EQ(run->reasons(0), "GPF_BELOW_MINIMUM;NEGATIVE_NET");
}

// Every row has exactly one fate and the summary counts them (rules §1, §8).
TEST(FatesRules2, SummaryCountsFatesAndReasons) {
  auto run =
      run_rows(mini_profile_json(), "2026-02",
               {Employee(1), Employee(2).set("stop_payment", "1"), Employee(3).set("pan", ""),
                Employee(4).set("pan", "").set("ifsc", ""), Employee(5).set("status", "x")});
  const RunSummary& s = run->result.summary;
  EXPECT_EQ(s.rows, 5);
  EXPECT_EQ(s.paid, 1);
  EXPECT_EQ(s.stopped, 1);
  EXPECT_EQ(s.mismatched, 3);
  EXPECT_EQ(s.reasons[8], 2);   // INVALID_PAN
  EXPECT_EQ(s.reasons[10], 1);  // INVALID_IFSC
  EXPECT_EQ(s.reasons[0], 1);   // INVALID_RECORD
  EXPECT_EQ(s.gross, 94277);
  EXPECT_EQ(s.net, 83959);
  EXPECT_EQ(s.employer_nps, 12044);
}

}  // namespace
}  // namespace vetan
