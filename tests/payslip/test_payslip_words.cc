// Issue 12 item 7: the net in words (Indian numbering, English and Hindi) and the payslip
// sheet's lines, worked by hand.
#include <gtest/gtest.h>

#include "core/payslip/amount_words.h"
#include "core/payslip/payslip_sheet.h"

namespace vetan {
namespace {

TEST(AmountInWords, EnglishUsesLakhAndCrore) {
  EXPECT_EQ(rupees_in_english_words(0), "Rupees Zero Only");
  EXPECT_EQ(rupees_in_english_words(7), "Rupees Seven Only");
  EXPECT_EQ(rupees_in_english_words(19), "Rupees Nineteen Only");
  EXPECT_EQ(rupees_in_english_words(44998), "Rupees Forty-Four Thousand Nine Hundred Ninety-Eight Only");
  EXPECT_EQ(rupees_in_english_words(100000), "Rupees One Lakh Only");
  EXPECT_EQ(rupees_in_english_words(549427),
            "Rupees Five Lakh Forty-Nine Thousand Four Hundred Twenty-Seven Only");
  EXPECT_EQ(rupees_in_english_words(12345678),
            "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight Only");
  EXPECT_EQ(rupees_in_english_words(1000000000), "Rupees One Hundred Crore Only");
  EXPECT_EQ(rupees_in_english_words(-250), "Rupees Minus Two Hundred Fifty Only");
}

TEST(AmountInWords, HindiHasAWordForEachNumberBelowAHundred) {
  EXPECT_EQ(rupees_in_hindi_words(0), "शून्य रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(44998), "चवालीस हज़ार नौ सौ अट्ठानवे रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(46976), "छियालीस हज़ार नौ सौ छिहत्तर रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(549427), "पाँच लाख उनचास हज़ार चार सौ सत्ताईस रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(12345678),
            "एक करोड़ तेईस लाख पैंतालीस हज़ार छह सौ अठहत्तर रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(99), "निन्यानवे रुपये मात्र");
  EXPECT_EQ(rupees_in_hindi_words(-5), "ऋण पाँच रुपये मात्र");
}

TEST(AmountInWords, IndianGroupingIsThreeThenTwos) {
  EXPECT_EQ(indian_grouping(0), "0");
  EXPECT_EQ(indian_grouping(999), "999");
  EXPECT_EQ(indian_grouping(1000), "1,000");
  EXPECT_EQ(indian_grouping(44998), "44,998");
  EXPECT_EQ(indian_grouping(549427), "5,49,427");
  EXPECT_EQ(indian_grouping(12345678), "1,23,45,678");
  EXPECT_EQ(indian_grouping(-1234567), "-12,34,567");
}

TEST(PayslipSheet, LinesFollowTheColumns) {
  const std::vector<std::string> names = {"basic", "da", "hra", "ta", "special_pay", "gross", "gpf",
                                          "income_tax", "cghs", "loan", "total_deductions", "net",
                                          "employer_nps"};
  PayslipSheet sheet;
  ASSERT_TRUE(PayslipSheet::from_columns(names, &sheet).ok());
  ASSERT_EQ(sheet.earnings.size(), 5u);
  ASSERT_EQ(sheet.deductions.size(), 4u);
  EXPECT_EQ(sheet.earnings[3].column, 3u);
  EXPECT_EQ(sheet.earnings[3].label.english, "Transport allowance");
  EXPECT_EQ(sheet.deductions[0].label.hindi, "सामान्य भविष्य निधि अंशदान");
  EXPECT_EQ(sheet.gross, 5u);
  EXPECT_EQ(sheet.total_deductions, 10u);
  EXPECT_EQ(sheet.net, 11u);
  EXPECT_EQ(sheet.employer_nps, 12u);
  EXPECT_EQ(payslip_label("xyz").english, "XYZ");  // an unknown profile code prints as itself
}

TEST(PayslipSheet, RefusesAPayslipWithoutTotals) {
  PayslipSheet sheet;
  const Status s = PayslipSheet::from_columns({"basic", "gross", "gpf", "net"}, &sheet);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'net' comes before 'total_deductions'"), std::string::npos) << s.message();
  EXPECT_FALSE(PayslipSheet::from_columns({"basic", "gpf"}, &sheet).ok());
}

TEST(PayslipSheet, AccountIsMaskedButForItsLastFourDigits) {
  EXPECT_EQ(mask_account("123456789012"), "XXXXXXXX9012");
  EXPECT_EQ(mask_account("1234"), "XXXX");
  EXPECT_EQ(mask_account(""), "");
}

}  // namespace
}  // namespace vetan
