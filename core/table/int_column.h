// Whole numbers of the master (amounts, pay cells), at most 12 digits, in a narrow type per
// row: IntColumn holds 32 bits; SmallIntColumn 8 bits (pay cells); HundredsColumn 16 bits
// counting hundreds (matrix amounts, which are multiples of 100 in every pay matrix). The
// rare value that does not fit (too large, or not a multiple of the scale) is kept exactly
// in a side list sorted by row, so reads stay exact whatever the values.
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace vetan {

// Values that do not fit a PackedIntColumn's narrow type: (row, value), sorted by row.
using WideValues = std::vector<std::pair<uint32_t, int64_t>>;

template <typename Narrow, int64_t kScale>
class PackedIntColumn {
 public:
  int64_t operator[](size_t row) const {
    const Narrow v = narrow_[row];
    return v != kWide ? int64_t(v) * kScale : wide(row);
  }
  size_t size() const { return narrow_.size(); }
  void reserve(size_t rows) { narrow_.reserve(rows); }
  // REQUIRES: value >= 0.
  void push_back(int64_t value) {
    if (value % kScale == 0 && value / kScale < int64_t(kWide)) {
      narrow_.push_back(Narrow(value / kScale));
    } else {
      wide_.emplace_back(uint32_t(narrow_.size()), value);
      narrow_.push_back(kWide);
    }
  }
  // Filling in place (loaders writing rows from several threads, each its own rows):
  // resize(rows) makes `rows` zero values and no wide ones; set(row, value, wide) stores
  // the row's value, or marks it wide and appends (row, value) to *wide, which the caller
  // then hands to append_wide, all lists in row order, once every row is set.
  void resize(size_t rows) {
    narrow_.resize(rows);
    wide_.clear();
  }
  // REQUIRES: row < size(), value >= 0.
  void set(size_t row, int64_t value, WideValues* wide) {
    if (value % kScale == 0 && value / kScale < int64_t(kWide)) {
      narrow_[row] = Narrow(value / kScale);
    } else {
      wide->emplace_back(uint32_t(row), value);
      narrow_[row] = kWide;
    }
  }
  void append_wide(const WideValues& wide) { wide_.insert(wide_.end(), wide.begin(), wide.end()); }

  // Appends every value of `other` (used to join chunks loaded in parallel).
  void append(const PackedIntColumn& other) {
    const uint32_t base = uint32_t(narrow_.size());
    narrow_.insert(narrow_.end(), other.narrow_.begin(), other.narrow_.end());
    for (const auto& [row, value] : other.wide_) wide_.emplace_back(base + row, value);
  }
  // Makes this column `base` with some rows' values replaced: `values` holds (row, value),
  // rows ascending and distinct, each < base.size(), values >= 0. The column is then what
  // pushing every row's value in order gives (the same narrow values and wide list).
  void assign_replaced(const PackedIntColumn& base, const WideValues& values) {
    narrow_ = base.narrow_;
    WideValues wide;
    wide.reserve(base.wide_.size() + values.size());
    size_t i = 0;  // into base.wide_
    for (const auto& [row, value] : values) {
      for (; i < base.wide_.size() && base.wide_[i].first < row; ++i) wide.push_back(base.wide_[i]);
      if (i < base.wide_.size() && base.wide_[i].first == row) ++i;  // replaced
      set(row, value, &wide);
    }
    wide.insert(wide.end(), base.wide_.begin() + ptrdiff_t(i), base.wide_.end());
    wide_ = std::move(wide);
  }
  size_t memory_bytes() const {
    return narrow_.capacity() * sizeof(Narrow) + wide_.capacity() * sizeof(wide_[0]);
  }
  bool operator==(const PackedIntColumn& other) const {
    return narrow_ == other.narrow_ && wide_ == other.wide_;
  }

 private:
  static constexpr Narrow kWide = std::numeric_limits<Narrow>::max();

  int64_t wide(size_t row) const {
    auto it = std::lower_bound(wide_.begin(), wide_.end(), row,
                               [](const std::pair<uint32_t, int64_t>& w, size_t r) { return w.first < r; });
    return it->second;
  }

  std::vector<Narrow> narrow_;
  WideValues wide_;  // (row, value), sorted by row
};

using IntColumn = PackedIntColumn<uint32_t, 1>;
using SmallIntColumn = PackedIntColumn<uint8_t, 1>;
using HundredsColumn = PackedIntColumn<uint16_t, 100>;

}  // namespace vetan
