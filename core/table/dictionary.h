// Dictionary: text values of a low-cardinality column (treasury, DDO, pay level …), each
// stored once and named by a dense uint32_t code in order of first appearance.
//
// Thread-safety: const methods may be called from many threads at once; add() may not.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/table/code_column.h"

namespace vetan {

class Dictionary {
 public:
  using Code = uint32_t;

  // Returns the code of `value`, adding it if it is new.
  Code add(std::string_view value) {
    if (slots_.empty()) rehash(16);
    const uint32_t h = hash(value);
    size_t slot = h & (slots_.size() - 1);
    for (; slots_[slot] != kEmptySlot; slot = (slot + 1) & (slots_.size() - 1)) {
      const Code code = slots_[slot];
      if (hashes_[code] == h && values_[code] == value) return code;
    }
    const Code code = static_cast<Code>(values_.size());
    values_.emplace_back(value);
    hashes_.push_back(h);
    slots_[slot] = code;
    if (2 * values_.size() > slots_.size()) rehash(2 * slots_.size());  // load <= 1/2
    return code;
  }
  // Returns true and sets *code iff `value` is in the dictionary.
  bool find(std::string_view value, Code* code) const {
    if (slots_.empty()) return false;
    const uint32_t h = hash(value);
    for (size_t slot = h & (slots_.size() - 1); slots_[slot] != kEmptySlot;
         slot = (slot + 1) & (slots_.size() - 1)) {
      const Code c = slots_[slot];
      if (hashes_[c] == h && values_[c] == value) {
        *code = c;
        return true;
      }
    }
    return false;
  }
  std::string_view value(Code code) const { return values_[code]; }
  size_t size() const { return values_.size(); }
  // Makes room for `count` values in all, so adding up to that many does not rehash.
  void reserve(size_t count) {
    size_t slots = 16;
    while (slots < 2 * count) slots *= 2;
    if (slots > slots_.size()) rehash(slots);
    hashes_.reserve(count);
  }

  // rank[code] orders the values by their bytes (for sorted output).
  std::vector<uint32_t> byte_order_ranks() const;

  // The hash the dictionary files `s` under: FNV-1a over 8-byte words, then a final mix,
  // so short codes (DDO, treasury, pay level) hash in a few instructions. Its top bits may
  // split values among several dictionaries (slots use the low bits).
  static uint32_t hash(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      h = (h ^ word) * 0x100000001b3ull;
    }
    // The tail's bytes as a zero-padded little-endian word. From a value of 8 bytes or more
    // it is read as the last 8 bytes, shifted: one load, where a short memcpy into a word
    // then read back stalls store forwarding (the same word either way).
    uint64_t tail = 0;
    if (i < s.size()) {
      if (s.size() >= 8) {
        std::memcpy(&tail, s.data() + s.size() - 8, 8);
        tail >>= 8 * (8 - (s.size() - i));
      } else {
        std::memcpy(&tail, s.data() + i, s.size() - i);
      }
    }
    h = (h ^ tail) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return uint32_t(h);
  }

 private:
  static constexpr Code kEmptySlot = UINT32_MAX;

  void rehash(size_t slots) {
    slots_.assign(slots, kEmptySlot);
    for (Code code = 0; code < values_.size(); ++code) {
      size_t slot = hashes_[code] & (slots - 1);
      while (slots_[slot] != kEmptySlot) slot = (slot + 1) & (slots - 1);
      slots_[slot] = code;
    }
  }

  std::deque<std::string> values_;  // a deque never moves its elements: views stay valid
  std::vector<uint32_t> hashes_;    // by code
  std::vector<Code> slots_;         // open addressing, linear probing; size a power of 2
};

// A column of dictionary codes (16 bits per row while the dictionary is small).
struct DictColumn {
  Dictionary dictionary;
  CodeColumn codes;

  std::string_view operator[](size_t row) const { return dictionary.value(codes[row]); }
  void push_back(std::string_view value) { codes.push_back(dictionary.add(value)); }
  // Appends `other`'s rows, re-coding them into this column's dictionary.
  void append(const DictColumn& other);
  // Makes this column `base` with some rows' values replaced: `values` holds (row, value),
  // rows ascending and distinct, each < base.codes.size(). Coded as a loader reading the
  // rows in order codes them, given `base` was: codes in order of first appearance, no value
  // that no row holds (so a column whose replaced values all equal the base's is a copy,
  // any other is re-coded row by row).
  void assign_replaced(const DictColumn& base,
                       const std::vector<std::pair<uint32_t, std::string_view>>& values);
};

}  // namespace vetan
