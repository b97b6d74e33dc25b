#include "api/serve/master_fields.h"

#include "loaders/csv/master_schema.h"
#include "loaders/csv/text.h"

namespace vetan::serve {

namespace ms = master_schema;

const std::vector<std::string_view>& master_body_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> k;
    for (const ms::ColumnSpec& spec : ms::kColumns) k.emplace_back(spec.name);
    for (const char* name : ms::kKnownUnread) k.emplace_back(name);
    return k;
  }();
  return keys;
}

Status master_field_text(std::string_view column, const JsonValue& value, std::string* text) {
  const int c = ms::find_column(column);
  const ms::Kind kind = c >= 0 ? ms::kind_of(c) : ms::Kind::kText;
  const bool integer = kind == ms::Kind::kInteger || kind == ms::Kind::kOptionalInteger;
  const bool boolean = kind == ms::Kind::kBoolean;
  std::string named = "field '";
  named.append(column).append("': ");
  switch (value.type) {
    case JsonValue::Type::kString:
      if (value.text.size() > 256) return Status::invalid_argument(named + "longer than 256 bytes");
      for (char ch : value.text) {
        if (uint8_t(ch) < 0x20 || ch == 0x7f) return Status::invalid_argument(named + "holds a control character");
      }
      *text = value.text;
      return Status();
    case JsonValue::Type::kInteger:
      if (!integer) {
        return Status::invalid_argument(named + (boolean ? "must be true or false" : "must be a string"));
      }
      *text = std::to_string(value.integer);  // a negative or 13-digit one is refused by check_row
      return Status();
    case JsonValue::Type::kBool:
      if (!boolean) {
        return Status::invalid_argument(named + (integer ? "must be a whole number" : "must be a string"));
      }
      text->assign(1, value.boolean ? '1' : '0');
      return Status();
    case JsonValue::Type::kNull:
      text->clear();
      return Status();
  }
  return Status::invalid_argument(named + "has no value");
}

void write_master_field(JsonWriter* w, std::string_view column, std::string_view text) {
  const int c = ms::find_column(column);
  if (c < 0) {
    w->field(column, text);
    return;
  }
  const ms::ColumnSpec& spec = ms::kColumns[c];
  std::string_view value = trim(text);
  w->key(column);
  if (value.empty()) {
    if (spec.kind == ms::Kind::kOptionalDate || spec.kind == ms::Kind::kOptionalEnum ||
        spec.kind == ms::Kind::kOptionalInteger || spec.kind == ms::Kind::kDate ||
        (spec.kind == ms::Kind::kInteger && spec.fallback.empty())) {
      w->null();
      return;
    }
    if (spec.kind == ms::Kind::kInteger || spec.kind == ms::Kind::kBoolean) value = spec.fallback;
  }
  if (spec.kind == ms::Kind::kInteger || spec.kind == ms::Kind::kOptionalInteger) {
    int64_t n = 0;
    if (parse_integer(value, &n)) {
      w->value(n);
      return;
    }
  } else if (spec.kind == ms::Kind::kBoolean) {
    bool b = false;
    if (ms::parse_boolean(value, &b)) {
      w->value(b);
      return;
    }
  }
  w->value(text);
}

bool stops_payment(std::string_view stop_payment_text) {
  bool stopped = false;
  return ms::parse_boolean(stop_payment_text, &stopped) && stopped;
}

}  // namespace vetan::serve
