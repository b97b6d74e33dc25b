// The shipped profiles (profiles/*.json) on people: for each profile, a master of employees
// typical of that government (tests/data/people/<profile>.csv) whose November 2026 payslips
// are worked by hand below from the orders cited in profiles/SOURCES.md, every component with
// its arithmetic (rules §3-§6). A wrong number in a profile (a DA rate, an HRA tier, an
// allowance band, a deduction slab, a GPF rule) changes a payslip and fails its test.
//
// Conventions of the hand working: November has D = 30 days; rnd() is half up (rules §1);
// "tax 0" means taxable income up to the Rs 12 lakh rebate limit (rules §6 step 4), with
// projected = fy_gross_to_date + gross x R and R = min(13 - 8, months of service left).
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test_support.h"

namespace vetan {
namespace {

// One person's payslip as worked by hand: "column=amount ..." for payable_days and the
// payslip amount columns of formats.md; a column not listed is 0.
struct HandSlip {
  std::string employee_id;
  std::string amounts;
};

// The "column=amount" pairs of `slip.amounts` (space separated); fails the test on a
// malformed pair.
std::map<std::string, std::string> parse_amounts(const HandSlip& slip) {
  std::map<std::string, std::string> amounts;
  std::istringstream in(slip.amounts);
  std::string pair;
  while (in >> pair) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      ADD_FAILURE() << slip.employee_id << ": malformed '" << pair << "'";
      continue;
    }
    amounts[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return amounts;
}

// A row the profile's rules must refuse: its id and its reasons joined with ';' (rules §2).
struct Refused {
  std::string employee_id;
  std::string reasons;
};

// Runs profiles/<profile>.json on tests/data/people/<profile>.csv for `month` and expects the
// first rows PAID, with each payslip column (payable_days .. employer_nps) as `slips` worked
// by hand, and the remaining rows MISMATCH as `refused` says.
void expect_hand_worked(const std::string& profile, std::string_view month,
                        const std::vector<HandSlip>& slips,
                        const std::vector<Refused>& refused = {}) {
  const std::string json = test::read_text(test::source_dir() + "/profiles/" + profile + ".json");
  const std::string csv = test::read_text(test::test_data_dir() + "/people/" + profile + ".csv");
  auto run = test::run_csv(json, month, csv);
  ASSERT_TRUE(run->ok()) << run->load_status.message() << " / " << run->run_status.message();
  for (size_t row = 0; row < slips.size(); ++row)
    EXPECT_EQ(run->fate(row), Fate::kPaid) << slips[row].employee_id << ": " << run->reasons(row);
  for (size_t i = 0; i < refused.size(); ++i) {
    const size_t row = slips.size() + i;
    EXPECT_EQ(run->fate(row), Fate::kMismatch) << refused[i].employee_id;
    EXPECT_EQ(run->reasons(row), refused[i].reasons) << refused[i].employee_id;
  }
  const test::CsvFile mismatches =
      test::parse_csv_text(test::run_output_files(*run).at("mismatches.csv"));
  ASSERT_EQ(mismatches.rows.size(), refused.size());
  for (size_t i = 0; i < refused.size(); ++i)
    EXPECT_EQ(mismatches.rows[i][mismatches.column("employee_id")], refused[i].employee_id);

  const test::CsvFile payslips =
      test::parse_csv_text(test::run_output_files(*run).at("payslips.csv"));
  ASSERT_EQ(payslips.rows.size(), slips.size());
  const size_t id_column = payslips.column("employee_id");
  const size_t first = payslips.column("payable_days");
  const size_t last = payslips.column("employer_nps");
  for (const HandSlip& slip : slips) {
    const std::map<std::string, std::string> amounts = parse_amounts(slip);
    for (const auto& entry : amounts) {
      bool known = false;
      for (size_t c = first; c <= last; ++c) known = known || payslips.header[c] == entry.first;
      EXPECT_TRUE(known) << slip.employee_id << ": '" << entry.first << "' is not a payslip column";
    }
    const std::vector<std::string>* found = nullptr;
    for (const auto& fields : payslips.rows)
      if (fields[id_column] == slip.employee_id) found = &fields;
    if (found == nullptr) {
      ADD_FAILURE() << slip.employee_id << " has no payslip";
      continue;
    }
    for (size_t c = first; c <= last; ++c) {
      const std::string& column = payslips.header[c];
      const auto expected = amounts.find(column);
      EXPECT_EQ((*found)[c], expected == amounts.end() ? "0" : expected->second)
          << slip.employee_id << " " << column;
    }
  }
}

// Government of India, November 2026: DA 60% (from 2026-01), HRA tier 30/20/10% (DA >= 50).
// TA = amount of the TA class (allowance_class: X in the 19 TPTA cities) + 60% DA on it.
// CGHS only in CGHS cities (the others carry CGHS in exempt_deductions); CGEGIS 30/60/120.
TEST(ProfilesPeople, CentralSevenCpcNovember2026) {
  expect_hand_worked(
      "central-7cpc", "2026-11",
      {
          // C01 MTS in Jaipur, L-1 cell 11 = 24,200 (the first L-1 cell at the DoE OM of
          // 02.08.2017's floor), HRA class Y, TA class X (Jaipur is a TPTA city), NPS.
          // da 24,200 x 60% = 14,520; hra max(24,200 x 20% = 4,840, 3,600) = 4,840;
          // ta: band min_basic 24,200 reached -> 3,600 + 2,160 = 5,760 (was 1,350 + 810).
          // gross 24,200 + 14,520 + 4,840 + 5,760 = 49,320.
          // nps (24,200 + 14,520) x 10% = 3,872; CGHS L-1 250; CGEGIS Group C 30;
          // tax: 345,240 + 49,320 x 5 - 75,000 = 516,840 -> 0. deductions 4,152, net 45,168;
          // employer 38,720 x 14% = 5,420.8 -> 5,421.
          {"C01",
           "payable_days=30 basic=24200 da=14520 hra=4840 ta=5760 gross=49320 nps=3872 cghs=250 "
           "cgegis=30 total_deductions=4152 net=45168 employer_nps=5421"},
          // C02 LDC in Lucknow (Y for HRA, X for TA), L-2 cell 3 = 21,100 after the July
          // increment; GPF with gpf_basis_pay 20,500 (31 March 2026): minimum
          // ceil(20,500 x 6%) = 1,230 = the subscription (on 21,100 it would be 1,266).
          // da 12,660; hra 4,220; ta below 24,200: 1,350 + 810 = 2,160; gross 40,140.
          // gpf 1,230 + CGHS 250 + CGEGIS 30 = 1,510; tax 0; net 38,630.
          {"C02",
           "payable_days=30 basic=21100 da=12660 hra=4220 ta=2160 gross=40140 gpf=1230 cghs=250 "
           "cgegis=30 total_deductions=1510 net=38630"},
          // C03 Assistant in Barmer (Z, no CGHS), L-6 cell 5 = 39,900, NPS, 3 days LWP:
          // P = 27. Full month: da 23,940, hra 3,990, ta 1,800 + 1,080 = 2,880.
          // Paid x 27/30: basic 35,910, da 21,546, hra 3,591, ta 2,592; gross 63,639.
          // nps (35,910 + 21,546) x 10% = 5,745.6 -> 5,746; CGHS exempt 0; CGEGIS B 60;
          // tax: 490,000 + 63,639 x 5 - 75,000 = 733,195 -> 0. net 57,833;
          // employer 57,456 x 14% = 8,043.84 -> 8,044.
          {"C03",
           "payable_days=27 basic=35910 da=21546 hra=3591 ta=2592 gross=63639 nps=5746 cgegis=60 "
           "total_deductions=5806 net=57833 employer_nps=8044"},
          // C04 Medical Officer in Delhi, L-11 cell 5 = 76,200, NPA, government quarters
          // (Type IV(Spl), 930), NPS. npa 15,240 (76,200 + 15,240 <= 2,37,500);
          // da (76,200 + 15,240) x 60% = 54,864; hra 0 (quarters); ta 7,200 + 4,320 = 11,520;
          // gross 157,824. nps 146,304 x 10% = 14,630.4 -> 14,630.
          // tax: 1,104,768 + 157,824 x 5 = 1,893,888; - 75,000 = 1,818,888 -> 1,818,890;
          // slabs 20,000 + 40,000 + 60,000 + 20% x 218,890 = 43,778 -> 163,778; cess 4%
          // 6,551.12 -> 170,329.12 -> 170,330; tds ceil((170,330 - 95,200) / 5) = 15,026.
          // CGHS 650, CGEGIS A 120, licence fee 930; deductions 31,356; net 126,468;
          // employer 146,304 x 14% = 20,482.56 -> 20,483.
          {"C04",
           "payable_days=30 basic=76200 npa=15240 da=54864 ta=11520 gross=157824 nps=14630 "
           "income_tax=15026 cghs=650 cgegis=120 licence_fee=930 total_deductions=31356 net=126468 "
           "employer_nps=20483"},
          // C05 Section Officer in Kanpur (Y / TA X), L-8 cell 20 = 83,600, GPF, born
          // 20.12.1966: retires 31.12.2026, so November is in the last 3 months: no GPF
          // subscription (GPF(CS) Rules) and none is owed; R = min(5, 2) = 2.
          // da 50,160; hra 16,720; ta 3,600 + 2,160 = 5,760; gross 156,240.
          // tax: 1,093,680 + 156,240 x 2 - 75,000 = 1,331,160; slabs 20,000 + 40,000 +
          // 15% x 131,160 = 19,674 -> 79,674; cess 3,186.96 -> 82,860.96 -> 82,860;
          // tds ceil((82,860 - 40,000) / 2) = 21,430. CGHS 650, CGEGIS 60; net 134,100.
          {"C05",
           "payable_days=30 basic=83600 da=50160 hra=16720 ta=5760 gross=156240 income_tax=21430 "
           "cghs=650 cgegis=60 total_deductions=22140 net=134100"},
          // C06 UDC in Jhalawar (Z, no CGHS), suspended, L-4 cell 9 = 32,300, GPF.
          // basic 32,300 x 50% = 16,150; da 9,690; hra on the full basic max(3,230, 1,800);
          // ta 1,800 + 1,080 = 2,880; gross 31,950. No GPF while suspended; CGHS exempt;
          // CGEGIS 30; tax 0; net 31,920.
          {"C06",
           "payable_days=30 basic=16150 da=9690 hra=3230 ta=2880 gross=31950 cgegis=30 "
           "total_deductions=30 net=31920"},
          // C07 LDC in Sitamarhi (Z, no CGHS, not a TPTA city), L-2 cell 8 = 24,500 (the
          // first L-2 cell at the floor), NPS. da 14,700; hra max(2,450, 1,800) = 2,450;
          // ta 1,800 + 1,080 = 2,880 (not 900 + 540); gross 44,530. nps 3,920; CGEGIS 30;
          // tax 0; net 40,580; employer 39,200 x 14% = 5,488.
          {"C07",
           "payable_days=30 basic=24500 da=14700 hra=2450 ta=2880 gross=44530 nps=3920 cgegis=30 "
           "total_deductions=3950 net=40580 employer_nps=5488"},
      },
      // C08 as C02 but subscribing 1,229: one rupee under ceil(20,500 x 6%) = 1,230.
      {{"C08", "GPF_BELOW_MINIMUM"}});
}

// Government of Rajasthan, November 2026: DA 58% (no order for 2026-01 found), HRA 20% (X =
// Jaipur, Y) / 10% (Z). CCA by pay: <= 23,100 Jaipur 620, Y 320; above, 1,000 / 620. GPF,
// SI and RGHS by the slab of the pay drawn. Salary of November is drawn in December.
TEST(ProfilesPeople, RajasthanNovember2026) {
  expect_hand_worked(
      "rajasthan", "2026-11",
      {
          // R01 Peon in Jaipur (X), L-1 cell 5 = 19,900, GPF-2004 (joined 2019).
          // da 19,900 x 58% = 11,542; hra 20% 3,980; CCA <= 23,100 Jaipur 620; gross 36,042.
          // GPF slab (basis 19,300) <= 23,100: 1,450 = subscription; SI <= 22,000: 800;
          // RGHS 18,001-33,500: 440. deductions 2,690; net 33,352.
          {"R01",
           "payable_days=30 basic=19900 da=11542 hra=3980 cca=620 gross=36042 gpf=1450 si=800 "
           "rghs=440 total_deductions=2690 net=33352"},
          // R02 Teacher in Kota (Y), L-10 cell 12 = 46,700, GPF (basis 45,300: slab
          // 38,501-51,500 = 2,850). da 27,086; hra 9,340; CCA Y above 23,100: 620;
          // gross 83,746. SI 46,501-72,000: 3,000 (46,700 is just past 46,500); RGHS
          // 33,501-54,000: 658; tax: 586,222 + 83,746 x 5 - 75,000 = 929,952 -> 0.
          // deductions 6,508; net 77,238.
          {"R02",
           "payable_days=30 basic=46700 da=27086 hra=9340 cca=620 gross=83746 gpf=2850 si=3000 "
           "rghs=658 total_deductions=6508 net=77238"},
          // R03 Medical Officer in Jodhpur (Y), L-14 cell 6 = 65,000, NPA (20%, no cap:
          // approximate, see the profile), government quarters, GPF 5,000 (slab of 63,100:
          // 4,200). npa 13,000; da 78,000 x 58% = 45,240; hra 0; CCA 620; gross 123,860.
          // tax: 867,020 + 123,860 x 5 - 75,000 = 1,411,320; 20,000 + 40,000 + 15% x 211,320
          // = 31,698 -> 91,698; cess 3,667.92 -> 95,365.92 -> 95,370;
          // tds ceil((95,370 - 49,000) / 5) = 9,274. SI 3,000; RGHS above 54,000: 875;
          // licence fee L-14 880. deductions 19,029; net 104,831.
          {"R03",
           "payable_days=30 basic=65000 npa=13000 da=45240 cca=620 gross=123860 gpf=5000 "
           "income_tax=9274 si=3000 rghs=875 licence_fee=880 total_deductions=19029 net=104831"},
          // R04 Accounts Officer in Ajmer (Y), L-12 cell 20 = 77,700, GPF 4,800 (slab of
          // 75,400: 72,001-80,000), born 05.12.1966: retires 31.12.2026; no rule stops the
          // deposit, so it is still owed; R = min(5, 2) = 2. da 45,066; hra 15,540; CCA 620;
          // gross 138,926. tax: 972,482 + 138,926 x 2 - 75,000 = 1,175,334 -> 0 (over 12
          // lakh if taxed as paid to March). SI above 72,000: 5,000; RGHS 875; net 128,251.
          {"R04",
           "payable_days=30 basic=77700 da=45066 hra=15540 cca=620 gross=138926 gpf=4800 si=5000 "
           "rghs=875 total_deductions=10675 net=128251"},
          // R05 Patwari in Udaipur (Z), suspended, L-5 cell 8 = 25,500. basic 12,750;
          // da 7,395; hra 10% of the full 25,500 = 2,550; CCA Z 0; gross 22,695. No GPF;
          // SI and RGHS on the matrix basic 25,500: 1,200 and 440. net 21,055.
          {"R05",
           "payable_days=30 basic=12750 da=7395 hra=2550 gross=22695 si=1200 rghs=440 "
           "total_deductions=1640 net=21055"},
          // R06 Clerk in Udaipur, L-8 cell 1 = 26,300, still marked NPS in the master (the
          // orders put such rows on GPF-2004 from April 2022; the profile cannot refuse
          // them): da 15,254; hra 2,630; gross 44,184. nps 41,554 x 10% = 4,155.4 -> 4,155;
          // employer at the state's 10% share: 4,155. SI 1,200; RGHS 440; net 38,389.
          {"R06",
           "payable_days=30 basic=26300 da=15254 hra=2630 gross=44184 nps=4155 si=1200 rghs=440 "
           "total_deductions=5795 net=38389 employer_nps=4155"},
          // R07 Driver in Bikaner (Y), L-2 cell 9 = 22,700: CCA <= 23,100 in a Y city: 320.
          // da 13,166; hra 4,540; gross 40,726. GPF (basis 22,000) 1,450; SI 22,001-28,500:
          // 1,200; RGHS 440. net 37,636.
          {"R07",
           "payable_days=30 basic=22700 da=13166 hra=4540 cca=320 gross=40726 gpf=1450 si=1200 "
           "rghs=440 total_deductions=3090 net=37636"},
          // R08 Clerk in Jaipur (X), L-1 cell 10 = 23,100, exactly the CCA and GPF limit:
          // CCA "up to 23,100" -> 620 (not 1,000); da 13,398; hra 4,620; gross 41,738.
          // GPF (basis 22,400) 1,450; SI 22,001-28,500: 1,200; RGHS 440; tax 0; net 38,648.
          {"R08",
           "payable_days=30 basic=23100 da=13398 hra=4620 cca=620 gross=41738 gpf=1450 si=1200 "
           "rghs=440 total_deductions=3090 net=38648"},
      },
      // R09 as R01 but depositing 1,449, one rupee under the slab of 19,300 (1,450).
      {{"R09", "GPF_BELOW_MINIMUM"}});
}

// Government of Jammu and Kashmir, November 2026: DA 58% (order of 28.10.2025), HRA
// 30/20/10% from 01.01.2024 (Y = Srinagar and Jammu urban), no HRA minimum; NPS for those
// appointed from 2010 (Government 14%), GPF for earlier entrants; no other allowance or
// deduction is in the profile.
TEST(ProfilesPeople, JammuKashmirNovember2026) {
  expect_hand_worked(
      "jammu-kashmir", "2026-11",
      {
          // J01 Orderly in Srinagar (Y), SL-1 cell 10 = 19,300, NPS. da 11,194; hra 3,860;
          // gross 34,354. nps 30,494 x 10% = 3,049.4 -> 3,049; net 31,305;
          // employer 30,494 x 14% = 4,269.16 -> 4,269.
          {"J01",
           "payable_days=30 basic=19300 da=11194 hra=3860 gross=34354 nps=3049 "
           "total_deductions=3049 net=31305 employer_nps=4269"},
          // J02 Teacher in Jammu (Y), L-6 cell 8 = 43,600, GPF 3,000. da 25,288; hra 8,720;
          // gross 77,608; tax: 543,256 + 77,608 x 5 - 75,000 = 856,296 -> 0; net 74,608.
          {"J02",
           "payable_days=30 basic=43600 da=25288 hra=8720 gross=77608 gpf=3000 "
           "total_deductions=3000 net=74608"},
          // J03 Junior Assistant in Anantnag (Z), L-6C (J&K grade pay 4240) cell 4 = 39,000,
          // NPS, 2 days LWP: P = 28. Full: da 22,620, hra 3,900. Paid x 28/30: basic 36,400,
          // da 21,112, hra 3,640; gross 61,152. nps 57,512 x 10% = 5,751.2 -> 5,751;
          // net 55,401; employer 8,051.68 -> 8,052.
          {"J03",
           "payable_days=28 basic=36400 da=21112 hra=3640 gross=61152 nps=5751 "
           "total_deductions=5751 net=55401 employer_nps=8052"},
          // J04 Medical Officer in Srinagar (Y), L-11 cell 3 = 71,800, NPA (20%: approximate,
          // see the profile), NPS. npa 14,360; da 86,160 x 58% = 49,972.8 -> 49,973;
          // hra 14,360 (on basic only); gross 150,493. nps 136,133 x 10% -> 13,613.
          // tax: 1,053,451 + 150,493 x 5 - 75,000 = 1,730,916 -> 1,730,920; 120,000 +
          // 20% x 130,920 = 26,184 -> 146,184; cess 5,847.36 -> 152,031.36 -> 152,030;
          // tds ceil((152,030 - 60,000) / 5) = 18,406. net 118,474;
          // employer 136,133 x 14% = 19,058.62 -> 19,059.
          {"J04",
           "payable_days=30 basic=71800 npa=14360 da=49973 hra=14360 gross=150493 nps=13613 "
           "income_tax=18406 total_deductions=32019 net=118474 employer_nps=19059"},
          // J05 Inspector in Baramulla (Z), L-8 cell 6 = 55,200, government quarters (no
          // licence-fee table in the profile), GPF 2,500. da 32,016; hra 0; gross 87,216;
          // tax 0; net 84,716.
          {"J05",
           "payable_days=30 basic=55200 da=32016 gross=87216 gpf=2500 total_deductions=2500 "
           "net=84716"},
          // J06 Peon in Kathua (Z), suspended, SL-3 cell 12 = 23,400. basic 11,700;
          // da 6,786; hra 10% of 23,400 = 2,340; gross 20,826; no GPF; net 20,826.
          {"J06", "payable_days=30 basic=11700 da=6786 hra=2340 gross=20826 net=20826"},
          // J07 Superintendent in Jammu (Y), L-9 cell 15 = 79,700, GPF 5,000, born
          // 20.11.1966: retires 30.11.2026, so R = min(5, 1) = 1. da 46,226; hra 15,940;
          // gross 141,866. tax: 993,062 + 141,866 - 75,000 = 1,059,928 -> 0. gpf 5,000
          // (no J&K rule stopping it found); net 136,866.
          {"J07",
           "payable_days=30 basic=79700 da=46226 hra=15940 gross=141866 gpf=5000 "
           "total_deductions=5000 net=136866"},
      });
}

// Government of Haryana, November 2026: DA 58% (order of 24.10.2025), HRA 30/20/10% with the
// minimum 5,400 / 3,600 / 1,800; GPF at least 8% of the basic of 1 April, none in the last 6
// months of service; NPS Government share 14%; retirement at 58.
TEST(ProfilesPeople, HaryanaNovember2026) {
  expect_hand_worked(
      "haryana", "2026-11",
      {
          // H01 Peon in Jind (Z), DL (Group D level) cell 3 = 17,900, GPF 1,400 with basis
          // 17,400 (1 April 2026): minimum ceil(17,400 x 8%) = 1,392 (on 17,900 it would be
          // 1,432). Group D retires at 60: date_of_retirement given. da 10,382;
          // hra max(1,790, 1,800) = 1,800 (the minimum binds); gross 30,082; net 28,682.
          {"H01",
           "payable_days=30 basic=17900 da=10382 hra=1800 gross=30082 gpf=1400 "
           "total_deductions=1400 net=28682"},
          // H02 Clerk in Gurugram (Y), L-6 cell 4 = 38,700, NPS. da 22,446; hra 7,740;
          // gross 68,886. nps 61,146 x 10% = 6,114.6 -> 6,115; tax 0; net 62,771;
          // employer 61,146 x 14% = 8,560.44 -> 8,560.
          {"H02",
           "payable_days=30 basic=38700 da=22446 hra=7740 gross=68886 nps=6115 "
           "total_deductions=6115 net=62771 employer_nps=8560"},
          // H03 Medical Officer in Panchkula (tricity: Y), L-10 cell 6 = 65,000, NPA (20%:
          // approximate), NPS. npa 13,000; da 78,000 x 58% = 45,240; hra 20% of 65,000 =
          // 13,000 (no NPA in HRA, memo of 22.08.2019); gross 136,240. nps 123,240 x 10% =
          // 12,324. tax: 953,680 + 136,240 x 5 - 75,000 = 1,559,880; 60,000 + 15% x 359,880
          // = 53,982 -> 113,982; cess 4,559.28 -> 118,541.28 -> 118,540;
          // tds ceil((118,540 - 50,000) / 5) = 13,708. net 110,208; employer 17,253.6 ->
          // 17,254.
          {"H03",
           "payable_days=30 basic=65000 npa=13000 da=45240 hra=13000 gross=136240 nps=12324 "
           "income_tax=13708 total_deductions=26032 net=110208 employer_nps=17254"},
          // H04 Superintendent in Rohtak (Z), L-8 cell 18 = 78,800, GPF 6,000 in the master,
          // born 15.03.1969: reaches 58 on 15.03.2027, retires 31.03.2027; November is in
          // the last 6 months (S = 5), so no subscription is taken; R = min(5, 5) = 5.
          // da 45,704; hra 7,880; gross 132,384. tax: 926,688 + 132,384 x 5 - 75,000 =
          // 1,513,608 -> 1,513,610; 60,000 + 15% x 313,610 = 47,041.5 -> 107,041.5;
          // cess 4,281.66 -> 111,323.16 -> 111,320; tds ceil((111,320 - 55,000) / 5) =
          // 11,264. net 121,120.
          {"H04",
           "payable_days=30 basic=78800 da=45704 hra=7880 gross=132384 income_tax=11264 "
           "total_deductions=11264 net=121120"},
          // H05 Sub-Inspector in Hisar (Z), L-8 cell 3 = 50,500, government quarters (no
          // licence-fee table), GPF 4,000 >= ceil(49,000 x 8%) = 3,920. da 29,290; hra 0;
          // gross 79,790; tax 0; net 75,790.
          {"H05",
           "payable_days=30 basic=50500 da=29290 gross=79790 gpf=4000 total_deductions=4000 "
           "net=75790"},
          // H06 Clerk in Sirsa (Z), suspended, L-4 cell 7 = 30,500. basic 15,250;
          // da 8,845; hra max(3,050, 1,800) = 3,050; gross 27,145; no GPF; net 27,145.
          {"H06", "payable_days=30 basic=15250 da=8845 hra=3050 gross=27145 net=27145"},
      },
      // H07 as H01 but subscribing 1,300, under ceil(17,400 x 8%) = 1,392 (6% would be 1,044).
      {{"H07", "GPF_BELOW_MINIMUM"}});
}

}  // namespace
}  // namespace vetan
