#include "api/serve/json.h"

#include <simdjson.h>

#include <algorithm>

namespace vetan::serve {

Status parse_body(std::string_view body, const std::vector<std::string_view>& allowed,
                  JsonBody* out) {
  out->clear();
  if (!simdjson::validate_utf8(body.data(), body.size())) {
    return Status::invalid_argument("body: not valid UTF-8");
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(body);
  if (auto error = parser.parse(padded).get(root); error) {
    if (error == simdjson::NUMBER_ERROR) {
      return Status::invalid_argument("body: a number is out of range (whole numbers up to 2^63 - 1 only)");
    }
    if (error == simdjson::DEPTH_ERROR) return Status::invalid_argument("body: nested too deeply");
    return Status::invalid_argument(std::string("body: malformed JSON (") +
                                    simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) return Status::invalid_argument("body: must be a JSON object");
  if (object.size() > kMaxBodyFields) {
    return Status::invalid_argument("body: more than " + std::to_string(kMaxBodyFields) + " keys");
  }
  for (auto [key, element] : object) {
    const std::string name(key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      std::string shown = name.size() > 64 ? name.substr(0, 64) + "…" : name;
      return Status::invalid_argument("body: unknown field '" + shown + "' (allowed: " + list + ")");
    }
    if (find_field(*out, key) != nullptr) {
      return Status::invalid_argument("body: field '" + name + "' is given twice");
    }
    JsonValue value;
    switch (element.type()) {
      case simdjson::dom::element_type::STRING:
        value.type = JsonValue::Type::kString;
        value.text = std::string(element.get_string().value_unsafe());
        break;
      case simdjson::dom::element_type::INT64:
        value.type = JsonValue::Type::kInteger;
        value.integer = element.get_int64().value_unsafe();
        break;
      case simdjson::dom::element_type::UINT64:
        return Status::invalid_argument("field '" + name + "': number out of range");
      case simdjson::dom::element_type::DOUBLE:
        return Status::invalid_argument("field '" + name + "': must be a whole number");
      case simdjson::dom::element_type::BOOL:
        value.type = JsonValue::Type::kBool;
        value.boolean = element.get_bool().value_unsafe();
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        value.type = JsonValue::Type::kNull;
        break;
      default:
        return Status::invalid_argument("field '" + name + "': must be a string, a number, a boolean or null");
    }
    out->emplace_back(name, std::move(value));
  }
  return Status();
}

const JsonValue* find_field(const JsonBody& body, std::string_view key) {
  for (const auto& [name, value] : body) {
    if (name == key) return &value;
  }
  return nullptr;
}

}  // namespace vetan::serve
