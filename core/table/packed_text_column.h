// PackedTextColumn: text of one well-known shape (PAN, IFSC, account numbers) packed into
// 64 bits per row. A value of the shape has a code (the empty value has code 0); any other
// value (a typo, lower-case letters left by a loader, Devanagari) is kept byte for byte in a
// side list sorted by row, so every value reads back exactly as it was stored.
//
// The codecs are bijections between the shape and their codes, and each shape contains the
// values that rules §2 step 3 calls valid, so a packed code also answers "is it valid?"
// without decoding (see the codecs' comments).
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/table/string_column.h"

namespace vetan {

// A value read from a PackedTextColumn: holds its bytes, or points into the column's side
// list. Converts to std::string_view; the view is valid while this object (and the column)
// is, so use it within the expression or copy it (std::string(t.pan[r])).
class TextValue {
 public:
  static constexpr size_t kInlineBytes = 24;

  TextValue() = default;
  explicit TextValue(std::string_view external)
      : external_(external.data()), size_(external.size()) {}

  std::string_view view() const {
    return std::string_view(external_ != nullptr ? external_ : inline_, size_);
  }
  operator std::string_view() const { return view(); }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  friend bool operator==(const TextValue& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const TextValue& a, const TextValue& b) { return a.view() == b.view(); }

  // For codecs: the inline buffer to decode into.
  char* buffer() { return inline_; }
  void set_size(size_t size) { size_ = size; }

 private:
  const char* external_ = nullptr;
  size_t size_ = 0;
  char inline_[kInlineBytes]{};
};

// A codec maps a value of its shape to a code in [1, kSideCode) (0 is the empty value) and
// back. encode returns false for a value not of its shape.

// PAN: 5 letters A-Z, 4 digits, 1 letter (exactly the valid PANs of rules §2 step 3).
struct PanCodec {
  static bool encode(std::string_view s, uint64_t* code);
  static size_t decode(uint64_t code, char* out);  // returns the size (10)
};

// IFSC: 4 letters A-Z, the digit 0, 6 letters A-Z or digits (exactly the valid IFSCs).
struct IfscCodec {
  static bool encode(std::string_view s, uint64_t* code);
  static size_t decode(uint64_t code, char* out);  // returns the size (11)
};

// Digits: 1 to 19 ASCII digits, leading zeros kept. Codes run through the lengths in turn
// (code = value + 11…1 with as many ones as digits), so a code names its length:
// from(9) <= code < from(19) holds exactly for the valid bank accounts (9 to 18 digits).
// The largest code, from(20) - 1, is below 2^64 - 1.
struct DigitsCodec {
  static constexpr int kMaxDigits = 19;
  // kDigitsFrom[n]: the first code of an n-digit value (n ones in decimal).
  static constexpr uint64_t from(int digits) {
    uint64_t ones = 0;
    for (int i = 0; i < digits; ++i) ones = ones * 10 + 1;
    return ones;
  }
  static bool encode(std::string_view s, uint64_t* code);
  static size_t decode(uint64_t code, char* out);
};

inline bool is_packable_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_packable_digit(char c) { return c >= '0' && c <= '9'; }

inline bool PanCodec::encode(std::string_view s, uint64_t* code) {
  if (s.size() != 10) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 10; ++i) {
    const char c = s[i];
    if (i < 5 || i == 9) {
      if (!is_packable_upper(c)) return false;
      v = v * 26 + uint64_t(c - 'A');
    } else {
      if (!is_packable_digit(c)) return false;
      v = v * 10 + uint64_t(c - '0');
    }
  }
  *code = v + 1;
  return true;
}

inline size_t PanCodec::decode(uint64_t code, char* out) {
  uint64_t v = code - 1;
  for (size_t k = 10; k-- > 0;) {
    if (k < 5 || k == 9) {
      out[k] = char('A' + v % 26);
      v /= 26;
    } else {
      out[k] = char('0' + v % 10);
      v /= 10;
    }
  }
  return 10;
}

inline bool IfscCodec::encode(std::string_view s, uint64_t* code) {
  if (s.size() != 11 || s[4] != '0') return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (!is_packable_upper(s[i])) return false;
    v = v * 26 + uint64_t(s[i] - 'A');
  }
  for (size_t i = 5; i < 11; ++i) {
    const char c = s[i];
    if (is_packable_digit(c)) {
      v = v * 36 + uint64_t(c - '0');
    } else if (is_packable_upper(c)) {
      v = v * 36 + uint64_t(c - 'A' + 10);
    } else {
      return false;
    }
  }
  *code = v + 1;
  return true;
}

inline size_t IfscCodec::decode(uint64_t code, char* out) {
  uint64_t v = code - 1;
  for (size_t k = 11; k-- > 5;) {
    const uint64_t d = v % 36;
    v /= 36;
    out[k] = d < 10 ? char('0' + d) : char('A' + (d - 10));
  }
  out[4] = '0';
  for (size_t k = 4; k-- > 0;) {
    out[k] = char('A' + v % 26);
    v /= 26;
  }
  return 11;
}

inline bool DigitsCodec::encode(std::string_view s, uint64_t* code) {
  if (s.empty() || s.size() > size_t(kMaxDigits)) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_packable_digit(c)) return false;
    v = v * 10 + uint64_t(c - '0');
  }
  *code = v + from(int(s.size()));
  return true;
}

inline size_t DigitsCodec::decode(uint64_t code, char* out) {
  int digits = 1;
  uint64_t first = 1, next = 11;  // from(digits), from(digits + 1)
  while (digits < kMaxDigits && code >= next) {
    first = next;
    next = next * 10 + 1;
    ++digits;
  }
  uint64_t v = code - first;
  for (int k = digits; k-- > 0;) {
    out[k] = char('0' + v % 10);
    v /= 10;
  }
  return size_t(digits);
}

// Values that do not fit a PackedTextColumn's codec, for filling in place: their rows,
// ascending, and their text in the same order.
struct SideValues {
  std::vector<uint32_t> rows;
  StringColumn text;
};

template <typename Codec>
class PackedTextColumn {
 public:
  // The code of a row whose value is in the side list.
  static constexpr uint64_t kSideCode = UINT64_MAX;

  size_t size() const { return codes_.size(); }
  // The row's value, exactly as it was pushed.
  TextValue operator[](size_t row) const {
    const uint64_t code = codes_[row];
    if (code == kSideCode) return TextValue(side_value(row));
    TextValue value;
    if (code != 0) value.set_size(Codec::decode(code, value.buffer()));
    return value;
  }
  // 0 for the empty value, kSideCode for a value not of the codec's shape, else its code.
  uint64_t code(size_t row) const { return codes_[row]; }

  void push_back(std::string_view value) {
    uint64_t code = 0;
    if (value.empty() || Codec::encode(value, &code)) {
      codes_.push_back(code);
      return;
    }
    side_rows_.push_back(uint32_t(codes_.size()));
    side_text_.push_back(value);
    codes_.push_back(kSideCode);
  }
  void reserve(size_t rows) { codes_.reserve(rows); }
  // Filling in place (loaders writing rows from several threads, each its own rows):
  // resize(rows) makes `rows` empty values; set(row, value, side) stores the row's value,
  // or marks it a side value and appends it to *side, which the caller then hands to
  // append_side, all lists in row order, once every row is set.
  void resize(size_t rows) {
    codes_.resize(rows);
    side_rows_.clear();
    side_text_ = StringColumn();
  }
  // REQUIRES: row < size().
  void set(size_t row, std::string_view value, SideValues* side) {
    uint64_t code = 0;
    if (value.empty() || Codec::encode(value, &code)) {
      codes_[row] = code;
      return;
    }
    side->rows.push_back(uint32_t(row));
    side->text.push_back(value);
    codes_[row] = kSideCode;
  }
  void append_side(const SideValues& side) {
    side_rows_.insert(side_rows_.end(), side.rows.begin(), side.rows.end());
    side_text_.append(side.text);
  }
  // Bytes of the values in the side list (at most StringColumn::kMaxBytes).
  size_t side_bytes() const { return side_text_.byte_size(); }
  // Appends every value of `other` (used to join chunks loaded in parallel).
  void append(const PackedTextColumn& other) {
    const uint32_t base = uint32_t(codes_.size());
    codes_.insert(codes_.end(), other.codes_.begin(), other.codes_.end());
    for (uint32_t row : other.side_rows_) side_rows_.push_back(base + row);
    side_text_.append(other.side_text_);
  }
  // Makes this column `base` with some rows' values replaced: `values` holds (row, value),
  // rows ascending and distinct, each < base.size(). The column is then what pushing every
  // row's value in order gives (the same codes and side list). Fails (returns false,
  // leaving the column unspecified) when the side list would exceed StringColumn::kMaxBytes.
  bool assign_replaced(const PackedTextColumn& base,
                       const std::vector<std::pair<uint32_t, std::string_view>>& values) {
    codes_ = base.codes_;
    SideValues side;
    size_t more = 0;
    for (const auto& entry : values) more += entry.second.size();
    if (!base.side_text_.can_hold(more)) return false;
    side.rows.reserve(base.side_rows_.size() + values.size());
    side.text.reserve(base.side_rows_.size() + values.size(), base.side_text_.byte_size() + more);
    size_t i = 0;  // into base's side list
    for (const auto& [row, value] : values) {
      for (; i < base.side_rows_.size() && base.side_rows_[i] < row; ++i) {
        side.rows.push_back(base.side_rows_[i]);
        side.text.push_back(base.side_text_[i]);
      }
      if (i < base.side_rows_.size() && base.side_rows_[i] == row) ++i;  // replaced
      set(row, value, &side);
    }
    for (; i < base.side_rows_.size(); ++i) {
      side.rows.push_back(base.side_rows_[i]);
      side.text.push_back(base.side_text_[i]);
    }
    side_rows_ = std::move(side.rows);
    side_text_ = std::move(side.text);
    return true;
  }
  bool operator==(const PackedTextColumn& other) const {
    if (codes_ != other.codes_ || side_rows_ != other.side_rows_) return false;
    for (size_t i = 0; i < side_rows_.size(); ++i) {
      if (side_text_[i] != other.side_text_[i]) return false;
    }
    return true;
  }
  size_t side_count() const { return side_rows_.size(); }
  size_t memory_bytes() const {
    return codes_.capacity() * sizeof(uint64_t) + side_rows_.capacity() * sizeof(uint32_t) +
           side_text_.memory_bytes();
  }

 private:
  std::string_view side_value(size_t row) const {
    const auto it = std::lower_bound(side_rows_.begin(), side_rows_.end(), uint32_t(row));
    return side_text_[size_t(it - side_rows_.begin())];
  }

  std::vector<uint64_t> codes_;
  std::vector<uint32_t> side_rows_;  // rows whose code is kSideCode, ascending
  StringColumn side_text_;           // their values, in the same order
};

using PanColumn = PackedTextColumn<PanCodec>;
using IfscColumn = PackedTextColumn<IfscCodec>;
using DigitsColumn = PackedTextColumn<DigitsCodec>;

}  // namespace vetan
