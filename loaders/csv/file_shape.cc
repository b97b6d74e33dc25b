#include "loaders/csv/file_shape.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace vetan {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr const char kSaveAsUtf8[] = "save it as UTF-8 (CSV UTF-8 in Excel)";
constexpr size_t kSniffBytes = 4096;  // how much of the file the 16-bit guess looks at

uint8_t byte_at(std::string_view data, size_t i) { return static_cast<uint8_t>(data[i]); }

bool starts_with(std::string_view data, std::string_view prefix) {
  return data.substr(0, prefix.size()) == prefix;
}

std::string hex(uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", b);
  return text;
}

// Where a byte offset stands in the file, as a person counts: line from 1 (LF, CRLF or a
// lone CR end a line), column in characters from 1 (the UTF-8 byte-order mark not counted),
// and the CSV field (0-based) and record (0 = the header) it falls in.
struct Place {
  size_t line = 1, column = 1, field = 0, record = 0;
  std::string field_name;  // the header's name of that field, when the header has it
};

// REQUIRES: data[0, offset) is UTF-8 (column counting skips continuation bytes).
Place place_of(std::string_view data, size_t offset) {
  Place p;
  std::vector<std::string> header(1);
  bool quoted = false, field_start = true, content = false;
  size_t line_start = starts_with(data, kUtf8Bom) ? kUtf8Bom.size() : 0;
  for (size_t i = line_start; i < offset; ++i) {
    const char c = data[i];
    const bool line_end = c == '\n' || (c == '\r' && (i + 1 >= data.size() || data[i + 1] != '\n'));
    if (line_end) {
      ++p.line;
      line_start = i + 1;
    }
    if (quoted) {
      if (c == '"') {
        if (i + 1 < offset && data[i + 1] == '"') {
          ++i;
        } else {
          quoted = false;
        }
      }
      if (p.record == 0) header.back().push_back(c);
      continue;
    }
    if (c == '"' && field_start) {
      quoted = content = true;
      field_start = false;
    } else if (c == ',') {
      ++p.field;
      field_start = content = true;
      if (p.record == 0) header.emplace_back();
    } else if (line_end) {
      // A record ends; blank lines (nothing but spaces) are not records (formats.md).
      if (content) ++p.record;
      if (p.record == 0) header.assign(1, std::string());
      p.field = 0;
      field_start = true;
      content = false;
    } else if (c != '\r') {
      field_start = false;
      content = content || (c != ' ' && c != '\t');
      if (p.record == 0) header.back().push_back(c);
    }
  }
  for (size_t i = line_start; i < offset; ++i) p.column += (byte_at(data, i) & 0xC0) != 0x80;
  if (p.record > 0 && p.field < header.size()) {
    std::string name = header[p.field];
    name.erase(std::remove(name.begin(), name.end(), '"'), name.end());
    const size_t b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
    p.field_name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
  }
  return p;
}

std::string where(const std::string& name, const Place& p) {
  std::string text = name + " line " + std::to_string(p.line) + ", column " +
                     std::to_string(p.column);
  if (p.record == 0) return text + " (in the header)";
  if (!p.field_name.empty()) return text + " (field '" + p.field_name + "')";
  return text;
}

// The length of the valid UTF-8 sequence at data[i], or 0 when none starts there.
size_t utf8_sequence(std::string_view data, size_t i) {
  const uint8_t b = byte_at(data, i);
  const size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > data.size()) return 0;
  return simdjson::validate_utf8(data.data() + i, n) ? n : 0;
}

// Windows-1252's characters for the bytes 0x80-0x9F (0: no character); 0xA0-0xFF are
// U+00A0-U+00FF, as in Latin-1.
constexpr uint16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The character byte `b` stands for in Windows-1252, as UTF-8; empty when it stands for none.
std::string windows_1252(uint8_t b) {
  const uint32_t cp = b < 0x80 ? b : b < 0xA0 ? kWindows1252High[b - 0x80] : b;
  std::string out;
  if (cp == 0) return out;
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
  return out;
}

// Called once validation failed: names the first byte sequence that is not UTF-8, and says
// whether the file looks like Windows-1252 (every such byte, alone, a character there).
Status not_utf8(std::string_view data, const std::string& name) {
  size_t first = data.size();
  bool windows = true, utf8_beyond_ascii = false;
  for (size_t i = 0; i < data.size();) {
    if (byte_at(data, i) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(data, i);
    if (n > 0) {
      utf8_beyond_ascii = utf8_beyond_ascii || !(i == 0 && starts_with(data, kUtf8Bom));
      i += n;
      continue;
    }
    if (first == data.size()) first = i;
    // A lead byte followed by continuation bytes is broken UTF-8 (cut or overlong), not
    // Windows-1252.
    const bool broken = byte_at(data, i) >= 0xC0 && i + 1 < data.size() &&
                        (byte_at(data, i + 1) & 0xC0) == 0x80;
    windows = windows && !broken && !windows_1252(byte_at(data, i)).empty();
    ++i;
  }
  if (first == data.size()) return Status();  // REQUIRES was broken: nothing to name
  const uint8_t b = byte_at(data, first);
  // The bytes a reader sees: the lead byte and the continuation bytes that follow it.
  std::string bytes = hex(b);
  size_t count = 1;
  while (count < 4 && first + count < data.size() && (byte_at(data, first + count) & 0xC0) == 0x80) {
    bytes.push_back(' ');
    bytes.append(hex(byte_at(data, first + count)));
    ++count;
  }
  std::string text = where(name, place_of(data, first)) + ": " +
                     (count == 1 ? "byte " + bytes + " is" : "bytes " + bytes + " are") +
                     " not UTF-8";
  if (windows) {
    text += utf8_beyond_ascii
                ? "; the file is partly UTF-8 and partly Windows-1252 text (there " + hex(b) +
                      " is '" + windows_1252(b) + "'), as when one program edited another's file"
                : "; the file looks like Windows-1252 (or Latin-1) text, where " + hex(b) +
                      " is '" + windows_1252(b) + "'";
  }
  return Status::invalid_argument(text + "; " + kSaveAsUtf8);
}

// A guess at UTF-16 without a byte-order mark: in the first 4 KiB of a master (an ASCII
// header), every other byte is 0.
const char* utf16_without_bom(std::string_view data) {
  const size_t pairs = std::min(data.size(), kSniffBytes) / 2;
  if (pairs < 2) return nullptr;
  size_t even = 0, odd = 0;
  for (size_t i = 0; i < pairs; ++i) {
    even += data[2 * i] == '\0';
    odd += data[2 * i + 1] == '\0';
  }
  if (2 * odd >= pairs && 8 * even < pairs) return "little-endian";
  if (2 * even >= pairs && 8 * odd < pairs) return "big-endian";
  return nullptr;
}

// The header line: the first line after the byte-order mark that is not blank. Sets
// *line to its number and *begin to its first byte.
std::string_view header_line(std::string_view data, size_t* line, size_t* begin) {
  size_t i = starts_with(data, kUtf8Bom) ? kUtf8Bom.size() : 0;
  *line = 1;
  while (i < data.size()) {
    size_t end = i;
    while (end < data.size() && data[end] != '\n' && data[end] != '\r') ++end;
    const std::string_view text = data.substr(i, end - i);
    if (text.find_first_not_of(" \t") != std::string_view::npos) {
      *begin = i;
      return text;
    }
    i = end + (end + 1 < data.size() && data[end] == '\r' && data[end + 1] == '\n' ? 2 : 1);
    ++*line;
  }
  *begin = data.size();
  return std::string_view();
}

// formats.md: fields are separated by commas. Refuses a header separated by ';', tabs or
// '|' (counted outside quotes), and Excel's "sep=;" first line.
Status check_separator(std::string_view data, const std::string& name) {
  size_t line = 1, begin = 0;
  const std::string_view header = header_line(data, &line, &begin);
  const std::string at_line = name + " line " + std::to_string(line);
  if (header.size() == 5 && (header.substr(0, 4) == "sep=" || header.substr(0, 4) == "SEP=")) {
    return Status::invalid_argument(
        at_line + ": '" + std::string(header) +
        "' is Excel's separator hint, not the header; delete that line and export with comma "
        "as the separator (CSV UTF-8 in Excel)");
  }
  const char kOthers[] = {';', '\t', '|'};
  size_t commas = 0, counts[3] = {0, 0, 0}, first[3] = {0, 0, 0};
  bool quoted = false;
  for (size_t i = 0; i < header.size(); ++i) {
    const char c = header[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++commas;
    for (int k = 0; k < 3; ++k) {
      if (c == kOthers[k] && counts[k]++ == 0) first[k] = i;
    }
  }
  const int k = int(std::max_element(counts, counts + 3) - counts);
  if (counts[k] <= commas) return Status();
  const Place p = place_of(data, begin + first[k]);
  const std::string at = at_line + ", column " + std::to_string(p.column);
  if (kOthers[k] == '\t') {
    return Status::invalid_argument(
        at + ": the header is separated by tabs, not commas (a tab-delimited text export); "
             "save it as CSV UTF-8 (comma delimited)");
  }
  const std::string sep(1, kOthers[k]);
  return Status::invalid_argument(at + ": the header is separated by '" + sep +
                                  "', not ','; export with comma as the separator (CSV UTF-8 "
                                  "(comma delimited) in Excel)");
}

// A NUL byte in the header line: binary data, or text in a 2- or 4-byte encoding.
Status check_nul_in_header(std::string_view data, const std::string& name) {
  size_t line = 1, begin = 0;
  const std::string_view header = header_line(data, &line, &begin);
  const size_t nul = header.find('\0');
  if (nul == std::string_view::npos) return Status();
  const Place p = place_of(data, begin + nul);
  return Status::invalid_argument(name + " line " + std::to_string(line) + ", column " +
                                  std::to_string(p.column) +
                                  ": a NUL byte in the header: the file is not UTF-8 text "
                                  "(binary, or UTF-16 or UTF-32); " + kSaveAsUtf8);
}

}  // namespace

Status check_file_shape(std::string_view data, const std::string& name) {
  if (data.empty()) return Status();
  // Byte-order marks and file signatures (UTF-32 before UTF-16: FF FE 00 00 starts with FF FE).
  struct Signature {
    std::string_view bytes;
    const char* what;
    bool text;  // a text encoding: "save it as UTF-8" follows
  };
  static constexpr Signature kSignatures[] = {
      {std::string_view("\xFF\xFE\x00\x00", 4), "is UTF-32 (little-endian)", true},
      {std::string_view("\x00\x00\xFE\xFF", 4), "is UTF-32 (big-endian)", true},
      {"\xFF\xFE", "is UTF-16 (little-endian)", true},
      {"\xFE\xFF", "is UTF-16 (big-endian)", true},
      {"PK\x03\x04",
       "is a ZIP archive (an Excel .xlsx or OpenDocument .ods workbook?), not CSV text; save "
       "the sheet as CSV UTF-8 (comma delimited)",
       false},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
       "is an Excel 97-2003 workbook (.xls), not CSV text; save the sheet as CSV UTF-8 (comma "
       "delimited)",
       false},
  };
  for (const Signature& s : kSignatures) {
    if (!starts_with(data, s.bytes)) continue;
    return Status::invalid_argument(name + ": the file " + s.what +
                                    (s.text ? std::string("; ") + kSaveAsUtf8 : std::string()));
  }
  if (const char* order = utf16_without_bom(data)) {
    return Status::invalid_argument(name + ": the file is UTF-16 (" + order +
                                    ", without a byte-order mark); " + kSaveAsUtf8);
  }
  if (Status s = check_nul_in_header(data, name); !s.ok()) return s;
  if (!simdjson::validate_utf8(data.data(), data.size())) return not_utf8(data, name);
  return check_separator(data, name);
}

}  // namespace vetan
