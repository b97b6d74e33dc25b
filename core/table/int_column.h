// IntColumn: whole numbers of the master (amounts, pay cells), at most 12 digits, stored in
// 32 bits per row. The rare value that does not fit (>= 2^32 - 1, e.g. a year's gross in
// the tens of crores) is kept exactly in a side list sorted by row, so reads stay exact.
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace vetan {

class IntColumn {
 public:
  int64_t operator[](size_t row) const {
    const uint32_t v = narrow_[row];
    return v != kWide ? int64_t(v) : wide(row);
  }
  size_t size() const { return narrow_.size(); }
  void reserve(size_t rows) { narrow_.reserve(rows); }
  // REQUIRES: value >= 0.
  void push_back(int64_t value) {
    if (value < int64_t(kWide)) {
      narrow_.push_back(uint32_t(value));
    } else {
      wide_.emplace_back(uint32_t(narrow_.size()), value);
      narrow_.push_back(kWide);
    }
  }
  // Appends every value of `other` (used to join chunks loaded in parallel).
  void append(const IntColumn& other) {
    const uint32_t base = uint32_t(narrow_.size());
    narrow_.insert(narrow_.end(), other.narrow_.begin(), other.narrow_.end());
    for (const auto& [row, value] : other.wide_) wide_.emplace_back(base + row, value);
  }
  size_t memory_bytes() const {
    return narrow_.capacity() * sizeof(uint32_t) + wide_.capacity() * sizeof(wide_[0]);
  }
  bool operator==(const IntColumn& other) const {
    return narrow_ == other.narrow_ && wide_ == other.wide_;
  }

 private:
  static constexpr uint32_t kWide = UINT32_MAX;

  int64_t wide(size_t row) const {
    auto it = std::lower_bound(wide_.begin(), wide_.end(), row,
                               [](const std::pair<uint32_t, int64_t>& w, size_t r) { return w.first < r; });
    return it->second;
  }

  std::vector<uint32_t> narrow_;
  std::vector<std::pair<uint32_t, int64_t>> wide_;  // (row, value), sorted by row
};

}  // namespace vetan
