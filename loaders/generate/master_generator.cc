#include "loaders/generate/master_generator.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "core/common/money.h"
#include "core/tax/income_tax.h"

namespace vetan {
namespace {

// Rows per block. Part of the output's definition (each block has its own random stream),
// so it must never depend on the thread count.
constexpr uint64_t kBlockRows = 16384;
constexpr uint64_t kMaxRows = 100000000;   // employee ids carry the row index in 8 digits
constexpr size_t kBytesPerRowGuess = 224;  // ~205 on average

__extension__ typedef unsigned __int128 Uint128;

// ---------------------------------------------------------------------------------------
// Random numbers: splitmix64 to seed, xoshiro256** to draw. Written here (not <random>) so
// that the stream, and so the bytes, are the same with every standard library.

constexpr uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// A probability as a threshold on 53 random bits (exact for the constants used here).
constexpr uint64_t chance_threshold(double p) {
  return p <= 0 ? 0 : p >= 1 ? (uint64_t(1) << 53) : uint64_t(p * 9007199254740992.0);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t block) {
    uint64_t mix = seed;
    const uint64_t a = splitmix64(&mix);
    uint64_t state = a ^ (block * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
    for (uint64_t& word : s_) word = splitmix64(&state);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) (multiply-shift; the bias is far below anything that matters here).
  uint64_t below(uint64_t n) { return uint64_t((Uint128(next()) * n) >> 64); }
  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo) + 1)); }
  // True with the probability given by chance_threshold.
  bool chance(uint64_t threshold) { return (next() >> 11) < threshold; }

 private:
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------
// The shape of the data (after the conformance kit's gen.py).

constexpr const char* kColumns[] = {"employee_id",
                                    "name",
                                    "date_of_birth",
                                    "date_of_joining",
                                    "date_of_retirement",
                                    "status",
                                    "treasury_code",
                                    "ddo_code",
                                    "bill_group",
                                    "department",
                                    "budget_head",
                                    "fund_type",
                                    "pay_level",
                                    "pay_cell",
                                    "basic_pay",
                                    "pension_scheme",
                                    "gpf_account",
                                    "gpf_subscription",
                                    "pran",
                                    "hra_class",
                                    "govt_quarters",
                                    "npa_eligible",
                                    "special_pay",
                                    "lwp_days",
                                    "loan_installment",
                                    "loan_balance",
                                    "income_tax_declared",
                                    "fy_gross_to_date",
                                    "fy_tds_to_date",
                                    "stop_payment",
                                    "stop_reason",
                                    "allowance_class",
                                    "gpf_basis_pay",
                                    "exempt_deductions",
                                    "bank_account",
                                    "ifsc",
                                    "pan"};

constexpr std::string_view kFirstNames[] = {"Ramesh", "Sunita", "Mohan", "Priya",    "Abdul",
                                            "Kavita", "Suresh", "Anita", "Harpreet", "Meena",
                                            "राजेश",   "सीमा",   "महेंद्र",  "पूजा"};
constexpr std::string_view kLastNames[] = {"Sharma", "Meena", "Gupta", "Khan",
                                           "Singh",  "Jat",   "Verma", "Choudhary",
                                           "Bairwa", "Joshi", "शर्मा",  "सिंह"};
struct Department {
  std::string_view name, prefix, budget_head;
};
constexpr Department kDepartments[] = {
    {"Education", "EDU", "2202-01-101"},   {"Medical & Health", "MED", "2210-01-110"},
    {"Police", "POL", "2055-00-109"},      {"Revenue", "REV", "2029-00-101"},
    {"Agriculture", "AGR", "2401-00-001"}, {"Rural Development", "RUR", "2515-00-101"}};
constexpr size_t kMedical = 1;
constexpr std::string_view kBanks[] = {"SBIN", "PUNB", "BARB", "HDFC", "ICIC", "UBIN", "CNRB"};
// Already CSV-quoted where needed.
constexpr std::string_view kStopReasons[] = {"Deceased", "Absent without leave",
                                             "\"Under inquiry, \"\"held\"\"\""};
constexpr std::string_view kStatuses[] = {"ACTIVE",   "SUSPENDED", "RETIRED",
                                          "DECEASED", "VRS",       "TERMINATED"};
enum StatusIndex { kActive = 0, kSuspended = 1, kRetired = 2 };
constexpr char kHraClassNames[] = {'X', 'Y', 'Z'};
constexpr int kHraClassPick[] = {0, 1, 1, 2, 2, 2};   // "XYYZZZ"
constexpr int64_t kSpecialPay[] = {500, 1000, 2000};  // 3 in 23 rows; the rest 0
constexpr int64_t kLoanInstallments[] = {1000, 2500, 5000};
constexpr int64_t kGpfPercents[] = {8, 10, 12, 15};

enum Fault {
  kCell,
  kBasic,
  kPan,
  kIfsc,
  kAccount,
  kDupAccount,
  kDupId,
  kPastRetirement,
  kStatus,
  kNotJoined,
  kNoPran,
  kNoGpfAccount,
  kGpfLow,
  kGpfHigh,
  kBadDate,
  kFieldCount,
  kNegativeNet,
  kUnknownLevel,
  kZeroDays,
  kFaultCount
};
constexpr std::string_view kBadPans[] = {"", "ABCD1234E", "abcde1234f1"};
constexpr std::string_view kBadIfscs[] = {"", "SBIN1234567", "SBI00012345"};
constexpr std::string_view kBadAccounts[] = {"", "12345", "12AB5678901"};
constexpr std::string_view kBadDates[] = {"1980-02-30", "31/12/1980", "1980-1-1"};

constexpr uint64_t kSuspendedChance = chance_threshold(0.003);
constexpr uint64_t kGpfChance = chance_threshold(0.7);
constexpr uint64_t kCaChance = chance_threshold(0.15);
constexpr uint64_t kQuartersChance = chance_threshold(0.05);
constexpr uint64_t kNpaChance = chance_threshold(0.2);
constexpr uint64_t kLwpChance = chance_threshold(0.02);
constexpr uint64_t kLoanChance = chance_threshold(0.05);
constexpr uint64_t kStopChance = chance_threshold(0.003);
constexpr uint64_t kRetirementGivenChance = chance_threshold(0.004);
// rules §4 allowance_class: central transport allowance has its own list of 19 cities, all
// eight HRA class X cities and some class Y ones (Jaipur, Lucknow, Patna, ...): a share of
// class Y rows draws TA at the X rate.
constexpr uint64_t kTaCityChance = chance_threshold(0.4);
// rules §5 exempt_deductions: rows outside CGHS cities pay no CGHS (most class Z towns, some
// class Y ones), when the profile has a CGHS deduction.
constexpr uint64_t kOutsideCghsChance[] = {chance_threshold(0.0), chance_threshold(0.3),
                                           chance_threshold(0.8)};

// CSV quoting for text that comes from the profile (level names).
std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

struct Level {
  std::string quoted;  // the name as a CSV field
  const Money* cells;
  int64_t cell_count;
  Money gpf_minimum;        // when the profile gives a table
  ClassAmounts allowances;  // rules §4: the full-month sum of the profile allowances, by class
};

// Everything a block needs, resolved once from the profile and options.
struct Context {
  GeneratorOptions options;
  int32_t year = 0, month_no = 0, days = 0;
  Date first = 0, last = 0;
  std::string seed_text;  // zero-padded to 3, as gen.py's E{seed:03d}

  std::vector<Level> levels;
  std::vector<uint64_t> level_weights;  // cumulative
  std::string unknown_level;

  BasisPoints subsistence = 0, da = 0, npa_percent = 0;
  Money npa_max = kNoLimit;
  ClassPercents hra_percent{};
  ClassAmounts hra_minimum{};
  GpfMinimumRule gpf_rule = GpfMinimumRule::kPercentOfBasic;
  BasisPoints gpf_percent = 0;
  const std::vector<AmountBand>* gpf_bands = nullptr;
  bool cghs = false;  // the profile has a CGHS deduction (rows outside CGHS cities exempt)

  const IncomeTaxYear* tax = nullptr;  // none: FY figures carry no tax
  std::vector<Int128> surcharge_caps;
  Month fy_start = 0;
  int64_t months_done = 0;   // months of the FY before this one
  int64_t months_left = 12;  // rules §6: R

  int64_t min_age = 21, max_age = 59;
  uint64_t ddos = 1;
  uint64_t fault_threshold = 0;
  size_t max_row_bytes = 0;
};

template <typename Entry>
const Entry* in_force(const std::vector<Entry>& list, Month month) {
  const Entry* best = nullptr;
  for (const Entry& e : list) {
    if (e.from <= month && (best == nullptr || e.from >= best->from)) best = &e;
  }
  return best;
}

Status build_context(const Profile& p, const GeneratorOptions& o, Context* c) {
  if (o.rows < 1 || o.rows > kMaxRows) {
    return Status::invalid_argument("generator: rows must be between 1 and 100000000");
  }
  if (!(o.fault_rate >= 0.0 && o.fault_rate <= 1.0)) {
    return Status::invalid_argument("generator: fault rate must be between 0 and 1");
  }
  const int32_t year = month_year(o.month);
  if (o.month < 0 || year < 1900 || year > 9000) {
    return Status::invalid_argument("generator: month out of range");
  }
  const PayMatrix* matrix = in_force(p.pay_matrix, o.month);
  if (matrix == nullptr || matrix->levels.empty()) {
    return Status::invalid_argument("profile: no pay_matrix in force for " + format_month(o.month));
  }
  c->options = o;
  c->year = year;
  c->month_no = month_number(o.month);
  c->days = days_in(o.month);
  c->first = first_day(o.month);
  c->last = last_day(o.month);
  c->seed_text = std::to_string(o.seed);
  if (c->seed_text.size() < 3) c->seed_text.insert(0, 3 - c->seed_text.size(), '0');

  const DaRate* da = in_force(p.da, o.month);
  c->da = da == nullptr ? 0 : da->percent;
  BasisPoints best_tier = -1;
  for (const HraTier& tier : p.hra_tiers) {
    if (tier.da_at_least <= c->da && tier.da_at_least >= best_tier) {
      best_tier = tier.da_at_least;
      c->hra_percent = tier.percent;
    }
  }
  c->hra_minimum = p.hra_minimum;
  c->subsistence = p.subsistence_percent;
  c->npa_percent = p.npa_percent;
  c->npa_max = p.npa_max_basic_plus_npa;
  c->gpf_rule = p.gpf_minimum_rule;
  c->gpf_percent = p.gpf_minimum_percent;
  c->gpf_bands = &p.gpf_minimum_bands;
  for (const Deduction& d : p.deductions) c->cghs = c->cghs || d.code == "CGHS";

  size_t longest = 0;
  const size_t n = matrix->levels.size();
  uint64_t total = 0;
  for (size_t l = 0; l < n; ++l) {
    Level level;
    level.quoted = csv_field(matrix->levels[l]);
    level.cells = matrix->cells[l].data();
    level.cell_count = int64_t(matrix->cells[l].size());
    if (level.cell_count == 0) {
      return Status::invalid_argument("profile: pay level " + matrix->levels[l] + " has no cells");
    }
    level.gpf_minimum = p.gpf_minimum_rule == GpfMinimumRule::kByLevel
                            ? level_amount(p.gpf_minimum_table, matrix->levels[l])
                            : 0;
    level.allowances = {0, 0, 0};
    for (const Allowance& allowance : p.allowances) {
      const AllowanceBand* band = nullptr;
      for (const AllowanceBand& b : allowance.bands) {
        if (band == nullptr &&
            std::find(b.levels.begin(), b.levels.end(), matrix->levels[l]) != b.levels.end()) {
          band = &b;
        }
      }
      if (band == nullptr) continue;
      for (int cls = 0; cls < 3; ++cls) {
        const Money amount = band->amount[size_t(cls)];
        level.allowances[size_t(cls)] +=
            amount + (allowance.da_applies ? rnd_percent(amount, c->da) : 0);
      }
    }
    longest = std::max(longest, level.quoted.size());
    c->levels.push_back(std::move(level));
    // Weighted to the lower and middle of the matrix: (n - i)^2.
    const uint64_t w = std::max<uint64_t>(1, n - l);
    total += w * w;
    c->level_weights.push_back(total);
  }
  c->unknown_level = "L-99";
  while (std::find(matrix->levels.begin(), matrix->levels.end(), c->unknown_level) !=
         matrix->levels.end()) {
    c->unknown_level += '9';
  }
  longest = std::max(longest, c->unknown_level.size());

  // rules §6: the FY's income-tax entry (none: the FY figures carry no tax).
  c->fy_start = make_month(year - (c->month_no < 4 ? 1 : 0), 4);
  for (const IncomeTaxYear& y : p.income_tax) {
    if (y.from == c->fy_start) c->tax = &y;
  }
  if (c->tax != nullptr) {
    for (const SurchargeTier& tier : c->tax->surcharge) {
      c->surcharge_caps.push_back(tax_with_surcharge(*c->tax, tier.above, nullptr));
    }
  }
  c->months_done = o.month - c->fy_start;
  c->months_left = 12 - c->months_done;

  c->max_age = std::max<int64_t>(c->min_age, p.retirement_age - 1);
  c->ddos = std::max<uint64_t>(1, o.rows / 50);
  c->fault_threshold = chance_threshold(o.fault_rate);
  // Every field but the level name is short and bounded; see format_row.
  c->max_row_bytes = 1024 + c->seed_text.size() + 2 * longest;
  return Status();
}

// ---------------------------------------------------------------------------------------
// Formatting into a caller's buffer that is known to be large enough (Context::max_row_bytes).

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
char* put_uint(char* p, uint64_t v) { return std::to_chars(p, p + 24, v).ptr; }
char* put_padded(char* p, uint64_t v, int width) {
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  for (int n = int(end - digits); n < width; ++n) *p++ = '0';
  return put(p, std::string_view(digits, size_t(end - digits)));
}
char* put_two(char* p, int32_t v) {
  p[0] = char('0' + v / 10);
  p[1] = char('0' + v % 10);
  return p + 2;
}
char* put_date(char* p, Date date) {
  const CivilDate d = civil_from_days(date);
  p = put_padded(p, uint64_t(d.year), 4);
  *p++ = '-';
  p = put_two(p, d.month);
  *p++ = '-';
  return put_two(p, d.day);
}

// A short text field held in the row itself.
struct SmallText {
  char bytes[24] = {};
  uint8_t size = 0;
  std::string_view view() const { return std::string_view(bytes, size); }
  void set(std::string_view s) {
    size = uint8_t(std::min(s.size(), sizeof bytes));
    std::memcpy(bytes, s.data(), size);
  }
};

struct Row {
  uint64_t index = 0;     // row number from 0
  uint64_t id_index = 0;  // whose employee_id the row carries (dup_id copies another's)
  uint32_t first_name = 0, last_name = 0;
  Date birth = 0, joining = 0, retirement = kNoDate;
  std::string_view birth_text;  // a planted malformed date_of_birth
  int status = kActive;
  uint64_t ddo = 0;
  int64_t bill_group = 1;
  size_t department = 0;
  bool ca = false;
  size_t level_index = 0;
  std::string_view level;  // CSV-quoted
  int64_t cell = 1;
  Money basic = 0;
  bool gpf = true;
  enum { kNoAccount, kDepartmentAccount, kFixedAccount } gpf_account = kNoAccount;
  std::string_view gpf_fixed;
  Money gpf_subscription = 0;
  Money gpf_basis = -1;  // gpf_basis_pay; -1: not given
  bool has_pran = false;
  int hra_class = 0;
  int allowance_class = -1;  // -1: not given (the hra_class)
  bool outside_cghs = false;
  bool quarters = false, npa = false;
  Money special_pay = 0;
  int64_t lwp_days = 0;
  Money loan_installment = 0, loan_balance = 0;
  Money fy_gross = 0, fy_tds = 0;
  bool stop = false;
  size_t stop_reason = 0;
  SmallText bank_account, ifsc, pan;
  bool short_row = false;  // field_count: the last two fields left off
};

// rules §4: the full-month gross of a clean row with no LWP (what it earns in a whole month).
Money full_month_gross(const Context& c, const Level& level, const Row& r) {
  const Money b = r.basic;
  const bool suspended = r.status == kSuspended;
  const Money basic = suspended ? rnd_percent(b, c.subsistence) : b;
  Money npa = 0;
  if (r.npa && !suspended) {
    npa = rnd_percent(b, c.npa_percent);
    if (c.npa_max != kNoLimit) npa = std::max<Money>(0, std::min(npa, c.npa_max - b));
  }
  const Money da = rnd_percent(basic + npa, c.da);
  const size_t cls = size_t(r.hra_class);
  const Money hra =
      r.quarters ? 0 : std::max(rnd_percent(b, c.hra_percent[cls]), c.hra_minimum[cls]);
  return basic + npa + da + hra + level.allowances[cls] + r.special_pay;
}

// rules §6 steps 2-7: the annual tax on a projected annual gross.
Money annual_tax(const Context& c, Money projected) {
  const Money taxable = rnd10(std::max<Money>(0, projected - c.tax->standard_deduction));
  if (taxable <= c.tax->rebate_limit) return 0;
  const Int128 before_cess = tax_with_surcharge(*c.tax, taxable, c.surcharge_caps.data());
  const Int128 with_cess = before_cess * (kHundredPercent + c.tax->cess_percent) / kHundredPercent;
  return Money((with_cess + 5 * kTaxScale) / (10 * kTaxScale)) * 10;
}

Date random_date_in_year(Rng& rng, int64_t year) {
  const int32_t m = int32_t(rng.between(1, 12));
  const int32_t d = int32_t(rng.between(1, 28));
  return days_from_civil(int32_t(year), m, d);
}

void draw_row(const Context& c, Rng& rng, uint64_t index, Row* row) {
  Row& r = *row;
  r = Row();
  r.index = r.id_index = index;
  const uint64_t pick = rng.below(c.level_weights.back());
  const size_t level_index =
      size_t(std::upper_bound(c.level_weights.begin(), c.level_weights.end(), pick) -
             c.level_weights.begin());
  const Level& level = c.levels[level_index];
  r.level_index = level_index;
  r.level = level.quoted;
  const int64_t age = rng.between(c.min_age, c.max_age);
  r.cell = std::min(level.cell_count, rng.between(1, 1 + age / 3));
  r.basic = level.cells[r.cell - 1];
  r.gpf = rng.chance(kGpfChance);
  r.ddo = rng.below(c.ddos);
  r.department = size_t(r.ddo % std::size(kDepartments));
  r.first_name = uint32_t(rng.below(std::size(kFirstNames)));
  r.last_name = uint32_t(rng.below(std::size(kLastNames)));
  r.birth = random_date_in_year(rng, c.year - age);
  r.joining = random_date_in_year(rng, c.year - rng.between(0, std::max<int64_t>(0, age - 20)));
  // Those who join during the month join in its first half (a late joiner's few days of
  // pay would not cover the month's fixed deductions: NEGATIVE_NET).
  const bool joins_this_month = r.joining >= c.first;
  if (joins_this_month) r.joining = c.first + Date(rng.below(uint64_t(std::min(c.days, 15))));
  r.status = rng.chance(kSuspendedChance) ? kSuspended : kActive;
  // 1-3 bill groups per DDO.
  r.bill_group = 1 + int64_t(rng.below(1 + (r.ddo / std::size(kDepartments)) % 3));
  r.ca = rng.chance(kCaChance);
  if (r.gpf) {
    r.gpf_account = Row::kDepartmentAccount;
    // rules §5.1: the minimum is fixed on the emoluments of the last 31 March; after the
    // July increment (July to March) a row above the first cell drew the cell below then.
    const bool after_increment = c.month_no >= 7 || c.month_no <= 3;
    if (after_increment && r.cell > 1) r.gpf_basis = level.cells[r.cell - 2];
    const Money basis = r.gpf_basis >= 0 ? r.gpf_basis : r.basic;
    const Money minimum = c.gpf_rule == GpfMinimumRule::kByLevel  ? level.gpf_minimum
                          : c.gpf_rule == GpfMinimumRule::kByBasic ? band_amount(*c.gpf_bands, basis)
                                                                   : ceil_percent(basis, c.gpf_percent);
    const Money chosen =
        r.basic * kGpfPercents[rng.below(std::size(kGpfPercents))] / 100 / 100 * 100;
    r.gpf_subscription = std::max(minimum, chosen);
    if (joins_this_month && minimum > 0) r.gpf_subscription = minimum;  // a first month
  } else {
    r.has_pran = true;
  }
  r.hra_class = kHraClassPick[rng.below(std::size(kHraClassPick))];
  if (r.hra_class == 1 && rng.chance(kTaCityChance)) r.allowance_class = 0;
  r.outside_cghs = c.cghs && rng.chance(kOutsideCghsChance[r.hra_class]);
  r.quarters = rng.chance(kQuartersChance);
  r.npa = r.department == kMedical && rng.chance(kNpaChance);
  const uint64_t special = rng.below(23);
  r.special_pay = special < 20 ? 0 : kSpecialPay[special - 20];
  if (rng.chance(kLwpChance)) r.lwp_days = rng.between(1, 6);
  r.bank_account.size = uint8_t(
      put_uint(r.bank_account.bytes, uint64_t(rng.between(10000000000LL, 100000000000000LL))) -
      r.bank_account.bytes);
  {
    char* p = put(r.ifsc.bytes, kBanks[rng.below(std::size(kBanks))]);
    *p++ = '0';
    p = put_padded(p, rng.below(1000000), 6);
    r.ifsc.size = uint8_t(p - r.ifsc.bytes);
  }
  {
    char* p = r.pan.bytes;
    for (int i = 0; i < 5; ++i) *p++ = char('A' + rng.below(26));
    p = put_uint(p, uint64_t(rng.between(1000, 9999)));
    *p++ = char('A' + rng.below(26));
    r.pan.size = uint8_t(p - r.pan.bytes);
  }
  if (rng.chance(kLoanChance)) {
    r.loan_installment = kLoanInstallments[rng.below(std::size(kLoanInstallments))];
    r.loan_balance = rng.between(0, 60000);
  }
  if (rng.chance(kStopChance)) {
    r.stop = true;
    r.stop_reason = size_t(rng.below(std::size(kStopReasons)));
  }
  // A retirement date given in the master: during this month, in its second half.
  if (rng.chance(kRetirementGivenChance))
    r.retirement = c.first + 15 + Date(rng.below(uint64_t(c.days - 15)));
  if (joins_this_month) {  // a first month: no leave without pay, loan or retirement yet
    r.lwp_days = 0;
    r.loan_installment = r.loan_balance = 0;
    r.retirement = kNoDate;
  }

  // FY figures consistent with what the row earns: the months of this FY already paid
  // (since joining), a little below this month's gross (a DA rise during the year), and the
  // tax deducted so far in step with the annual tax, so that this month's TDS is its share.
  const Month joined =
      make_month(civil_from_days(r.joining).year, civil_from_days(r.joining).month);
  const int64_t paid_months =
      std::clamp<int64_t>(c.options.month - std::max(c.fy_start, joined), 0, c.months_done);
  if (paid_months > 0) {
    const Money monthly = full_month_gross(c, level, r);
    const int64_t shortfall = int64_t(rng.below(31));  // per mille
    r.fy_gross = monthly * paid_months * (1000 - shortfall) / 1000;
    if (c.tax != nullptr) {
      const Money annual = annual_tax(c, r.fy_gross + monthly * c.months_left);
      r.fy_tds = annual * paid_months / (paid_months + c.months_left);
    }
  }
}

void plant_fault(const Context& c, Rng& rng, const Row& previous, bool has_previous, Row* row) {
  Row& r = *row;
  switch (Fault(rng.below(kFaultCount))) {
    case kCell:
      r.cell = c.levels[r.level_index].cell_count + rng.between(1, 3);
      break;
    case kBasic:
      r.basic += 100;
      break;
    case kPan:
      r.pan.set(kBadPans[rng.below(3)]);
      break;
    case kIfsc:
      r.ifsc.set(kBadIfscs[rng.below(3)]);
      break;
    case kAccount:
      r.bank_account.set(kBadAccounts[rng.below(3)]);
      break;
    case kDupAccount:
      if (has_previous) {
        r.ifsc = previous.ifsc;
        r.bank_account = previous.bank_account;
      }
      break;
    case kDupId:
      if (has_previous) r.id_index = previous.id_index;
      break;
    case kPastRetirement:
      r.retirement = days_from_civil(c.year - 1, c.month_no, 15);
      break;
    case kStatus:
      r.status = kRetired + int(rng.below(4));
      break;
    case kNotJoined:
      r.joining = days_from_civil(c.year + 1, 1, 1);
      break;
    case kNoPran:
      r.gpf = false;
      r.has_pran = false;
      r.gpf_account = Row::kNoAccount;
      break;
    case kNoGpfAccount:
      r.gpf = true;
      r.gpf_account = Row::kNoAccount;
      r.gpf_subscription = 2000;
      break;
    case kGpfLow:
      r.gpf = true;
      r.gpf_account = Row::kFixedAccount;
      r.gpf_fixed = "G/1";
      r.gpf_subscription = 1;
      break;
    case kGpfHigh:
      r.gpf = true;
      r.gpf_account = Row::kFixedAccount;
      r.gpf_fixed = "G/2";
      r.gpf_subscription = r.basic + 1;
      break;
    case kBadDate:
      r.birth_text = kBadDates[rng.below(3)];
      break;
    case kFieldCount:
      r.short_row = true;
      break;
    case kNegativeNet:
      r.loan_installment = r.loan_balance = 900000;
      break;
    case kUnknownLevel:
      r.level = c.unknown_level;
      break;
    case kZeroDays:
      r.lwp_days = 31;
      break;
    case kFaultCount:
      break;
  }
}

// Writes one CSV record (with its line end) at p; returns the end.
char* format_row(const Context& c, const Row& r, char* p) {
  // employee_id, name
  *p++ = 'E';
  p = put(p, c.seed_text);
  p = put_padded(p, r.id_index, 8);
  *p++ = ',';
  p = put(p, kFirstNames[r.first_name]);
  *p++ = ' ';
  p = put(p, kLastNames[r.last_name]);
  *p++ = ',';
  // date_of_birth, date_of_joining, date_of_retirement, status
  p = r.birth_text.empty() ? put_date(p, r.birth) : put(p, r.birth_text);
  *p++ = ',';
  p = put_date(p, r.joining);
  *p++ = ',';
  if (r.retirement != kNoDate) p = put_date(p, r.retirement);
  *p++ = ',';
  p = put(p, kStatuses[r.status]);
  // treasury_code, ddo_code, bill_group, department, budget_head, fund_type
  p = put(p, ",TR");
  p = put_padded(p, r.ddo * 50 / 1500, 3);
  p = put(p, ",DDO");
  p = put_padded(p, r.ddo, 5);
  *p++ = ',';
  p = put_uint(p, uint64_t(r.bill_group));
  *p++ = ',';
  const Department& dept = kDepartments[r.department];
  p = put(p, dept.name);
  *p++ = ',';
  p = put(p, dept.budget_head);
  p = put(p, r.ca ? ",CA," : ",SF,");
  // pay_level, pay_cell, basic_pay, pension_scheme, gpf_account, gpf_subscription, pran
  p = put(p, r.level);
  *p++ = ',';
  p = put_uint(p, uint64_t(r.cell));
  *p++ = ',';
  p = put_uint(p, uint64_t(r.basic));
  p = put(p, r.gpf ? ",GPF," : ",NPS,");
  if (r.gpf_account == Row::kDepartmentAccount) {
    p = put(p, dept.prefix);
    *p++ = '/';
    p = put_uint(p, r.index);
  } else if (r.gpf_account == Row::kFixedAccount) {
    p = put(p, r.gpf_fixed);
  }
  *p++ = ',';
  p = put_uint(p, uint64_t(r.gpf ? r.gpf_subscription : 0));
  *p++ = ',';
  if (r.has_pran) {
    // 12 digits whatever the seed.
    p = put_uint(p, 110000000000ULL + (c.options.seed % 8900) * 100000000ULL + r.index);
  }
  // hra_class, govt_quarters, npa_eligible, special_pay, lwp_days
  *p++ = ',';
  *p++ = kHraClassNames[r.hra_class];
  p = put(p, r.quarters ? ",1" : ",0");
  p = put(p, r.npa ? ",1," : ",0,");
  p = put_uint(p, uint64_t(r.special_pay));
  *p++ = ',';
  p = put_uint(p, uint64_t(r.lwp_days));
  // loan_installment, loan_balance, income_tax_declared, fy_gross_to_date, fy_tds_to_date
  *p++ = ',';
  p = put_uint(p, uint64_t(r.loan_installment));
  *p++ = ',';
  p = put_uint(p, uint64_t(r.loan_balance));
  p = put(p, ",0,");
  p = put_uint(p, uint64_t(r.fy_gross));
  *p++ = ',';
  p = put_uint(p, uint64_t(r.fy_tds));
  // stop_payment, stop_reason, allowance_class, gpf_basis_pay, exempt_deductions,
  // bank_account, ifsc, pan
  if (r.stop) {
    p = put(p, ",1,");
    p = put(p, kStopReasons[r.stop_reason]);
  } else {
    p = put(p, ",0,");
  }
  *p++ = ',';
  if (r.allowance_class >= 0) *p++ = kHraClassNames[r.allowance_class];
  *p++ = ',';
  if (r.gpf && r.gpf_basis >= 0) p = put_uint(p, uint64_t(r.gpf_basis));
  *p++ = ',';
  if (r.outside_cghs) p = put(p, "CGHS");
  *p++ = ',';
  p = put(p, r.bank_account.view());
  if (!r.short_row) {
    *p++ = ',';
    p = put(p, r.ifsc.view());
    *p++ = ',';
    p = put(p, r.pan.view());
  }
  *p++ = '\n';
  return p;
}

// Formats block `block` (rows [block * kBlockRows, ...)) into *out, replacing its contents.
void format_block(const Context& c, uint64_t block, std::string* out) {
  const uint64_t begin = block * kBlockRows;
  const uint64_t end = std::min(c.options.rows, begin + kBlockRows);
  out->clear();
  out->reserve(size_t(end - begin) * kBytesPerRowGuess);
  std::unique_ptr<char[]> scratch(new char[c.max_row_bytes]);
  Rng rng(c.options.seed, block);
  Row row, previous;
  for (uint64_t i = begin; i < end; ++i) {
    draw_row(c, rng, i, &row);
    if (c.fault_threshold != 0 && rng.chance(c.fault_threshold)) {
      plant_fault(c, rng, previous, i > begin, &row);
    }
    const char* stop = format_row(c, row, scratch.get());
    out->append(scratch.get(), size_t(stop - scratch.get()));
    previous = row;
  }
}

}  // namespace

Status generate_master(const Profile& profile, const GeneratorOptions& options,
                       const std::function<Status(std::string_view)>& sink) {
  Context context;
  if (Status s = build_context(profile, options, &context); !s.ok()) return s;
  const Context& c = context;

  std::string header;
  for (const char* column : kColumns) {
    if (!header.empty()) header.push_back(',');
    header += column;
  }
  header.push_back('\n');
  if (Status s = sink(header); !s.ok()) return s;

  // Blocks are formatted a window at a time in parallel; while the sink takes one window,
  // the next is formatted (two windows of buffers, reused). The window's size only bounds
  // memory and never changes the bytes.
  const uint64_t blocks = (c.options.rows + kBlockRows - 1) / kBlockRows;
  const size_t workers = std::min<size_t>(
      size_t(tbb::this_task_arena::max_concurrency()),
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  const uint64_t window = std::clamp<uint64_t>(2 * workers, 2, 64);
  std::array<std::vector<std::string>, 2> buffers;
  buffers[0].resize(size_t(window));
  buffers[1].resize(size_t(window));
  auto fill = [&c, &buffers, blocks, window](int which, uint64_t first) {
    const uint64_t count = std::min(window, blocks - first);
    tbb::parallel_for(uint64_t(0), count, [&](uint64_t b) {
      format_block(c, first + b, &buffers[size_t(which)][size_t(b)]);
    });
  };
  fill(0, 0);
  int current = 0;
  for (uint64_t first = 0; first < blocks; first += window) {
    const uint64_t next = first + window;
    tbb::task_group group;
    if (next < blocks) group.run([&fill, current, next] { fill(1 - current, next); });
    Status status;
    const uint64_t count = std::min(window, blocks - first);
    for (uint64_t b = 0; b < count && status.ok(); ++b)
      status = sink(buffers[size_t(current)][size_t(b)]);
    group.wait();
    if (!status.ok()) return status;
    current = 1 - current;
  }
  return Status();
}

Status generate_master_csv(const Profile& profile, const GeneratorOptions& options,
                           std::string* csv) {
  std::string out;
  Status s = generate_master(profile, options, [&out](std::string_view piece) {
    out.append(piece);
    return Status();
  });
  if (s.ok()) *csv = std::move(out);
  return s;
}

}  // namespace vetan
