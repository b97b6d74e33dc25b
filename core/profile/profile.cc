#include "core/profile/profile.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <set>

#include "core/profile/json_reader.h"

namespace vetan {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using ProfileReader = JsonReader;

std::string at(const std::string& where, size_t i) {
  return where + "[" + std::to_string(i) + "]";
}

bool read_profile(element root, ProfileReader& r, Profile* p) {
  std::vector<element> f;
  std::vector<bool> present;
  if (!r.object(root, "profile",
                {"schema", "name", "retirement_age", "subsistence_percent", "pay_matrix", "da",
                 "hra", "npa", "allowances", "gpf", "nps", "deductions", "licence_fee_by_level",
                 "income_tax", "calendar"},
                {"description"}, &f, &present)) {
    return false;
  }
  if (f[0].type() != element_type::STRING || f[0].get_string().value_unsafe() != "vetan.profile/1") {
    return r.fail("schema must be 'vetan.profile/1'");
  }
  if (!r.string(f[1], "name", &p->name)) return false;
  if (p->name.empty()) return r.fail("name must be a non-empty string");
  if (present[15] && !r.string(f[15], "description", &p->description)) return false;
  if (!r.integer(f[2], "retirement_age", 1, &p->retirement_age)) return false;
  if (p->retirement_age > 200) return r.fail("retirement_age is too large");
  if (!r.percent(f[3], "subsistence_percent", &p->subsistence_percent)) return false;

  // pay_matrix
  simdjson::dom::array a;
  std::vector<Month> froms;
  if (!r.list(f[4], "pay_matrix", true, &a) || !r.dated_from(a, "pay_matrix", &froms)) return false;
  size_t i = 0;
  for (element v : a) {
    const std::string w = at("pay_matrix", i);
    std::vector<element> g;
    if (!r.object(v, w, {"from", "levels"}, {}, &g)) return false;
    PayMatrix m{froms[i], {}, {}};
    if (g[1].type() != element_type::OBJECT || object_of(g[1]).size() == 0) {
      return r.fail(w + ".levels must be a non-empty object");
    }
    for (auto [level, cells] : object_of(g[1])) {
      const std::string wl = w + ".levels." + std::string(level);
      simdjson::dom::array ca;
      if (!r.list(cells, wl, true, &ca)) return false;
      std::vector<Money> values;
      for (element c : ca) {
        Money value = 0;
        if (!r.integer(c, wl, 0, &value)) return false;
        if (!values.empty() && value <= values.back()) {
          return r.fail(wl + " must be strictly increasing");
        }
        values.push_back(value);
      }
      m.levels.emplace_back(level);
      m.cells.push_back(std::move(values));
    }
    p->pay_matrix.push_back(std::move(m));
    ++i;
  }

  // da
  froms.clear();
  if (!r.list(f[5], "da", true, &a) || !r.dated_from(a, "da", &froms)) return false;
  i = 0;
  for (element v : a) {
    std::vector<element> g;
    DaRate rate{froms[i], 0};
    if (!r.object(v, at("da", i), {"from", "percent"}, {}, &g) ||
        !r.percent(g[1], at("da", i) + ".percent", &rate.percent)) {
      return false;
    }
    p->da.push_back(rate);
    ++i;
  }

  // hra
  std::vector<element> h;
  if (!r.object(f[6], "hra", {"tiers", "minimum"}, {}, &h)) return false;
  if (!r.list(h[0], "hra.tiers", true, &a)) return false;
  i = 0;
  for (element v : a) {
    const std::string w = at("hra.tiers", i);
    std::vector<element> g;
    HraTier tier{};
    if (!r.object(v, w, {"da_at_least", "percent"}, {}, &g) ||
        !r.percent(g[0], w + ".da_at_least", &tier.da_at_least) ||
        !r.by_class_percents(g[1], w + ".percent", &tier.percent)) {
      return false;
    }
    if (i == 0 && tier.da_at_least != 0) return r.fail("the first hra tier must have da_at_least 0");
    if (i > 0 && tier.da_at_least <= p->hra_tiers.back().da_at_least) {
      return r.fail("hra.tiers must be sorted by da_at_least");
    }
    p->hra_tiers.push_back(tier);
    ++i;
  }
  if (!r.by_class_amounts(h[1], "hra.minimum", &p->hra_minimum)) return false;

  // npa
  std::vector<bool> npa_present;
  if (!r.object(f[7], "npa", {"percent"}, {"max_basic_plus_npa"}, &h, &npa_present) ||
      !r.percent(h[0], "npa.percent", &p->npa_percent)) {
    return false;
  }
  if (npa_present[1] && !r.integer(h[1], "npa.max_basic_plus_npa", 0, &p->npa_max_basic_plus_npa)) {
    return false;
  }

  // allowances
  if (!r.list(f[8], "allowances", false, &a)) return false;
  i = 0;
  for (element v : a) {
    const std::string w = at("allowances", i);
    std::vector<element> g;
    Allowance allowance;
    std::vector<bool> allowance_present;
    if (!r.object(v, w, {"code", "da_applies", "bands"}, {"when_exempt_from"}, &g,
                  &allowance_present)) {
      return false;
    }
    if (g[0].type() != element_type::STRING) return r.fail(w + ".code must be a string");
    allowance.code = std::string(g[0].get_string().value_unsafe());
    if (g[1].type() != element_type::BOOL) return r.fail(w + ".da_applies must be true or false");
    allowance.da_applies = g[1].get_bool().value_unsafe();
    if (allowance_present[3]) {
      if (g[3].type() != element_type::STRING || g[3].get_string().value_unsafe().empty()) {
        return r.fail(w + ".when_exempt_from must name a deduction of the profile");
      }
      allowance.when_exempt_from = std::string(g[3].get_string().value_unsafe());
    }
    simdjson::dom::array bands;
    if (!r.list(g[2], w + ".bands", false, &bands)) return false;
    size_t j = 0;
    for (element b : bands) {
      const std::string wb = at(w + ".bands", j);
      std::vector<element> bf;
      std::vector<bool> band_present;
      AllowanceBand band;
      if (!r.object(b, wb, {"levels", "amount"}, {"min_basic"}, &bf, &band_present)) return false;
      if (band_present[2] && !r.integer(bf[2], wb + ".min_basic", 0, &band.min_basic)) {
        return false;
      }
      if (bf[0].type() != element_type::ARRAY) {
        return r.fail(wb + ".levels must be a list of level names");
      }
      for (element lv : array_of(bf[0])) {
        if (lv.type() != element_type::STRING) {
          return r.fail(wb + ".levels must be a list of level names");
        }
        band.levels.emplace_back(lv.get_string().value_unsafe());
      }
      if (!r.by_class_amounts(bf[1], wb + ".amount", &band.amount)) return false;
      allowance.bands.push_back(std::move(band));
      ++j;
    }
    p->allowances.push_back(std::move(allowance));
    ++i;
  }

  // gpf
  const char* const kGpfMinimum =
      "gpf must hold exactly one of minimum_percent_of_basic, minimum_by_level, minimum_by_basic";
  if (f[9].type() != element_type::OBJECT) return r.fail(kGpfMinimum);
  int minimums = 0;
  for (auto [key, value] : object_of(f[9])) {
    if (key == "minimum_percent_of_basic") {
      ++minimums;
      p->gpf_minimum_rule = GpfMinimumRule::kPercentOfBasic;
      if (!r.percent(value, "gpf.minimum_percent_of_basic", &p->gpf_minimum_percent)) return false;
    } else if (key == "minimum_by_level") {
      ++minimums;
      p->gpf_minimum_rule = GpfMinimumRule::kByLevel;
      if (!r.level_table(value, "gpf.minimum_by_level", &p->gpf_minimum_table)) return false;
    } else if (key == "minimum_by_basic") {
      ++minimums;
      p->gpf_minimum_rule = GpfMinimumRule::kByBasic;
      std::vector<std::pair<Money, int64_t>> bands;
      if (!r.up_to_bands(value, "gpf.minimum_by_basic", "amount", false, &bands)) return false;
      for (auto [up_to, amount] : bands) p->gpf_minimum_bands.push_back(AmountBand{up_to, amount});
    } else if (key == "interest") {  // gpf.md §1
      simdjson::dom::array rates;
      std::vector<Month> rate_froms;
      if (!r.list(value, "gpf.interest", true, &rates) ||
          !r.dated_from(rates, "gpf.interest", &rate_froms)) {
        return false;
      }
      size_t k = 0;
      for (element e : rates) {
        std::vector<element> g;
        GpfInterestRate rate{rate_froms[k], 0};
        if (!r.object(e, at("gpf.interest", k), {"from", "percent"}, {}, &g) ||
            !r.percent(g[1], at("gpf.interest", k) + ".percent", &rate.percent)) {
          return false;
        }
        p->gpf_interest.push_back(rate);
        ++k;
      }
    } else if (key == "salary_credited") {  // gpf.md §1
      const std::string_view v =
          value.type() == element_type::STRING ? value.get_string().value_unsafe() : "";
      if (v != "same_month" && v != "next_month") {
        return r.fail("gpf.salary_credited must be 'same_month' or 'next_month'");
      }
      p->gpf_salary_credited_next_month = v == "next_month";
    } else if (key == "no_subscription_last_months") {  // rules §5
      int64_t months = 0;
      if (!r.integer(value, "gpf.no_subscription_last_months", 0, &months)) return false;
      if (months > 12) return r.fail("gpf.no_subscription_last_months must be 0..12");
      p->gpf_no_subscription_last_months = int32_t(months);
    } else {
      return r.fail("unknown key 'gpf." + std::string(key) + "'");
    }
  }
  if (minimums != 1) return r.fail(kGpfMinimum);

  // nps
  if (!r.object(f[10], "nps", {"employee_percent", "employer_percent"}, {}, &h) ||
      !r.percent(h[0], "nps.employee_percent", &p->nps_employee_percent) ||
      !r.percent(h[1], "nps.employer_percent", &p->nps_employer_percent)) {
    return false;
  }

  // deductions
  if (!r.list(f[11], "deductions", false, &a)) return false;
  i = 0;
  for (element v : a) {
    const std::string w = at("deductions", i);
    Deduction d;
    element code, table;
    const char* const kOneOf = " must hold code and one of by_level, by_gross, by_basic";
    if (v.type() != element_type::OBJECT || object_of(v).size() != 2 ||
        v["code"].get(code) != simdjson::SUCCESS) {
      return r.fail(w + kOneOf);
    }
    if (code.type() != element_type::STRING) return r.fail(w + ".code must be a string");
    d.code = std::string(code.get_string().value_unsafe());
    if (v["by_level"].get(table) == simdjson::SUCCESS) {
      if (!r.level_table(table, w + ".by_level", &d.by_level)) return false;
    } else if (v["by_gross"].get(table) == simdjson::SUCCESS ||
               v["by_basic"].get(table) == simdjson::SUCCESS) {
      const bool gross = v["by_gross"].error() == simdjson::SUCCESS;
      d.basis = gross ? DeductionBasis::kByGross : DeductionBasis::kByBasic;
      std::vector<std::pair<Money, int64_t>> bands;
      if (!r.up_to_bands(table, w + (gross ? ".by_gross" : ".by_basic"), "amount", false, &bands)) {
        return false;
      }
      for (auto [up_to, amount] : bands) d.bands.push_back(AmountBand{up_to, amount});
    } else {
      return r.fail(w + " must hold one of by_level, by_gross, by_basic");
    }
    p->deductions.push_back(std::move(d));
    ++i;
  }

  if (!r.level_table(f[12], "licence_fee_by_level", &p->licence_fee_by_level)) return false;

  // income_tax
  froms.clear();
  if (!r.list(f[13], "income_tax", true, &a) || !r.dated_from(a, "income_tax", &froms)) {
    return false;
  }
  i = 0;
  for (element v : a) {
    const std::string w = at("income_tax", i);
    std::vector<element> g;
    IncomeTaxYear year{};
    year.from = froms[i];
    if (!r.object(v, w,
                  {"from", "standard_deduction", "slabs", "rebate_limit", "surcharge",
                   "cess_percent"},
                  {}, &g)) {
      return false;
    }
    if (month_number(year.from) != 4) return r.fail(w + ".from must be an April");
    if (!r.integer(g[1], w + ".standard_deduction", 0, &year.standard_deduction) ||
        !r.integer(g[3], w + ".rebate_limit", 0, &year.rebate_limit)) {
      return false;
    }
    std::vector<std::pair<Money, int64_t>> slabs;
    if (!r.up_to_bands(g[2], w + ".slabs", "percent", true, &slabs)) return false;
    for (auto [up_to, pct] : slabs) year.slabs.push_back(TaxSlab{up_to, pct});
    simdjson::dom::array tiers;
    if (!r.list(g[4], w + ".surcharge", false, &tiers)) return false;
    size_t j = 0;
    for (element t : tiers) {
      const std::string wt = at(w + ".surcharge", j);
      std::vector<element> tf;
      SurchargeTier tier{};
      if (!r.object(t, wt, {"above", "percent"}, {}, &tf) ||
          !r.integer(tf[0], wt + ".above", 0, &tier.above) ||
          !r.percent(tf[1], wt + ".percent", &tier.percent)) {
        return false;
      }
      if (!year.surcharge.empty() && tier.above <= year.surcharge.back().above) {
        return r.fail(w + ".surcharge must be sorted by above");
      }
      year.surcharge.push_back(tier);
      ++j;
    }
    if (!r.percent(g[5], w + ".cess_percent", &year.cess_percent)) return false;
    p->income_tax.push_back(std::move(year));
    ++i;
  }

  // calendar
  if (!r.object(f[14], "calendar",
                {"master_edit", "employee_proposals", "ddo_approval", "stop_payment_until",
                 "auto_run", "other_salary_from"},
                {}, &h)) {
    return false;
  }
  const char* window_names[4] = {"master_edit", "employee_proposals", "ddo_approval", "auto_run"};
  std::array<int32_t, 2>* windows[4] = {&p->calendar.master_edit, &p->calendar.employee_proposals,
                                        &p->calendar.ddo_approval, &p->calendar.auto_run};
  const int window_field[4] = {0, 1, 2, 4};
  for (int k = 0; k < 4; ++k) {
    element e = h[window_field[k]];
    const std::string message =
        std::string("calendar.") + window_names[k] + " must be [first_day, last_day]";
    if (e.type() != element_type::ARRAY || array_of(e).size() != 2) {
      return r.fail(message);
    }
    int d = 0;
    for (element x : array_of(e)) {
      if (x.type() != element_type::INT64) return r.fail(message);
      const int64_t day = x.get_int64().value_unsafe();
      if (day < 1 || day > 31) return r.fail(message);
      (*windows[k])[d++] = int32_t(day);
    }
  }
  const char* day_names[2] = {"stop_payment_until", "other_salary_from"};
  int32_t* days[2] = {&p->calendar.stop_payment_until, &p->calendar.other_salary_from};
  const int day_field[2] = {3, 5};
  for (int k = 0; k < 2; ++k) {
    element e = h[day_field[k]];
    if (e.type() != element_type::INT64 || e.get_int64().value_unsafe() < 1 ||
        e.get_int64().value_unsafe() > 31) {
      return r.fail(std::string("calendar.") + day_names[k] + " must be a day 1..31");
    }
    *days[k] = int32_t(e.get_int64().value_unsafe());
  }
  return true;
}

bool is_code(const std::string& code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Status parse_profile(std::string_view json, Profile* profile) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Status::invalid_argument(std::string("profile: not valid JSON (") +
                                    simdjson::error_message(error) + ")");
  }
  Status status;
  ProfileReader reader(&status, "profile");
  Profile parsed;
  if (!read_profile(root, reader, &parsed)) return status;
  status = validate_profile(parsed);
  if (!status.ok()) return status;
  *profile = std::move(parsed);
  return Status();
}

Status validate_profile(const Profile& p) {
  auto fail = [](const std::string& m) { return Status::invalid_argument("profile: " + m); };
  static const char* kFixed[] = {"BASIC", "NPA", "DA", "HRA", "SPECIAL_PAY", "GPF", "NPS",
                                 "INCOME_TAX", "LICENCE_FEE", "LOAN"};
  std::set<std::string> codes;
  auto check_code = [&](const std::string& code, const std::string& where) {
    bool fixed = false;
    for (const char* f : kFixed) fixed = fixed || code == f;
    if (!is_code(code) || fixed || !codes.insert(code).second) {
      return fail(where + ".code '" + code + "' is not a valid, unique code");
    }
    return Status();
  };
  for (size_t i = 0; i < p.allowances.size(); ++i) {
    const std::string w = at("allowances", i);
    if (Status s = check_code(p.allowances[i].code, w); !s.ok()) return s;
    std::set<std::pair<std::string, Money>> seen;
    for (const AllowanceBand& band : p.allowances[i].bands) {
      for (const std::string& level : band.levels) {
        if (!seen.insert({level, band.min_basic}).second) {
          return fail("level " + level + " is in two bands of allowance " + p.allowances[i].code +
                      " with the same min_basic");
        }
      }
    }
  }
  for (size_t i = 0; i < p.deductions.size(); ++i) {
    if (Status s = check_code(p.deductions[i].code, at("deductions", i)); !s.ok()) return s;
    const Deduction& d = p.deductions[i];
    if (d.basis != DeductionBasis::kByLevel && (d.bands.empty() || d.bands.back().up_to != kNoLimit)) {
      return fail(at("deductions", i) + " bands must end with up_to: null");
    }
  }
  if (p.deductions.size() > kMaxDeductions) {
    return fail("deductions: at most " + std::to_string(kMaxDeductions) + " are allowed");
  }
  for (size_t i = 0; i < p.allowances.size(); ++i) {
    const std::string& code = p.allowances[i].when_exempt_from;
    if (code.empty()) continue;
    bool found = false;
    for (const Deduction& d : p.deductions) found = found || d.code == code;
    if (!found) return fail(at("allowances", i) + ".when_exempt_from must name a deduction of the profile");
  }
  if (p.gpf_minimum_rule == GpfMinimumRule::kByBasic &&
      (p.gpf_minimum_bands.empty() || p.gpf_minimum_bands.back().up_to != kNoLimit)) {
    return fail("gpf.minimum_by_basic must end with up_to: null");
  }
  for (size_t i = 1; i < p.gpf_interest.size(); ++i) {
    if (p.gpf_interest[i].from <= p.gpf_interest[i - 1].from) {
      return fail("gpf.interest must be sorted by from, no two alike");
    }
  }
  if (p.gpf_no_subscription_last_months < 0 || p.gpf_no_subscription_last_months > 12) {
    return fail("gpf.no_subscription_last_months must be 0..12");
  }
  auto sorted = [](const auto& list) {
    for (size_t i = 1; i < list.size(); ++i) {
      if (list[i].from <= list[i - 1].from) return false;
    }
    return !list.empty();
  };
  if (!sorted(p.pay_matrix)) return fail("pay_matrix must be a non-empty list sorted by 'from'");
  if (!sorted(p.da)) return fail("da must be a non-empty list sorted by 'from'");
  if (!sorted(p.income_tax)) return fail("income_tax must be a non-empty list sorted by 'from'");
  for (size_t i = 0; i < p.pay_matrix.size(); ++i) {
    if (p.pay_matrix[i].levels.empty()) return fail(at("pay_matrix", i) + ".levels is empty");
    for (size_t l = 0; l < p.pay_matrix[i].cells.size(); ++l) {
      const auto& cells = p.pay_matrix[i].cells[l];
      if (cells.empty()) return fail(at("pay_matrix", i) + ".levels." + p.pay_matrix[i].levels[l] +
                                     " must be a non-empty list");
      for (size_t c = 1; c < cells.size(); ++c) {
        if (cells[c] <= cells[c - 1]) {
          return fail(at("pay_matrix", i) + ".levels." + p.pay_matrix[i].levels[l] +
                      " must be strictly increasing");
        }
      }
    }
  }
  if (p.hra_tiers.empty() || p.hra_tiers[0].da_at_least != 0) {
    return fail("the first hra tier must have da_at_least 0");
  }
  for (size_t i = 1; i < p.hra_tiers.size(); ++i) {
    if (p.hra_tiers[i].da_at_least <= p.hra_tiers[i - 1].da_at_least) {
      return fail("hra.tiers must be sorted by da_at_least");
    }
  }
  for (const IncomeTaxYear& y : p.income_tax) {
    if (month_number(y.from) != 4) return fail("every income_tax from must be an April");
    if (y.slabs.empty() || y.slabs.back().up_to != kNoLimit) {
      return fail("income_tax slabs must end with up_to: null");
    }
  }
  return Status();
}

Money level_amount(const LevelTable& table, std::string_view level) {
  for (const auto& [name, amount] : table) {
    if (name == level) return amount;
  }
  return 0;
}

}  // namespace vetan
