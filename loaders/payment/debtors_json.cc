#include "loaders/payment/debtors_json.h"

#include <simdjson.h>

#include <set>

#include "core/payment/latin_text.h"
#include "core/payment/pain001.h"

namespace vetan {
namespace {

Status text_of(simdjson::dom::object object, const char* key, const std::string& where,
               std::string* out) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) {
    return Status::invalid_argument(where + key + ": missing, or not a string");
  }
  *out = std::string(value);
  return Status();
}

Status only_keys(simdjson::dom::object object, const std::set<std::string_view>& keys,
                 const std::string& where) {
  for (auto field : object) {
    if (!keys.count(field.key)) {
      return Status::invalid_argument(where + std::string(field.key) + ": unknown key");
    }
  }
  return Status();
}

}  // namespace

Status parse_payment_config(const std::string& json, PaymentConfig* config) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(json).get(root); error) {
    return Status::invalid_argument(std::string("not JSON (") + simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Status::invalid_argument("the configuration is not a JSON object");
  }
  if (Status s = only_keys(object, {"initiating_party", "debtors"}, ""); !s.ok()) return s;
  PaymentConfig c;
  if (Status s = text_of(object, "initiating_party", "", &c.initiating_party); !s.ok()) return s;
  if (c.initiating_party.empty() || c.initiating_party.size() > kMaxNameLength ||
      !is_payment_latin(c.initiating_party)) {
    return Status::invalid_argument(
        "initiating_party: must be 1 to 140 characters of the payment Latin set "
        "(a-z A-Z 0-9 / - ? : ( ) . , ' + space)");
  }
  simdjson::dom::array debtors;
  if (object["debtors"].get_array().get(debtors) != simdjson::SUCCESS) {
    return Status::invalid_argument("debtors: missing, or not a list");
  }
  size_t i = 0;
  for (simdjson::dom::element e : debtors) {
    const std::string where = "debtors[" + std::to_string(i++) + "].";
    simdjson::dom::object d;
    if (e.get_object().get(d) != simdjson::SUCCESS) {
      return Status::invalid_argument(where.substr(0, where.size() - 1) + ": not an object");
    }
    if (Status s = only_keys(d, {"ddo_code", "name", "account", "ifsc"}, where); !s.ok()) return s;
    std::string ddo;
    DebtorAccount a;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"ddo_code", &ddo},
                            {"name", &a.name}, {"account", &a.account}, {"ifsc", &a.ifsc}}) {
      if (Status s = text_of(d, key, where, out); !s.ok()) return s;
    }
    if (std::string problem = account_problem({a.name, a.account, a.ifsc}); !problem.empty()) {
      return Status::invalid_argument(where + problem);
    }
    if (!c.debtors.emplace(ddo, std::move(a)).second) {
      return Status::invalid_argument(where + "ddo_code: '" + ddo + "' is given twice");
    }
  }
  *config = std::move(c);
  return Status();
}

}  // namespace vetan
