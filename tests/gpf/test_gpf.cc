// GPF unit tests (gpf.md §1-§5), numbers worked by hand in the comments. Rates: 7.1% is
// bp 710; interest = rnd(Σ balance × bp / 120000) = (2 × Σ balance × bp + 120000) div 240000.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/gpf/final_payment.h"
#include "core/gpf/gpf_months.h"
#include "core/gpf/gpf_rates.h"
#include "core/gpf/statement.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan {
namespace {

constexpr Month kApril2025 = make_month(2025, 4);

GpfRates rates_71() { return GpfRates({{make_month(2020, 4), 710}}); }

GpfLedger ledger_of(const std::string& csv, size_t chunk_bytes = size_t(4) << 20) {
  GpfLedger ledger;
  GpfLoadOptions options;
  options.chunk_bytes = chunk_bytes;
  const Status s = parse_gpf_ledger(csv, "ledger.csv", &ledger, options);
  EXPECT_TRUE(s.ok()) << s.message();
  return ledger;
}

// The statement's walk of `account` (by name).
const GpfWalkResult& walk_of(const GpfLedger& ledger, const GpfStatementResult& r,
                             const std::string& account) {
  Dictionary::Code code = 0;
  EXPECT_TRUE(ledger.accounts.find(account, &code)) << account;
  return r.walks[code];
}

GpfStatementResult statement_of(const GpfLedger& ledger, const GpfRates& rates, Month fy) {
  GpfStatementResult r;
  const Status s = compute_gpf_statement(ledger, rates, fy, &r);
  EXPECT_TRUE(s.ok()) << s.message();
  return r;
}

GpfCase case_of(const std::string& id, const std::string& account, Month payable, Month payment) {
  return GpfCase{id, account, gpf_month_name(payable), gpf_month_name(payment), payable, payment};
}

const std::string kHeader = "gpf_account,month,kind,amount,reference\n";

// ---------------------------------------------------------------- §1 profile keys

TEST(GpfRates, RateInForceEachMonth) {  // gpf.md §1: a dated list, the last from <= month
  const GpfRates rates({{make_month(2020, 4), 710}, {make_month(2026, 10), 725}});
  EXPECT_EQ(rates.at(make_month(2020, 3)), GpfRates::kNoRate);
  EXPECT_EQ(rates.at(make_month(2020, 4)), 710);
  EXPECT_EQ(rates.at(make_month(2026, 9)), 710);
  EXPECT_EQ(rates.at(make_month(2026, 10)), 725);
  EXPECT_EQ(rates.at(make_month(2040, 1)), 725);
  EXPECT_TRUE(GpfRates(std::vector<GpfInterestRate>()).empty());
}

TEST(GpfRates, PercentInShortestDecimalForm) {  // gpf.md §4 monthly.csv rate
  EXPECT_EQ(gpf_percent_text(710), "7.1");
  EXPECT_EQ(gpf_percent_text(800), "8");
  EXPECT_EQ(gpf_percent_text(725), "7.25");
  EXPECT_EQ(gpf_percent_text(705), "7.05");
  EXPECT_EQ(gpf_percent_text(0), "0");
}

TEST(GpfMonths, FinancialYears) {  // gpf.md §3: April to March
  EXPECT_EQ(gpf_fy_start(make_month(2026, 3)), kApril2025);
  EXPECT_EQ(gpf_fy_start(make_month(2025, 4)), kApril2025);
  EXPECT_EQ(gpf_fy_start(make_month(0, 1)), -9);  // floors before year 0
  EXPECT_EQ(gpf_month_name(-9), "-1-04");
  EXPECT_EQ(gpf_month_name(make_month(2025, 4)), "2025-04");
}

// ---------------------------------------------------------------- §2 the ledger file

TEST(GpfLedgerFile, UnreadableLinesAreProblemsAndRefuseTheirAccount) {
  // Line numbers count the records after the header; the blank line is not one.
  const GpfLedger ledger = ledger_of(kHeader +
                                     "A,2025-04,OPENING,1000,\n"
                                     "A,2025-13,SUBSCRIPTION,10,\n"  // line 2: bad month
                                     "\n"
                                     "B,2025-05,BONUS,10,\n"                 // line 3: bad kind
                                     "C,2025-05,REFUND,\"1,000\",\n"         // line 4: bad amount
                                     ",2025-05,REFUND,5,\n"                  // line 5: no account
                                     "D,2025-05,REFUND\n"                    // line 6: 3 fields
                                     ",,,,\n"                                // line 7: empty fields
                                     "E,2025-05,DEPOSIT,1234567890123,\n");  // 13 digits
  ASSERT_EQ(ledger.problems.size(), 7u);
  const uint32_t lines[] = {2, 3, 4, 5, 6, 7, 8};
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(ledger.problems[i].line, lines[i]);
  EXPECT_EQ(ledger.problems[0].problem, "month '2025-13' is not YYYY-MM");
  EXPECT_EQ(ledger.problems[4].problem, "line has 3 fields, header has 5");
  EXPECT_EQ(ledger.problems[4].account, "D");
  EXPECT_EQ(ledger.problems[5].account, "");
  EXPECT_EQ(ledger.posting_count(), 1u);  // only A's OPENING is readable

  const GpfStatementResult r = statement_of(ledger, rates_71(), kApril2025);
  EXPECT_TRUE(r.listed.empty());
  ASSERT_EQ(r.refused.size(), 5u);  // A, B, C, D, E; the lines without an account name none
  const GpfWalkResult& a = walk_of(ledger, r, "A");
  EXPECT_EQ(a.refused.reason, GpfRefusal::kUnreadableLine);
  EXPECT_EQ(gpf_refusal_detail(a.refused), "line 2 cannot be read");
}

TEST(GpfLedgerFile, CsvRulesTrimCaseQuotesBomCrlf) {  // gpf.md §2, formats.md CSV rules
  const GpfLedger ledger = ledger_of(
      "\xEF\xBB\xBF"
      "amount, kind ,month,gpf_account\r\n"
      "\"100\",  subscription ,2025-04,\"A,1\"\r\n"
      "50,Deposit,2025-04, A,1 \r\n"  // 5 fields: line 2
      "\r\n"
      "7,DEPOSIT,2025-04, A1 \r\n");
  ASSERT_EQ(ledger.problems.size(), 1u);
  EXPECT_EQ(ledger.problems[0].line, 2u);
  EXPECT_EQ(ledger.problems[0].account, "A");  // trimmed: the field is readable
  ASSERT_EQ(ledger.account_count(), 3u);       // "A,1" (quoted), "A1", and "A"
  Dictionary::Code code = 0;
  EXPECT_TRUE(ledger.accounts.find("A,1", &code));
  EXPECT_EQ(ledger.amount[ledger.begin[code]], 100);
  EXPECT_EQ(ledger.kind[ledger.begin[code]], PostingKind::kSubscription);
  EXPECT_TRUE(ledger.accounts.find("A1", &code));
  EXPECT_EQ(ledger.amount[ledger.begin[code]], 7);
}

TEST(GpfLedgerFile, UnusableFiles) {  // gpf.md §4: exit 2 for an unusable file
  GpfLedger ledger;
  EXPECT_EQ(
      parse_gpf_ledger("gpf_account,month,kind\nA,2025-04,OPENING\n", "l.csv", &ledger).message(),
      "l.csv: the header lacks required column 'amount'");
  EXPECT_EQ(parse_gpf_ledger("month,month,gpf_account,kind,amount\n", "l.csv", &ledger).message(),
            "l.csv: the header repeats column 'month'");
  EXPECT_EQ(parse_gpf_ledger("\n\n", "l.csv", &ledger).message(), "l.csv: no header");
  EXPECT_EQ(parse_gpf_ledger(kHeader + "A,2025-04,OPENING,1\xff\n", "l.csv", &ledger).message(),
            "l.csv: not UTF-8 text (byte 59)");
}

TEST(GpfLedgerFile, OpeningMustBeTheOnlyEarliestLineInAnApril) {  // gpf.md §2
  const GpfLedger ledger = ledger_of(kHeader +
                                     "TWO,2025-04,OPENING,10,\nTWO,2025-04,OPENING,10,\n"
                                     "MAY,2025-05,OPENING,10,\n"
                                     "LATE,2025-04,OPENING,10,\nLATE,2025-03,DEPOSIT,5,\n"
                                     "GOOD,2025-04,OPENING,10,\nGOOD,2025-04,DEPOSIT,5,\n");
  const GpfStatementResult r = statement_of(ledger, rates_71(), kApril2025);
  EXPECT_EQ(gpf_refusal_detail(walk_of(ledger, r, "TWO").refused), "2 OPENING lines");
  EXPECT_EQ(gpf_refusal_detail(walk_of(ledger, r, "MAY").refused),
            "OPENING in 2025-05, not an April");
  EXPECT_EQ(gpf_refusal_detail(walk_of(ledger, r, "LATE").refused),
            "OPENING in 2025-04 but a posting in 2025-03");
  EXPECT_EQ(walk_of(ledger, r, "GOOD").end, GpfWalkResult::End::kDone);
  EXPECT_EQ(r.listed.size(), 1u);
}

// ---------------------------------------------------------------- §3 interest for one FY

TEST(GpfInterest, AdvanceAndItsRefunds) {  // gpf.md §3
  // Opening 50,000; 2,000 subscribed monthly; an advance of 12,000 in June refunded 3,000 a
  // month July-October. Balances Apr..Mar: 52,000 54,000 44,000 49,000 54,000 59,000 64,000
  // 66,000 68,000 70,000 72,000 74,000, sum 7,26,000. 7,26,000 × 7.1 / 1200 = 4,295.5,
  // half up 4,296; closing 74,000 + 4,296 = 78,296.
  std::string csv = kHeader + "A,2025-04,OPENING,50000,\nA,2025-06,ADVANCE,12000,sanction\n";
  for (int m = 0; m < 12; ++m)
    csv += "A," + gpf_month_name(kApril2025 + m) + ",SUBSCRIPTION,2000,\n";
  for (int m = 3; m < 7; ++m) csv += "A," + gpf_month_name(kApril2025 + m) + ",REFUND,3000,\n";
  const GpfLedger ledger = ledger_of(csv);
  const GpfStatementResult r = statement_of(ledger, rates_71(), kApril2025);
  const GpfYear& y = walk_of(ledger, r, "A").year;
  EXPECT_EQ(y.opening, 50000);
  EXPECT_EQ(y.credits, 36000);
  EXPECT_EQ(y.debits, 12000);
  EXPECT_EQ(y.interest, 4296);
  EXPECT_EQ(y.closing, 78296);
  ASSERT_EQ(r.listed.size(), 1u);
  GpfMonths months;
  gpf_statement_months(ledger, rates_71(), r, r.listed[0], &months);
  EXPECT_EQ(months.balance[2], 44000);  // June
  EXPECT_EQ(months.debits[2], 12000);
  EXPECT_EQ(months.credits[3], 5000);  // July: 2,000 + 3,000
  EXPECT_EQ(months.balance[11], 74000);
}

TEST(GpfInterest, RateChangeInsideTheYear) {  // gpf.md §1, §3: the rate in force each month
  // 1,20,000 all year, 7.1% Apr-Sep and 7.5% from October:
  // (1,20,000 × 710 × 6 + 1,20,000 × 750 × 6) / 1,20,000 = 4,260 + 4,500 = 8,760.
  const GpfRates rates({{make_month(2020, 4), 710}, {make_month(2025, 10), 750}});
  const GpfLedger ledger = ledger_of(kHeader + "A,2025-04,OPENING,120000,\n");
  const GpfStatementResult r = statement_of(ledger, rates, kApril2025);
  EXPECT_EQ(walk_of(ledger, r, "A").year.interest, 8760);
  EXPECT_EQ(r.rate[5], 710);
  EXPECT_EQ(r.rate[6], 750);
}

TEST(GpfInterest, RoundsHalfUpOnce) {  // gpf.md §3 rnd
  // 100 deposited in March at 6%: 100 × 6 / 1200 = 0.5 -> 1; 99: 0.495 -> 0.
  const GpfRates rates({{make_month(2020, 4), 600}});
  const GpfLedger ledger = ledger_of(kHeader + "A,2026-03,DEPOSIT,100,\nB,2026-03,DEPOSIT,99,\n");
  const GpfStatementResult r = statement_of(ledger, rates, kApril2025);
  EXPECT_EQ(walk_of(ledger, r, "A").year.interest, 1);
  EXPECT_EQ(walk_of(ledger, r, "B").year.interest, 0);
}

TEST(GpfInterest, EarlierYearsCarryTheirClosing) {  // gpf.md §3: opening = last closing
  // FY 2024-25: 1,00,000 × 12 × 7.1 / 1200 = 7,100; closing 1,07,100 opens 2025-26, whose
  // interest is 1,07,100 × 7.1 / 100 = 7,604.1 -> 7,604. A line after the FY plays no part.
  const GpfLedger ledger = ledger_of(
      kHeader + "A,2024-04,OPENING,100000,\nA,2026-04,DEPOSIT,999,\nL,2026-05,DEPOSIT,5,\n");
  const GpfStatementResult r = statement_of(ledger, rates_71(), kApril2025);
  const GpfYear& y = walk_of(ledger, r, "A").year;
  EXPECT_EQ(y.opening, 107100);
  EXPECT_EQ(y.interest, 7604);
  EXPECT_EQ(y.closing, 114704);
  EXPECT_EQ(walk_of(ledger, r, "L").end, GpfWalkResult::End::kAbsent);
  EXPECT_EQ(r.listed.size(), 1u);
}

TEST(GpfInterest, NegativeBalanceRefusesTheAccount) {  // gpf.md §3
  const GpfLedger ledger =
      ledger_of(kHeader + "A,2025-04,OPENING,1000,\nA,2025-05,WITHDRAWAL,2000,\n");
  const GpfStatementResult r = statement_of(ledger, rates_71(), kApril2025);
  EXPECT_EQ(gpf_refusal_detail(walk_of(ledger, r, "A").refused), "balance -1000 in 2025-05");
}

TEST(GpfInterest, AMonthWithoutARateStopsTheStatement) {  // gpf.md §1
  const GpfLedger ledger = ledger_of(kHeader + "A,2019-04,OPENING,1000,\n");
  GpfStatementResult r;
  EXPECT_EQ(compute_gpf_statement(ledger, rates_71(), kApril2025, &r).message(),
            "profile: no gpf.interest rate in force for 2019-04");
  EXPECT_EQ(compute_gpf_statement(ledger, rates_71(), make_month(2019, 4), &r).message(),
            "profile: no gpf.interest rate in force for 2019-04");
}

// ---------------------------------------------------------------- §5 the final payment

GpfFinalResult final_of(const GpfLedger& ledger, const std::vector<GpfCase>& cases) {
  GpfFinalResult r;
  const Status s = compute_gpf_final(ledger, rates_71(), cases, &r);
  EXPECT_TRUE(s.ok()) << s.message();
  return r;
}

TEST(GpfFinal, CappedAtSixMonthsAfterPayable) {  // gpf.md §5, rule 11(4)
  // Payable 2025-06, paid 2026-03: E = min(2026-02, 2025-12) = 2025-12. 1,00,000 for the nine
  // months Apr-Dec: 1,00,000 × 9 × 7.1 / 1200 = 5,325. The January subscription counts but
  // earns nothing: due 1,00,000 + 1,000 + 5,325 = 1,06,325.
  const GpfLedger ledger =
      ledger_of(kHeader + "A,2025-04,OPENING,100000,\nA,2026-01,SUBSCRIPTION,1000,\n");
  const GpfFinalResult r =
      final_of(ledger, {case_of("C", "A", make_month(2025, 6), make_month(2026, 3))});
  ASSERT_EQ(r.paid.size(), 1u);
  EXPECT_EQ(r.interest_to[0], make_month(2025, 12));
  EXPECT_EQ(r.walks[0].year.opening, 100000);
  EXPECT_EQ(r.walks[0].year.credits, 1000);
  EXPECT_EQ(r.walks[0].year.interest, 5325);
  EXPECT_EQ(r.walks[0].year.closing, 106325);
}

TEST(GpfFinal, AfterTheFyEnd) {  // gpf.md §5: E in the next FY
  // Payable 2026-02, paid 2026-06: E = 2026-05. FY 2025-26 in full: interest 7,100, closing
  // 1,07,100. FY 2026-27 to May: 1,07,100 × 2 × 7.1 / 1200 = 1,267.35 -> 1,267; due 1,08,367.
  const GpfLedger ledger = ledger_of(kHeader + "A,2025-04,OPENING,100000,\n");
  const GpfFinalResult r =
      final_of(ledger, {case_of("C", "A", make_month(2026, 2), make_month(2026, 6))});
  EXPECT_EQ(r.interest_to[0], make_month(2026, 5));
  EXPECT_EQ(r.walks[0].year.opening, 107100);
  EXPECT_EQ(r.walks[0].year.interest, 1267);
  EXPECT_EQ(r.walks[0].year.closing, 108367);
  EXPECT_EQ(r.amount_due, 108367);
}

TEST(GpfFinal, PaymentInALaterFyThanE) {  // gpf.md §5: lines to payment_month count
  // Payable 2025-04, paid 2026-06: E = 2025-10; 10,000 for Apr-Oct: 10,000 × 7 × 7.1 / 1200
  // = 414.17 -> 414; the 1,000 of 2026-05 counts without interest: due 11,414.
  const GpfLedger ledger =
      ledger_of(kHeader + "A,2025-04,OPENING,10000,\nA,2026-05,SUBSCRIPTION,1000,\n");
  const GpfFinalResult r =
      final_of(ledger, {case_of("C", "A", make_month(2025, 4), make_month(2026, 6))});
  EXPECT_EQ(r.walks[0].year.interest, 414);
  EXPECT_EQ(r.walks[0].year.credits, 1000);
  EXPECT_EQ(r.walks[0].year.closing, 11414);
}

TEST(GpfFinal, OpeningAfterEsFyIsACredit) {  // gpf.md §5
  // E = 2025-12 is before the account's first FY (2026-27): nothing earns; the OPENING of
  // 2026-04 counts as a credit up to payment in 2026-05.
  const GpfLedger ledger = ledger_of(kHeader + "A,2026-04,OPENING,50000,\n");
  const GpfFinalResult r =
      final_of(ledger, {case_of("C", "A", make_month(2025, 6), make_month(2026, 5))});
  EXPECT_EQ(r.walks[0].year.opening, 0);
  EXPECT_EQ(r.walks[0].year.credits, 50000);
  EXPECT_EQ(r.walks[0].year.interest, 0);
  EXPECT_EQ(r.walks[0].year.closing, 50000);
}

TEST(GpfFinal, Refusals) {  // gpf.md §5
  const GpfLedger ledger = ledger_of(kHeader +
                                     "A,2025-04,OPENING,1000,\nA,2026-07,DEPOSIT,5,\n"
                                     "U,2025-04,OPENING,x,\n");
  const GpfFinalResult r =
      final_of(ledger, {case_of("late", "A", make_month(2026, 1), make_month(2026, 6)),
                        case_of("early", "A", make_month(2026, 1), make_month(2025, 12)),
                        case_of("none", "Z", make_month(2026, 1), make_month(2026, 2)),
                        case_of("bad", "U", make_month(2026, 1), make_month(2026, 2))});
  EXPECT_TRUE(r.paid.empty());
  // Sorted by case_id's bytes.
  const std::vector<uint32_t> order = {3, 1, 0, 2};  // bad, early, late, none
  EXPECT_EQ(r.refused, order);
  EXPECT_EQ(gpf_refusal_detail(r.walks[0].refused), "a posting in 2026-07");
  EXPECT_EQ(gpf_refusal_detail(r.walks[1].refused, "2026-01", "2025-12"),
            "payment 2025-12 before payable 2026-01");
  EXPECT_EQ(r.walks[2].refused.reason, GpfRefusal::kUnknownAccount);
  EXPECT_EQ(r.walks[3].refused.reason, GpfRefusal::kUnreadableLine);
}

TEST(GpfCasesFile, AnUnreadableLineMakesItUnusable) {  // gpf.md §5
  GpfCases cases;
  const std::string header = "case_id,gpf_account,payable_month,payment_month\n";
  ASSERT_TRUE(parse_gpf_cases(header + "C1,A,2026-01,2026-02\nC1,B,2026-01,2026-02\n"
                                       "C3,A,2026-01,2026-02\n",
                              "c.csv", &cases)
                  .ok());
  EXPECT_EQ(cases.cases.size(), 1u);  // those before the repeated case_id
  EXPECT_EQ(cases.unusable.message(), "c.csv: line 2: case_id 'C1' is empty or repeated");
  ASSERT_TRUE(parse_gpf_cases(header + "C1,A,2026-1,2026-02\n", "c.csv", &cases).ok());
  EXPECT_EQ(cases.unusable.message(), "c.csv: line 1: payable_month '2026-1' is not YYYY-MM");
  ASSERT_TRUE(parse_gpf_cases(header + "C1,A,2026-01\n", "c.csv", &cases).ok());
  EXPECT_EQ(cases.unusable.message(), "c.csv: line 1 has 3 fields, header has 4");
  EXPECT_FALSE(parse_gpf_cases("case_id,gpf_account\n", "c.csv", &cases).ok());
}

// ---------------------------------------------------------------- §4 determinism

// A synthetic ledger: accounts with openings, subscriptions, advances and refunds.
std::vector<std::string> synthetic_lines(int accounts) {
  std::mt19937 random(7);
  std::vector<std::string> lines;
  for (int a = 0; a < accounts; ++a) {
    const std::string name = "GPF/" + std::to_string(100000 + a * 7919 % 100003);
    const Month start = make_month(2023 + int(random() % 3), 4);
    lines.push_back(name + "," + gpf_month_name(start) + ",OPENING," +
                    std::to_string(random() % 200000) + ",");
    for (Month m = start; m < make_month(2026, 3); ++m) {
      lines.push_back(name + "," + gpf_month_name(m) + ",SUBSCRIPTION,2000,\"bill, " +
                      gpf_month_name(m) + "\"");
      if (random() % 20 == 0) lines.push_back(name + "," + gpf_month_name(m) + ",ADVANCE,9000,");
      if (random() % 9 == 0) lines.push_back(name + "," + gpf_month_name(m) + ",REFUND,1500,");
      if (random() % 200 == 0) lines.push_back(name + "," + gpf_month_name(m) + ",REFUND,x,");
    }
  }
  return lines;
}

// statements.csv's figures and refusals as one comparable text; `details` adds the refusal
// details (an UNREADABLE_LINE's names a line number, which depends on the line order).
std::string statement_text(const GpfLedger& ledger, const GpfStatementResult& r, bool details) {
  std::string text;
  for (Dictionary::Code code : r.listed) {
    const GpfYear& y = r.walks[code].year;
    GpfMonths months;
    gpf_statement_months(ledger, rates_71(), r, code, &months);
    text += std::string(ledger.accounts.value(code)) + " " + std::to_string(y.opening) + " " +
            std::to_string(y.interest) + " " + std::to_string(y.closing) + " " +
            std::to_string(months.balance[6]) + "\n";
  }
  for (Dictionary::Code code : r.refused) {
    const GpfRefused& refused = r.walks[code].refused;
    text += std::string(ledger.accounts.value(code)) + " " + kGpfRefusalNames[int(refused.reason)] +
            " " + (details ? gpf_refusal_detail(refused) : "") + "\n";
  }
  return text;
}

// The ledger's columns as one comparable text: each account, then its postings in order.
std::string ledger_text(const GpfLedger& l) {
  std::string text;
  for (Dictionary::Code a = 0; a < l.account_count(); ++a) {
    text.append(l.accounts.value(a)).append(":");
    for (uint64_t i = l.begin[a]; i < l.begin[a + 1]; ++i) {
      text.append(" ").append(gpf_month_name(l.month[i])).append("/");
      text.append(std::to_string(int(l.kind[i]))).append("/");
      text.append(std::to_string(l.amount[i]));
    }
    text.append(" unreadable ").append(std::to_string(l.unreadable_line[a])).append("\n");
  }
  for (const GpfLineProblem& p : l.problems) {
    text.append(std::to_string(p.line)).append(" ").append(p.account).append(" ");
    text.append(p.problem).append("\n");
  }
  return text;
}

// The loader reads the usual line (no quote, capitals, ASCII digits) by a shorter path than
// CsvRecordReader: the same lines written every other way the CSV rules allow must give the
// same ledger, problems included.
TEST(GpfLedgerFile, UsualLinesReadAsTheirVariants) {  // gpf.md §2, formats.md CSV rules
  const std::vector<std::string> usual = {
      "A/1,2025-04,OPENING,1000,x",  "B/2,2025-05,SUBSCRIPTION,20,", "A/1,2025-06,REFUND,3,",
      "B/2,2025-04,OPENING,0,y",     "A/1,2025-05,ADVANCE,7,z",      "C/3,2025-13,DEPOSIT,1,",
      "C/3,2025-07,WITHDRAWAL,12x,", "D/4,2025-08,SUBSCRIPTION,5",   "E/5,2025-09,Deposit,5,",
  };
  const std::vector<std::string> variants = {
      "\"A/1\",2025-04,OPENING,1000,x",  " B/2 ,2025-05,subscription,20,",
      "A/1,\"2025-06\",REFUND,\"3\",",   "B/2,2025-04, OPENING ,0,\"y\"",
      "A/1,2025-05,advance, 7,z",        "C/3,2025-13,DEPOSIT,1,",
      "\"C/3\",2025-07,WITHDRAWAL,12x,", "D/4,2025-08,SUBSCRIPTION,5",
      "E/5,2025-09,Deposit,5,",
  };
  auto csv_of = [](const std::vector<std::string>& lines, const char* end) {
    std::string csv = kHeader;
    for (const std::string& l : lines) csv += l + end;
    return csv;
  };
  const std::string expected = ledger_text(ledger_of(csv_of(usual, "\n")));
  EXPECT_NE(expected.find("A/1: 2025-04/0/1000 2025-05/4/7 2025-06/2/3 unreadable 0"),
            std::string::npos)
      << expected;
  EXPECT_NE(expected.find("line has 4 fields, header has 5"), std::string::npos) << expected;
  EXPECT_EQ(ledger_text(ledger_of(csv_of(variants, "\n"))), expected);
  EXPECT_EQ(ledger_text(ledger_of(csv_of(usual, "\r\n"))), expected);
  EXPECT_EQ(ledger_text(ledger_of(csv_of(variants, "\r"))), expected);
  EXPECT_EQ(ledger_text(ledger_of(csv_of(usual, "\n"), 16)), expected);  // a chunk a line
}

// The builder's partitions are ranges of byte order: partition_of never decreases along
// byte order, whatever the splitters (ties of their first 16 bytes included), and the
// ledger's codes follow byte order for accounts of any length and shared prefix.
TEST(GpfLedgerFile, PartitionsFollowByteOrder) {  // gpf.md §4: accounts in byte order
  std::vector<std::string> accounts = {"",         "A",         "AB", "AB!", "ABCDEFG",
                                       "ABCDEFGH", "ABCDEFGHI", "Z",  "z",   "\xC3\xA9"};
  const std::string shared = "GPF/EDUCATION/DISTRICT-";  // longer than 16 bytes
  for (int i = 0; i < 300; ++i) accounts.push_back(shared + std::to_string(i * 7 % 300));
  std::vector<std::string> sorted = accounts;
  std::sort(sorted.begin(), sorted.end());
  for (const std::vector<std::string>& splitters :
       {std::vector<std::string>{}, std::vector<std::string>{"AB", shared + "150", shared + "7"},
        std::vector<std::string>{"ABCDEFGH", "ABCDEFGHI", shared + "1", shared + "10", "z"}}) {
    const GpfLedgerBuilder builder(1, splitters);
    for (size_t i = 1; i < sorted.size(); ++i) {
      EXPECT_LE(builder.partition_of(sorted[i - 1]), builder.partition_of(sorted[i])) << sorted[i];
    }
    if (!splitters.empty()) {
      EXPECT_EQ(builder.partition_of(splitters.back()), splitters.size());
      EXPECT_EQ(builder.partition_of(""), 0u);
    }
  }
  std::string csv = kHeader;
  std::mt19937 random(5);
  std::shuffle(accounts.begin(), accounts.end(), random);
  for (const std::string& a : accounts) {
    if (!a.empty()) csv += a + ",2025-04,OPENING,1,\n";
  }
  const GpfLedger l = ledger_of(csv, 256);
  ASSERT_EQ(l.account_count(), accounts.size() - 1);
  for (Dictionary::Code a = 1; a < l.account_count(); ++a) {
    EXPECT_LT(l.accounts.value(a - 1), l.accounts.value(a));
  }
}

// Postings are put in month order per partition of the accounts by counting; months far
// apart (years 0001 to 9999) take the other way, a sort per account: the same order, file
// order within a month.
TEST(GpfLedgerFile, PostingsByMonthThenFileOrder) {  // gpf.md §2: lines in any order
  std::string narrow = kHeader, wide = kHeader;
  for (int a = 0; a < 600; ++a) {
    const std::string name = "G/" + std::to_string(a);
    for (int m = 11; m >= 0; --m) {
      narrow += name + "," + gpf_month_name(make_month(2025, 1) + m) + ",SUBSCRIPTION," +
                std::to_string(a + m) + ",\n";
      narrow += name + "," + gpf_month_name(make_month(2025, 1) + m) + ",REFUND," +
                std::to_string(m) + ",\n";
    }
    wide += name + ",9999-01,DEPOSIT,1,\n";
    wide += name + ",0001-04,OPENING," + std::to_string(a) + ",\n";
    wide += name + ",9999-01,REFUND,2,\n";
  }
  const GpfLedger n = ledger_of(narrow, 512);
  ASSERT_EQ(n.account_count(), 600u);
  Dictionary::Code code = 0;
  ASSERT_TRUE(n.accounts.find("G/7", &code));
  ASSERT_EQ(n.begin[code + 1] - n.begin[code], 24u);
  for (uint64_t i = n.begin[code], m = 0; i < n.begin[code + 1]; i += 2, ++m) {
    EXPECT_EQ(n.month[i], make_month(2025, 1) + Month(m));
    EXPECT_EQ(n.kind[i], PostingKind::kSubscription);
    EXPECT_EQ(n.amount[i], Money(7 + m));
    EXPECT_EQ(n.kind[i + 1], PostingKind::kRefund);
    EXPECT_EQ(n.amount[i + 1], Money(m));
  }
  const GpfLedger w = ledger_of(wide, 512);
  ASSERT_TRUE(w.accounts.find("G/7", &code));
  ASSERT_EQ(w.begin[code + 1] - w.begin[code], 3u);
  const uint64_t b = w.begin[code];
  EXPECT_EQ(w.month[b], make_month(1, 4));
  EXPECT_EQ(w.amount[b], 7);
  EXPECT_EQ(w.kind[b + 1], PostingKind::kDeposit);
  EXPECT_EQ(w.kind[b + 2], PostingKind::kRefund);
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  EXPECT_EQ(ledger_text(ledger_of(narrow)), ledger_text(n));
  EXPECT_EQ(ledger_text(ledger_of(wide)), ledger_text(w));
}

TEST(GpfDeterminism, AnyLineOrderChunkingAndThreadCount) {  // gpf.md §2: lines in any order
  std::vector<std::string> lines = synthetic_lines(3000);
  auto join = [](const std::vector<std::string>& v) {
    std::string csv = kHeader;
    for (const std::string& l : v) csv += l + "\n";
    return csv;
  };
  const std::string sorted_csv = join(lines);
  std::shuffle(lines.begin(), lines.end(), std::mt19937(11));
  const std::string shuffled_csv = join(lines);

  const GpfLedger a = ledger_of(sorted_csv);
  const GpfStatementResult ra = statement_of(a, rates_71(), kApril2025);
  EXPECT_GT(ra.listed.size(), 1000u);
  EXPECT_GT(ra.refused.size(), 100u);
  const GpfLedger b = ledger_of(shuffled_csv);
  const GpfStatementResult rb = statement_of(b, rates_71(), kApril2025);
  EXPECT_EQ(statement_text(b, rb, false), statement_text(a, ra, false));
  EXPECT_EQ(a.problems.size(), b.problems.size());
  const std::string expected = statement_text(b, rb, true);
  const GpfLedger c = ledger_of(shuffled_csv, 4096);  // many chunks, some split inside quotes
  EXPECT_EQ(statement_text(c, statement_of(c, rates_71(), kApril2025), true), expected);
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  const GpfLedger d = ledger_of(shuffled_csv, 4096);
  EXPECT_EQ(statement_text(d, statement_of(d, rates_71(), kApril2025), true), expected);
}

}  // namespace
}  // namespace vetan
