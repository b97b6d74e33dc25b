// Writing JSON text: the project's one JSON writer (issue 9 §1), for the CLI's files, the
// REST replies and the audit trail. Strings are escaped as JSON requires (UTF-8 passes
// through unescaped, so the text must be UTF-8).
//
// Thread-safety: free functions are reentrant; a JsonWriter is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace vetan {

// Appends `text` to *out as a JSON string literal: quoted; '"', '\\', \n, \r, \t
// escaped, other control characters as \u00XX; bytes >= 0x80 copied.
inline void append_json_string(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (uint8_t(c) < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[uint8_t(c) >> 4]);
          out->push_back(kHex[uint8_t(c) & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// A JSON string literal holding `text`.
inline std::string json_quote(std::string_view text) {
  std::string out;
  append_json_string(&out, text);
  return out;
}

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

}  // namespace vetan
