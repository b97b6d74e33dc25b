// The master's fields as the service reads and writes them, typed by the one master schema
// (loaders/csv/master_schema.h, issue 9 §1 and §5): an edit's JSON value becomes the field's
// text only when its type fits the column; a field goes out as a JSON number, boolean, string
// or null as the loader reads it; a stop is read as the loader reads it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/serve/json.h"
#include "core/common/status.h"

namespace vetan::serve {

// Every column an edit body may name: the schema's columns and the known unread ones.
const std::vector<std::string_view>& master_body_keys();

// An edit's value for `column` as the master's text. Integer columns take a JSON integer
// or a string, boolean columns a JSON boolean or a string, text, date and enumeration
// columns a string; null empties the field. Fails (invalid argument, naming the field) on a
// value of another type, a string over 256 bytes or one holding a control character. The
// text is then checked as the loader checks a row (MasterRecords::check_row).
Status master_field_text(std::string_view column, const JsonValue& value, std::string* text);

// Writes `text` of `column` as the loader reads it: integers as numbers, booleans as
// booleans, an empty optional field as null (an empty field with a default as the default);
// text, and any value the loader would refuse, as a string.
void write_master_field(JsonWriter* w, std::string_view column, std::string_view text);

// Whether a stop_payment field stops the row, as the loader reads it.
bool stops_payment(std::string_view stop_payment_text);

}  // namespace vetan::serve
