// JsonReader: strict reading of JSON values (simdjson DOM) for the profile and scenario
// parsers: objects with exactly the expected keys, integers and amounts within bounds,
// exact decimal percentages, months, dated lists. Each function returns false after
// setting the Status to the first problem found, naming the path ("hra.tiers[1].percent.X").
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/decimal.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/profile/profile.h"

namespace vetan {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The object or array of an element already known to be one (an empty one otherwise).
inline simdjson::dom::object object_of(element e) {
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return simdjson::dom::object();
  return o;
}
inline simdjson::dom::array array_of(element e) {
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return simdjson::dom::array();
  return a;
}

// Bounds that keep every product of rules §4–§6 inside 64 bits (amounts in the master are
// at most 12 digits, too).
inline constexpr int64_t kMaxAmount = 1000000000000LL;  // 10^12 rupees
inline constexpr BasisPoints kMaxPercent = 100000;      // 1000%

// Each parse function returns false after setting *error to the first problem found.
// Paths read like the profile: "hra.tiers[1].percent.X".
class JsonReader {
 public:
  // Errors read "<prefix>: <message>".
  JsonReader(Status* error, std::string prefix) : error_(error), prefix_(std::move(prefix)) {}

  bool fail(const std::string& message) {
    *error_ = Status::invalid_argument(prefix_ + ": " + message);
    return false;
  }

  // An object whose keys are exactly `required` plus some of `optional`; fields[i] is the
  // value of required[i] then optional[i] (null element when an optional key is absent).
  bool object(element e, const std::string& where, std::initializer_list<const char*> required,
              std::initializer_list<const char*> optional, std::vector<element>* fields,
              std::vector<bool>* present = nullptr) {
    if (e.type() != element_type::OBJECT) return fail(where + " must be an object");
    fields->assign(required.size() + optional.size(), element());
    std::vector<bool> seen(required.size() + optional.size(), false);
    for (auto [key, value] : object_of(e)) {
      size_t i = 0;
      bool known = false;
      for (const char* name : required) {
        if (key == name) { known = true; break; }
        ++i;
      }
      if (!known) {
        for (const char* name : optional) {
          if (key == name) { known = true; break; }
          ++i;
        }
      }
      if (!known) return fail("unknown key '" + where + "." + std::string(key) + "'");
      (*fields)[i] = value;
      seen[i] = true;
    }
    size_t i = 0;
    for (const char* name : required) {
      if (!seen[i++]) return fail("missing key '" + where + "." + name + "'");
    }
    if (present) *present = seen;
    return true;
  }

  bool integer(element e, const std::string& where, int64_t minimum, int64_t* out) {
    int64_t v = 0;
    if (e.type() == element_type::INT64) {
      v = e.get_int64().value_unsafe();
    } else if (e.type() == element_type::UINT64) {
      return fail(where + " is too large");
    } else {
      return fail(where + " must be an integer >= " + std::to_string(minimum));
    }
    if (v < minimum) return fail(where + " must be an integer >= " + std::to_string(minimum));
    if (v > kMaxAmount) return fail(where + " is too large (at most 10^12)");
    *out = v;
    return true;
  }

  // A percentage with at most two decimal places, held exactly as basis points.
  bool percent(element e, const std::string& where, BasisPoints* out) {
    if (e.type() == element_type::INT64) {
      const int64_t v = e.get_int64().value_unsafe();
      if (v < 0) return fail(where + " must not be negative");
      if (v > kMaxPercent / 100) return fail(where + " is too large (at most 1000%)");
      *out = v * 100;
      return true;
    } else if (e.type() == element_type::DOUBLE) {
      char text[64];
      return decimal_percent(shortest_text(e.get_double().value_unsafe(), text), where, out);
    }
    return fail(where + " must be a number (a percentage)");
  }

  bool decimal_percent(std::string_view s, const std::string& where, BasisPoints* out) {
    switch (parse_scaled_decimal(s, 2, kMaxPercent, out)) {
      case DecimalError::kNone: return true;
      case DecimalError::kNegative: return fail(where + " must not be negative");
      case DecimalError::kTooManyPlaces: return fail(where + " has more than two decimal places");
      case DecimalError::kTooLarge: return fail(where + " is too large (at most 1000%)");
    }
    return false;
  }

  bool month(element e, const std::string& where, Month* out) {
    std::string_view s;
    if (e.type() != element_type::STRING || !parse_month(s = e.get_string().value_unsafe(), out)) {
      return fail(where + " must be YYYY-MM");
    }
    return true;
  }

  bool string(element e, const std::string& where, std::string* out) {
    if (e.type() != element_type::STRING) return fail(where + " must be a string");
    *out = std::string(e.get_string().value_unsafe());
    return true;
  }

  bool list(element e, const std::string& where, bool non_empty, simdjson::dom::array* out) {
    if (e.type() != element_type::ARRAY || (non_empty && array_of(e).size() == 0)) {
      return fail(where + (non_empty ? " must be a non-empty list" : " must be a list"));
    }
    *out = array_of(e);
    return true;
  }

  bool by_class_amounts(element e, const std::string& where, ClassAmounts* out) {
    std::vector<element> f;
    if (!object(e, where, {"X", "Y", "Z"}, {}, &f)) return false;
    const char* names[3] = {"X", "Y", "Z"};
    for (int c = 0; c < 3; ++c) {
      if (!integer(f[c], where + "." + names[c], 0, &(*out)[c])) return false;
    }
    return true;
  }

  bool by_class_percents(element e, const std::string& where, ClassPercents* out) {
    std::vector<element> f;
    if (!object(e, where, {"X", "Y", "Z"}, {}, &f)) return false;
    const char* names[3] = {"X", "Y", "Z"};
    for (int c = 0; c < 3; ++c) {
      if (!percent(f[c], where + "." + names[c], &(*out)[c])) return false;
    }
    return true;
  }

  bool level_table(element e, const std::string& where, LevelTable* out) {
    if (e.type() != element_type::OBJECT) return fail(where + " must be an object");
    out->clear();
    for (auto [key, value] : object_of(e)) {
      int64_t amount = 0;
      if (!integer(value, where + "." + std::string(key), 0, &amount)) return false;
      bool replaced = false;  // a repeated key: the last value wins, as in most JSON readers
      for (auto& entry : *out) {
        if (entry.first == key) { entry.second = amount; replaced = true; }
      }
      if (!replaced) out->emplace_back(std::string(key), amount);
    }
    return true;
  }

  // A list of {up_to, <value>} bands ending with up_to null, up_to increasing.
  bool up_to_bands(element e, const std::string& where, const char* value_key, bool is_percent,
                   std::vector<std::pair<Money, int64_t>>* out) {
    simdjson::dom::array a;
    if (!list(e, where, true, &a)) return false;
    const size_t n = a.size();
    size_t i = 0;
    Money previous = kNoLimit;
    for (element b : a) {
      const std::string w = where + "[" + std::to_string(i) + "]";
      std::vector<element> f;
      if (!object(b, w, {"up_to", value_key}, {}, &f)) return false;
      Money up_to = kNoLimit;
      const bool last = i == n - 1;
      if (f[0].type() == element_type::NULL_VALUE) {
        if (!last) return fail(w + ".up_to may be null only in the last entry");
      } else {
        if (!integer(f[0], w + ".up_to", 0, &up_to)) return false;
        if (last) return fail(where + " must end with up_to: null");
        if (previous != kNoLimit && up_to <= previous) {
          return fail(where + " up_to values must increase");
        }
        previous = up_to;
      }
      int64_t value = 0;
      if (is_percent ? !percent(f[1], w + "." + value_key, &value)
                     : !integer(f[1], w + "." + value_key, 0, &value)) {
        return false;
      }
      out->emplace_back(up_to, value);
      ++i;
    }
    return true;
  }

  // Dated lists (rules §1): non-empty, each entry's from a YYYY-MM, strictly increasing.
  bool dated_from(simdjson::dom::array a, const std::string& where, std::vector<Month>* froms) {
    size_t i = 0;
    for (element e : a) {
      Month m = 0;
      element from;
      if (e.type() != element_type::OBJECT || e["from"].get(from) != simdjson::SUCCESS ||
          !month(from, where + "[" + std::to_string(i) + "].from", &m)) {
        return fail(where + "[" + std::to_string(i) + "].from must be YYYY-MM");
      }
      if (!froms->empty() && m <= froms->back()) {
        return fail(where + " must be sorted by 'from' with no two alike");
      }
      froms->push_back(m);
      ++i;
    }
    return true;
  }

 private:
  Status* error_;
  std::string prefix_;
};

}  // namespace vetan
