// JSON for the REST shell: a strict reader for request bodies (one flat object whose keys
// are named by the route). Replies and audit records are written with the project's one
// JSON writer, core/common/json_text.h.
//
// Thread-safety: parse_body uses a thread-local parser; JsonWriter is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/json_text.h"
#include "core/common/status.h"

namespace vetan::serve {

// One value of a request body. Numbers are whole: fractions and exponents are refused.
struct JsonValue {
  enum class Type { kString, kInteger, kBool, kNull };
  Type type = Type::kNull;
  std::string text;     // kString
  int64_t integer = 0;  // kInteger
  bool boolean = false; // kBool
};

using JsonBody = std::vector<std::pair<std::string, JsonValue>>;  // in body order

inline constexpr size_t kMaxBodyFields = 64;

// Parses a request body: a single JSON object of at most kMaxBodyFields keys, each in
// `allowed`, given once, whose values are strings, integers (within int64), booleans or null.
// Fails with a message naming the key and the problem: not UTF-8, malformed JSON, not an
// object, unknown key, repeated key, nested value, fraction, number too large.
Status parse_body(std::string_view body, const std::vector<std::string_view>& allowed,
                  JsonBody* out);

// Finds `key` in `body`; nullptr when absent.
const JsonValue* find_field(const JsonBody& body, std::string_view key);

}  // namespace vetan::serve
