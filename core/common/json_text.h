// Writing JSON text by hand: string literals with the escapes JSON requires.
#pragma once

#include <string>
#include <string_view>

namespace vetan {

// A JSON string literal holding `text` (UTF-8 passes through unescaped).
inline std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace vetan
