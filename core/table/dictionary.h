// Dictionary: text values of a low-cardinality column (treasury, DDO, pay level …), each
// stored once and named by a dense uint32_t code in order of first appearance.
//
// Thread-safety: const methods may be called from many threads at once; add() may not.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/table/code_column.h"

namespace vetan {

class Dictionary {
 public:
  using Code = uint32_t;

  // Returns the code of `value`, adding it if it is new.
  Code add(std::string_view value) {
    auto it = index_.find(value);
    if (it != index_.end()) return it->second;
    values_.emplace_back(value);
    const Code code = static_cast<Code>(values_.size() - 1);
    index_.emplace(std::string_view(values_.back()), code);
    return code;
  }
  // Returns true and sets *code iff `value` is in the dictionary.
  bool find(std::string_view value, Code* code) const {
    auto it = index_.find(value);
    if (it == index_.end()) return false;
    *code = it->second;
    return true;
  }
  std::string_view value(Code code) const { return values_[code]; }
  size_t size() const { return values_.size(); }

  // rank[code] orders the values by their bytes (for sorted output).
  std::vector<uint32_t> byte_order_ranks() const;

 private:
  std::deque<std::string> values_;  // a deque never moves its elements: views stay valid
  std::unordered_map<std::string_view, Code> index_;
};

// A column of dictionary codes (16 bits per row while the dictionary is small).
struct DictColumn {
  Dictionary dictionary;
  CodeColumn codes;

  std::string_view operator[](size_t row) const { return dictionary.value(codes[row]); }
  void push_back(std::string_view value) { codes.push_back(dictionary.add(value)); }
  // Appends `other`'s rows, re-coding them into this column's dictionary.
  void append(const DictColumn& other);
};

}  // namespace vetan
