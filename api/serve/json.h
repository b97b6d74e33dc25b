// JSON for the REST shell: a strict reader for request bodies (one flat object whose keys
// are named by the route) and a small writer for replies and audit records.
//
// Thread-safety: parse_body uses a thread-local parser; JsonWriter is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Appends `text` to *out as a JSON string (quoted, escaped; bytes >= 0x80 are copied, so
// `text` must be UTF-8).
void append_json_string(std::string* out, std::string_view text);

// Builds a JSON document; the caller keeps keys and values in order.
class JsonWriter {
 public:
  JsonWriter& begin_object() { comma(); out_ += '{'; first_ = true; return *this; }
  JsonWriter& end_object() { out_ += '}'; first_ = false; return *this; }
  JsonWriter& begin_array() { comma(); out_ += '['; first_ = true; return *this; }
  JsonWriter& end_array() { out_ += ']'; first_ = false; return *this; }
  JsonWriter& key(std::string_view k) {
    comma();
    append_json_string(&out_, k);
    out_ += ':';
    first_ = true;  // the value that follows takes no comma
    return *this;
  }
  JsonWriter& value(std::string_view v) { comma(); append_json_string(&out_, v); return *this; }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(int64_t v) { comma(); out_ += std::to_string(v); return *this; }
  JsonWriter& value(int v) { return value(int64_t(v)); }
  JsonWriter& value(uint64_t v) { comma(); out_ += std::to_string(v); return *this; }
  JsonWriter& value(bool v) { comma(); out_ += v ? "true" : "false"; return *this; }
  JsonWriter& null() { comma(); out_ += "null"; return *this; }
  // Inserts already-encoded JSON.
  JsonWriter& raw(std::string_view json) { comma(); out_ += json; return *this; }
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) { key(k); return value(v); }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void comma() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace vetan::serve
