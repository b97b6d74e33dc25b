// core/run/payslip_amounts.h: a run's payslip amounts in 32 bits per cell with the amounts
// that do not fit kept exactly on a side list; and a monthly run whose amounts pass 2^31
// (a huge special_pay, a huge loan) read back exactly, whatever the thread count and the
// order of the rows.
#include <gtest/gtest.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>

#include "core/run/payslip_amounts.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

constexpr Money kInt32Max = std::numeric_limits<int32_t>::max();
constexpr Money kInt32Min = std::numeric_limits<int32_t>::min();

// The amount of cell (row, column) in the storage tests: mostly small, with every edge.
Money cell_value(size_t row, size_t column) {
  static const Money kEdges[] = {kInt32Max,
                                 kInt32Min,
                                 kInt32Min + 1,
                                 kInt32Max + 1,
                                 kInt32Min - 1,
                                 Money(1) << 40,
                                 -(Money(1) << 40),
                                 std::numeric_limits<Money>::max(),
                                 std::numeric_limits<Money>::min(),
                                 -1,
                                 0};
  const size_t k = row * 7 + column * 3;
  if (k % 13 == 0) return kEdges[(k / 13) % std::size(kEdges)];
  return Money(row * 31 + column) - 1000;
}

size_t wide_cells(size_t rows, size_t columns) {
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) n += PayslipAmounts::fits(cell_value(r, c)) ? 0 : 1;
  }
  return n;
}

void expect_exact(const PayslipAmounts& a, size_t rows, size_t columns) {
  ASSERT_EQ(a.rows(), rows);
  ASSERT_EQ(a.columns(), columns);
  EXPECT_EQ(a.wide_count(), wide_cells(rows, columns));
  size_t wrong = 0;
  for (size_t r = 0; r < rows; ++r) {
    const PayslipRow row = a.row(r);
    ASSERT_EQ(row.size(), columns);
    for (size_t c = 0; c < columns; ++c) {
      const Money want = cell_value(r, c);
      if (a.get(r, c) != want || row[c] != want) {
        if (++wrong <= 5)
          ADD_FAILURE() << "row " << r << " column " << c << ": " << a.get(r, c) << " / " << row[c]
                        << ", want " << want;
      }
      // A cell holds its amount unless the amount is on the side list.
      EXPECT_EQ(row.cells()[c], PayslipAmounts::fits(want) ? int32_t(want) : PayslipAmounts::kWide);
    }
  }
  EXPECT_EQ(wrong, 0u);
}

TEST(PayslipAmounts, FitsIsTheInt32RangeLessTheSentinel) {
  EXPECT_TRUE(PayslipAmounts::fits(0));
  EXPECT_TRUE(PayslipAmounts::fits(kInt32Max));
  EXPECT_TRUE(PayslipAmounts::fits(kInt32Min + 1));
  EXPECT_FALSE(PayslipAmounts::fits(kInt32Min));  // the sentinel itself goes to the side
  EXPECT_FALSE(PayslipAmounts::fits(kInt32Max + 1));
  EXPECT_FALSE(PayslipAmounts::fits(kInt32Min - 1));
  EXPECT_FALSE(PayslipAmounts::fits(Money(1) << 40));
  EXPECT_FALSE(PayslipAmounts::fits(-(Money(1) << 40)));
}

TEST(PayslipAmounts, EdgeValuesReadBackExactlyStoredInOrder) {
  const size_t rows = 3000, columns = 22;
  PayslipAmounts a;
  a.reset(rows, columns);
  std::vector<PayslipAmounts::Wide> wide;
  std::vector<Money> slip(columns);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) slip[c] = cell_value(r, c);
    a.store(r, slip.data(), &wide);
  }
  a.set_wide(std::move(wide));
  ASSERT_GT(a.wide_count(), 100u);
  expect_exact(a, rows, columns);
}

TEST(PayslipAmounts, RowsStoredShuffledReadBackExactly) {
  const size_t rows = 5000, columns = 9;
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  PayslipAmounts a;
  a.reset(rows, columns);
  std::vector<PayslipAmounts::Wide> wide;
  std::vector<Money> slip(columns);
  for (size_t r : order) {
    for (size_t c = 0; c < columns; ++c) slip[c] = cell_value(r, c);
    a.store(r, slip.data(), &wide);
  }
  a.set_wide(std::move(wide));
  expect_exact(a, rows, columns);
}

// As run_month does: chunks in parallel, each gathering its own side amounts.
void store_in_chunks(PayslipAmounts* a, size_t rows, size_t columns, size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  a->reset(rows, columns);
  std::vector<PayslipAmounts::Wide> wide;
  std::mutex mutex;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, rows, 512),
                    [&](const tbb::blocked_range<size_t>& range) {
                      std::vector<PayslipAmounts::Wide> chunk;
                      std::vector<Money> slip(columns);
                      for (size_t r = range.begin(); r < range.end(); ++r) {
                        for (size_t c = 0; c < columns; ++c) slip[c] = cell_value(r, c);
                        a->store(r, slip.data(), &chunk);
                      }
                      std::lock_guard<std::mutex> lock(mutex);
                      wide.insert(wide.end(), chunk.begin(), chunk.end());
                    });
  a->set_wide(std::move(wide));
}

TEST(PayslipAmounts, ChunksInParallelReadBackExactlyWithOneAndTwoThreads) {
  const size_t rows = 20000, columns = 22;
  for (size_t threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    PayslipAmounts a;
    store_in_chunks(&a, rows, columns, threads);
    expect_exact(a, rows, columns);
  }
}

TEST(PayslipAmounts, ResetDropsTheSideList) {
  PayslipAmounts a;
  store_in_chunks(&a, 1000, 4, 1);
  ASSERT_GT(a.wide_count(), 0u);
  a.reset(2, 3);
  std::vector<PayslipAmounts::Wide> wide;
  const Money slip[] = {1, 2, 3};
  a.store(0, slip, &wide);
  a.store(1, slip, &wide);
  EXPECT_TRUE(wide.empty());
  a.set_wide(std::move(wide));
  EXPECT_EQ(a.wide_count(), 0u);
  EXPECT_EQ(a.get(1, 2), 3);
}

// A run: rows of the mini profile's HANDCHECK employee, every 97th with a special_pay of
// Rs 300 crore (its special_pay, gross and net over 2^31), every 89th with a loan of Rs 500
// crore (a net under -2^31: NEGATIVE_NET), across several chunks of the run.
constexpr Money kHugeSpecialPay = 3'000'000'000;
constexpr Money kHugeLoan = 5'000'000'000;
constexpr int kRows = 20000;

std::vector<test::Employee> huge_rows() {
  std::vector<test::Employee> rows;
  for (int n = 1; n <= kRows; ++n) {
    test::Employee e(n);
    if (n % 97 == 0) e.set("special_pay", std::to_string(kHugeSpecialPay));
    if (n % 89 == 0) {
      e.set("loan_installment", std::to_string(kHugeLoan))
          .set("loan_balance", std::to_string(kHugeLoan));
    }
    rows.push_back(e);
  }
  return rows;
}

std::unique_ptr<test::RunOutcome> run_with_threads(const std::string& csv, size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  auto run = test::run_csv(test::mini_profile_json(), "2026-02", csv);
  EXPECT_TRUE(run->ok());
  return run;
}

// Every amount of the run is exact: the huge rows against the plain row 0.
void expect_huge_amounts(const test::RunOutcome& run) {
  const MonthResult& r = run.result;
  const PayslipLayout& l = r.layout;
  ASSERT_EQ(r.rows, size_t(kRows));
  ASSERT_EQ(run.fate(0), Fate::kPaid);
  const Money plain_gross = r.amount(l.gross, 0);
  EXPECT_EQ(plain_gross, 94277);
  size_t huge_cells = 0, huge_paid = 0, negative = 0;
  std::vector<Money> sums(l.columns, 0);
  for (size_t row = 0; row < r.rows; ++row) {
    SCOPED_TRACE(row);
    const int n = int(row) + 1;
    const PayslipRow slip = r.payslip(row);
    Money earnings = 0, deductions = 0;
    for (size_t c = 0; c < l.columns; ++c) {
      ASSERT_EQ(slip[c], r.amount(c, row));
      huge_cells += PayslipAmounts::fits(slip[c]) ? 0 : 1;
      if (c < l.gross) earnings += slip[c];
      if (c > l.gross && c < l.total_deductions) deductions += slip[c];
    }
    EXPECT_EQ(slip[l.gross], earnings);
    EXPECT_EQ(slip[l.total_deductions], deductions);
    EXPECT_EQ(slip[l.net], slip[l.gross] - slip[l.total_deductions]);
    if (n % 97 == 0) {
      EXPECT_EQ(slip[l.special_pay], kHugeSpecialPay);
      EXPECT_EQ(slip[l.gross], plain_gross + kHugeSpecialPay);
      EXPECT_GT(slip[l.income_tax], 1'000'000'000);  // the tax is exact too (not 32-bit)
    } else {
      EXPECT_EQ(slip[l.gross], plain_gross);
    }
    if (n % 89 == 0) {
      EXPECT_EQ(run.fate(row), Fate::kMismatch);
      EXPECT_EQ(run.reasons(row), "NEGATIVE_NET");
      EXPECT_LT(slip[l.net], kInt32Min);
      ++negative;
    } else {
      EXPECT_EQ(run.fate(row), Fate::kPaid);
    }
    if (run.fate(row) == Fate::kPaid) {
      if (n % 97 == 0) ++huge_paid;
      for (size_t c = 0; c < l.columns; ++c) sums[c] += slip[c];
    }
  }
  EXPECT_EQ(negative, size_t(kRows / 89));
  EXPECT_GT(huge_paid, 200u);
  EXPECT_EQ(r.amounts.wide_count(), huge_cells);
  // Bill totals are int64 sums of the exact amounts.
  ASSERT_EQ(r.bills.size(), 1u);
  EXPECT_EQ(r.bills[0].amounts, sums);
  EXPECT_EQ(r.summary.gross, sums[l.gross]);
  EXPECT_EQ(r.summary.net, sums[l.net]);
}

TEST(PayslipAmountsRun, AmountsOverInt32ReadBackExactlyWithOneAndTwoThreads) {
  const std::string csv = test::master_csv(huge_rows());
  auto one = run_with_threads(csv, 1);
  auto two = run_with_threads(csv, 2);
  expect_huge_amounts(*one);
  expect_huge_amounts(*two);
  EXPECT_EQ(test::run_output_files(*one), test::run_output_files(*two));
  // The files carry the exact amounts.
  const auto files = test::run_output_files(*two);
  // (Fields are found with their commas: ",<amount>,".)
  auto field = [](Money v) { return std::string(1, ',').append(std::to_string(v)).append(1, ','); };
  EXPECT_NE(files.at("payslips.csv").find(field(kHugeSpecialPay)), std::string::npos);
  EXPECT_NE(files.at("payslips.csv").find(field(kHugeSpecialPay + 94277)), std::string::npos);
  const Money net = two->result.amount(two->result.layout.net, 88);
  EXPECT_NE(files.at("mismatches.csv").find(std::string("net ").append(std::to_string(net))),
            std::string::npos);
}

TEST(PayslipAmountsRun, ShuffledRowsGiveTheSameAmounts) {
  std::vector<test::Employee> rows = huge_rows();
  const std::string csv = test::master_csv(rows);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(11));
  std::vector<test::Employee> shuffled;
  for (size_t i : order) shuffled.push_back(rows[i]);
  auto plain = run_with_threads(csv, 2);
  auto other = run_with_threads(test::master_csv(shuffled), 2);
  ASSERT_EQ(plain->result.rows, other->result.rows);
  const PayslipLayout& l = plain->result.layout;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t row = order[k];  // row `row` of the plain master is row k of the shuffled one
    for (size_t c = 0; c < l.columns; ++c) {
      ASSERT_EQ(other->result.amount(c, k), plain->result.amount(c, row)) << row << " " << c;
    }
  }
  EXPECT_EQ(plain->result.amounts.wide_count(), other->result.amounts.wide_count());
  EXPECT_EQ(plain->result.bills[0].amounts, other->result.bills[0].amounts);
}

}  // namespace
}  // namespace vetan
