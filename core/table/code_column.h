// CodeColumn: one dictionary code per row, stored in 16 bits while every code fits (the
// usual case: a state has hundreds of treasuries and pay levels, thousands of DDOs) and
// widened once, for the whole column, to 32 bits when a code does not.
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <cstdint>
#include <vector>

namespace vetan {

class CodeColumn {
 public:
  using Code = uint32_t;
  static constexpr Code kNarrowMax = UINT16_MAX;  // the largest code a narrow column holds

  Code operator[](size_t row) const { return wide_ ? wide_codes_[row] : narrow_codes_[row]; }
  size_t size() const { return wide_ ? wide_codes_.size() : narrow_codes_.size(); }
  bool empty() const { return size() == 0; }
  bool is_wide() const { return wide_; }

  void reserve(size_t rows) {
    if (wide_) {
      wide_codes_.reserve(rows);
    } else {
      narrow_codes_.reserve(rows);
    }
  }
  void push_back(Code code) {
    if (!wide_ && code > kNarrowMax) widen(narrow_codes_.capacity());
    if (wide_) {
      wide_codes_.push_back(code);
    } else {
      narrow_codes_.push_back(uint16_t(code));
    }
  }
  // Filling in place (loaders writing rows from several threads, each its own rows):
  // resize_narrow makes the column `rows` narrow zero codes; narrow_data() / wide_data()
  // point at the codes; widen_all() moves every code to 32 bits.
  void resize_narrow(size_t rows) {
    wide_ = false;
    std::vector<Code>().swap(wide_codes_);
    narrow_codes_.resize(rows);
  }
  uint16_t* narrow_data() { return narrow_codes_.data(); }
  Code* wide_data() { return wide_codes_.data(); }
  void widen_all() {
    if (!wide_) widen(narrow_codes_.size());
  }

  // Appends recode[other[i]] for every row i of `other` (joins chunks loaded in parallel,
  // each with its own dictionary). REQUIRES: every code of `other` < recode.size().
  void append_recoded(const CodeColumn& other, const std::vector<Code>& recode);

  size_t memory_bytes() const {
    return narrow_codes_.capacity() * sizeof(uint16_t) + wide_codes_.capacity() * sizeof(Code);
  }
  bool operator==(const CodeColumn& other) const;

 private:
  // Moves every code to 32 bits, keeping room for `capacity` rows.
  void widen(size_t capacity);

  bool wide_ = false;
  std::vector<uint16_t> narrow_codes_;
  std::vector<Code> wide_codes_;
};

}  // namespace vetan
