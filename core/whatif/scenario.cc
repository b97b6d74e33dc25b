#include "core/whatif/scenario.h"

#include <simdjson.h>

#include <algorithm>
#include <utility>

#include "core/common/json_text.h"
#include "core/profile/json_reader.h"

namespace vetan {
namespace {

// A profile as JSON text, top-level key by top-level key (each value minified), so that a
// change can replace one key's value and the whole is parsed and validated again.
class ProfileText {
 public:
  Status read(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
        root.type() != element_type::OBJECT) {
      return Status::invalid_argument("profile: not a JSON object");
    }
    for (auto [key, value] : object_of(root))
      keys_.emplace_back(std::string(key), simdjson::minify(value));
    return Status();
  }

  // The value of `key`, or an empty string when the profile lacks it.
  const std::string& get(std::string_view key) const {
    static const std::string kEmpty;
    for (const auto& [k, v] : keys_) {
      if (k == key) return v;
    }
    return kEmpty;
  }

  void set(std::string_view key, std::string value) {
    for (auto& [k, v] : keys_) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    keys_.emplace_back(std::string(key), std::move(value));
  }

  std::string json() const {
    std::string out = "{";
    for (const auto& [k, v] : keys_) {
      if (out.size() > 1) out += ',';
      out += json_quote(k) + ":" + v;
    }
    return out + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> keys_;
};

// A dated list (rules §1) as entries of JSON text, each with its `from`.
struct DatedEntry {
  std::string from;
  std::string json;
};

std::vector<DatedEntry> dated_entries(const std::string& list_json) {
  std::vector<DatedEntry> entries;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(list_json);
  element list;
  if (parser.parse(padded).get(list) != simdjson::SUCCESS) return entries;
  for (element e : array_of(list)) {
    std::string_view from;
    if (e["from"].get(from) != simdjson::SUCCESS) from = "";
    entries.push_back(DatedEntry{std::string(from), simdjson::minify(e)});
  }
  return entries;
}

// whatif.md: puts `added` into the list, replacing an entry with the same `from`; the list
// stays sorted by `from`.
std::string with_entry(std::vector<DatedEntry> entries, DatedEntry added) {
  std::erase_if(entries, [&](const DatedEntry& e) { return e.from == added.from; });
  entries.push_back(std::move(added));
  std::stable_sort(entries.begin(), entries.end(),
                   [](const DatedEntry& a, const DatedEntry& b) { return a.from < b.from; });
  std::string out = "[";
  for (const DatedEntry& e : entries) {
    if (out.size() > 1) out += ',';
    out += e.json;
  }
  return out + "]";
}

// whatif.md `pay_matrix_revision`: a new matrix version from `from`, each cell of the
// version in force the month before multiplied by factor / 10^4 and rounded half up to a
// multiple of `step`, exactly.
bool revise_matrix(JsonReader& r, const std::string& where, std::string_view from, int64_t factor,
                   int64_t step, ProfileText* profile) {
  std::vector<DatedEntry> versions = dated_entries(profile->get("pay_matrix"));
  const DatedEntry* base = nullptr;
  for (const DatedEntry& v : versions) {
    if (v.from < from) base = &v;
  }
  if (base == nullptr)
    return r.fail(where + ": no pay matrix in force before " + std::string(from));
  simdjson::dom::parser parser;
  simdjson::padded_string padded(base->json);
  element matrix = parser.parse(padded).value_unsafe();
  std::string levels = "{";
  const Int128 denominator = Int128(kHundredPercent) * step;  // factor is scaled by 10^4
  for (auto [level, cells] : object_of(matrix["levels"].value_unsafe())) {
    if (levels.size() > 1) levels += ',';
    levels += json_quote(level) + ":[";
    bool first = true;
    for (element c : array_of(cells)) {
      const Int128 product = Int128(c.get_int64().value_unsafe()) * factor;
      const Int128 cell = (2 * product + denominator) / (2 * denominator) * step;
      if (cell > kMaxAmount) {
        return r.fail(where + " makes a cell of level " + std::string(level) +
                      " larger than 10^12");
      }
      if (!first) levels += ',';
      levels += std::to_string(int64_t(cell));
      first = false;
    }
    levels += ']';
  }
  levels += '}';
  profile->set("pay_matrix",
               with_entry(std::move(versions),
                          DatedEntry{std::string(from), "{\"from\":" + json_quote(from) +
                                                            ",\"levels\":" + levels + "}"}));
  return true;
}

// A fitment factor: positive, at most 4 decimal places; *out is the factor times 10^4.
bool fitment_factor(JsonReader& r, element e, const std::string& where, int64_t* out) {
  const std::string problem = where + " must be positive with at most 4 decimal places";
  constexpr int64_t kMaxFactor = kMaxAmount * kHundredPercent;  // a factor of 10^12
  if (e.type() == element_type::INT64) {
    const int64_t v = e.get_int64().value_unsafe();
    if (v <= 0) return r.fail(problem);
    if (v > kMaxAmount) return r.fail(where + " is too large");
    *out = v * kHundredPercent;
    return true;
  }
  if (e.type() == element_type::UINT64) return r.fail(where + " is too large");
  if (e.type() != element_type::DOUBLE) return r.fail(where + " must be a number");
  char text[64];
  switch (parse_scaled_decimal(shortest_text(e.get_double().value_unsafe(), text), 4, kMaxFactor,
                               out)) {
    case DecimalError::kNone:
      return *out > 0 || r.fail(problem);
    case DecimalError::kTooLarge:
      return r.fail(where + " is too large");
    case DecimalError::kNegative:
    case DecimalError::kTooManyPlaces:
      return r.fail(problem);
  }
  return false;
}

// whatif.md "Changes", applied in order to *profile.
bool apply_changes(JsonReader& r, element changes, ProfileText* profile) {
  simdjson::dom::array list;
  if (!r.list(changes, "changes", false, &list)) return false;
  size_t i = 0;
  for (element change : list) {
    const std::string where = "changes[" + std::to_string(i++) + "]";
    if (change.type() != element_type::OBJECT || object_of(change).size() != 1) {
      return r.fail(where + " must be an object with one key");
    }
    const auto [key, value] = *object_of(change).begin();
    const std::string w = where + "." + std::string(key);
    std::vector<element> f;
    Month month = 0;
    if (key == "da") {
      BasisPoints percent = 0;
      if (!r.object(value, w, {"from", "percent"}, {}, &f) || !r.month(f[0], w + ".from", &month) ||
          !r.percent(f[1], w + ".percent", &percent)) {
        return false;
      }
      profile->set("da", with_entry(dated_entries(profile->get("da")),
                                    DatedEntry{format_month(month), simdjson::minify(value)}));
    } else if (key == "pay_matrix_revision") {
      int64_t factor = 0, step = 0;
      if (!r.object(value, w, {"from", "fitment_factor", "round_to"}, {}, &f) ||
          !r.month(f[0], w + ".from", &month) ||
          !fitment_factor(r, f[1], w + ".fitment_factor", &factor) ||
          !r.integer(f[2], w + ".round_to", 1, &step) ||
          !revise_matrix(r, w, format_month(month), factor, step, profile)) {
        return false;
      }
    } else if (key == "hra" || key == "npa" || key == "nps" || key == "gpf" ||
               key == "allowances" || key == "deductions" || key == "income_tax") {
      profile->set(key, simdjson::minify(value));
    } else {
      return r.fail(where + ": unknown change '" + std::string(key) + "'");
    }
  }
  return true;
}

bool group_by(JsonReader& r, element e, std::vector<GroupColumn>* out) {
  simdjson::dom::array list;
  if (!r.list(e, "group_by", false, &list)) return false;
  for (element g : list) {
    std::string_view name;
    int found = -1;
    if (g.get(name) == simdjson::SUCCESS) {
      for (int c = 0; c < kGroupColumnCount; ++c) {
        if (name == kGroupColumnNames[c]) found = c;
      }
    }
    if (found < 0) {
      return r.fail(
          "group_by must list some of department, treasury_code, ddo_code, "
          "pay_level, fund_type, budget_head");
    }
    out->push_back(GroupColumn(found));
  }
  return true;
}

Status read_scenario(element e, const std::string& prefix, const ProfileText& baseline, Month as_of,
                     Scenario* s) {
  Status status;
  JsonReader r(&status, prefix);
  std::vector<element> f;
  std::vector<bool> present;
  if (!r.object(e, "scenario", {"schema", "name", "from", "to", "group_by", "changes"},
                {"increments"}, &f, &present)) {
    return status;
  }
  std::string_view schema;
  if (f[0].get(schema) != simdjson::SUCCESS || schema != "vetan.scenario/1") {
    r.fail("schema must be 'vetan.scenario/1'");
    return status;
  }
  if (!r.string(f[1], "name", &s->name) || !r.month(f[2], "from", &s->from) ||
      !r.month(f[3], "to", &s->to) || !group_by(r, f[4], &s->group_by)) {
    return status;
  }
  if (s->from < as_of || s->to < s->from) {
    r.fail("need as-of (" + format_month(as_of) + ") <= from <= to");
    return status;
  }
  if (present[6] && f[6].get_bool().get(s->increments) != simdjson::SUCCESS) {
    r.fail("increments must be true or false");
    return status;
  }
  ProfileText changed = baseline;
  if (!apply_changes(r, f[5], &changed)) return status;
  if (Status p = parse_profile(changed.json(), &s->profile); !p.ok()) {
    return Status::invalid_argument(
        prefix + ": the changes give a profile that is not valid: " + p.message());
  }
  return Status();
}

}  // namespace

Status parse_scenarios(std::string_view json, std::string_view baseline_profile_json, Month as_of,
                       std::vector<Scenario>* scenarios) {
  ProfileText baseline;
  if (Status s = baseline.read(baseline_profile_json); !s.ok()) return s;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Status::invalid_argument(std::string("scenario: not valid JSON (") +
                                    simdjson::error_message(error) + ")");
  }
  std::vector<Scenario> parsed;
  if (root.type() == element_type::ARRAY) {
    size_t i = 0;
    for (element e : array_of(root)) {
      parsed.emplace_back();
      const std::string prefix = "scenario[" + std::to_string(i++) + "]";
      if (Status s = read_scenario(e, prefix, baseline, as_of, &parsed.back()); !s.ok()) return s;
    }
    if (parsed.empty()) return Status::invalid_argument("scenario: the list of scenarios is empty");
  } else {
    parsed.emplace_back();
    if (Status s = read_scenario(root, "scenario", baseline, as_of, &parsed.back()); !s.ok()) {
      return s;
    }
  }
  *scenarios = std::move(parsed);
  return Status();
}

}  // namespace vetan
