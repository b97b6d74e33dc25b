// rules §1 "Rounding", §5.1 ceil, §6 rnd10: the one function per rounding, numbers by hand.
#include <gtest/gtest.h>

#include "core/common/money.h"

namespace vetan {
namespace {

// rules §1: rnd(a * p / 100) with p in hundredths of a percent, half up.
TEST(MoneyRules1, RndPercentExactProduct) {
  EXPECT_EQ(rnd_percent(53600, 6050), 32428);  // 53,600 x 60.5% = 32,428.0 (HANDCHECK da)
  EXPECT_EQ(rnd_percent(53600, 1000), 5360);   // 10% exactly
  EXPECT_EQ(rnd_percent(0, 6050), 0);
  EXPECT_EQ(rnd_percent(999999999999, 10000), 999999999999);  // 12 digits at 100%
}

TEST(MoneyRules1, RndPercentRoundsHalfUpNotToEven) {
  EXPECT_EQ(rnd_percent(44900, 6050), 27165);  // 27,164.5 -> 27,165
  EXPECT_EQ(rnd_percent(5, 5000), 3);          // 2.5 -> 3 (banker's rounding would give 2)
  EXPECT_EQ(rnd_percent(3, 5000), 2);          // 1.5 -> 2
  EXPECT_EQ(rnd_percent(1, 5000), 1);          // 0.5 -> 1
  EXPECT_EQ(rnd_percent(1, 4999), 0);          // 0.4999 -> 0
}

TEST(MoneyRules1, RndPercentFractions) {
  EXPECT_EQ(rnd_percent(86028, 1000), 8603);   // 8,602.8 (HANDCHECK nps)
  EXPECT_EQ(rnd_percent(86028, 1400), 12044);  // 12,043.92 (HANDCHECK employer_nps)
  EXPECT_EQ(rnd_percent(1350, 6050), 817);     // 816.75
  EXPECT_EQ(rnd_percent(53600, 4999), 26795);  // 26,794.64
  EXPECT_EQ(rnd_percent(53600, 3333), 17865);  // 17,864.88
}

// rules §5.1: ceil(B * p / 100).
TEST(MoneyRules5_1, CeilPercent) {
  EXPECT_EQ(ceil_percent(53600, 600), 3216);  // exact: no rounding up
  EXPECT_EQ(ceil_percent(53600, 633), 3393);  // 3,392.88 -> 3,393
  EXPECT_EQ(ceil_percent(18000, 601), 1082);  // 1,081.8 -> 1,082
  EXPECT_EQ(ceil_percent(1, 1), 1);           // 0.0001 -> 1
  EXPECT_EQ(ceil_percent(0, 600), 0);
}

// rules §4: paid(c) = rnd(full(c) * P / D).
TEST(MoneyRules4, RndRatioProration) {
  EXPECT_EQ(rnd_ratio(53600 * 27, 30), 48240);  // exact
  EXPECT_EQ(rnd_ratio(32428 * 27, 30), 29185);  // 29,185.2
  EXPECT_EQ(rnd_ratio(27165 * 14, 28), 13583);  // 13,582.5 -> half up
  EXPECT_EQ(rnd_ratio(2889 * 27, 30), 2600);    // 2,600.1
  EXPECT_EQ(rnd_ratio(1, 3), 0);
  EXPECT_EQ(rnd_ratio(2, 3), 1);
  EXPECT_EQ(rnd_ratio(0, 31), 0);
}

// rules §6 steps 2 and 7: half up to a multiple of ten.
TEST(MoneyRules6, Rnd10) {
  EXPECT_EQ(rnd10(1284995), 1285000);
  EXPECT_EQ(rnd10(1284994), 1284990);
  EXPECT_EQ(rnd10(73515), 73520);
  EXPECT_EQ(rnd10(5), 10);
  EXPECT_EQ(rnd10(4), 0);
  EXPECT_EQ(rnd10(10), 10);
  EXPECT_EQ(rnd10(0), 0);
}

}  // namespace
}  // namespace vetan
