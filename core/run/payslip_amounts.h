// PayslipAmounts: a run's payslip amounts, `columns` of them for every row, each held in 32
// signed bits (about 2^31 rupees, Rs 214 crore: every real payslip amount fits). The rare
// amount that does not fit, and the one equal to the sentinel INT32_MIN, is kept exactly on
// a side list sorted by (row * columns + column), read only where the stored value is the
// sentinel, as core/table/int_column.h does for the master's amounts. Money (int64) at every
// interface: amount(row, column) and PayslipRow::operator[] return the exact amount.
//
// Thread-safety: const methods may be called from many threads at once; store() from many
// threads for distinct rows (each thread gathering its own side amounts); set_wide() alone.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "core/common/money.h"

namespace vetan {

class PayslipAmounts;

// One row of PayslipAmounts, by value: `columns` amounts read as Money. Valid while the
// PayslipAmounts it came from lives and is not reset.
class PayslipRow {
 public:
  PayslipRow() = default;
  // The amount of `column`. REQUIRES: column < size().
  inline Money operator[](size_t column) const;
  size_t size() const { return columns_; }
  // The row's 32-bit cells, for prefetching only (a cell may be the side-list sentinel).
  const int32_t* cells() const { return narrow_; }

 private:
  friend class PayslipAmounts;
  PayslipRow(const PayslipAmounts* owner, const int32_t* narrow, uint64_t first, size_t columns)
      : owner_(owner), narrow_(narrow), first_(first), columns_(columns) {}

  const PayslipAmounts* owner_ = nullptr;
  const int32_t* narrow_ = nullptr;
  uint64_t first_ = 0;  // row * columns: the side-list index of the row's column 0
  size_t columns_ = 0;
};

class PayslipAmounts {
 public:
  // An amount that did not fit 32 bits: (row * columns + column, amount).
  using Wide = std::pair<uint64_t, Money>;
  static constexpr int32_t kWide = std::numeric_limits<int32_t>::min();

  // True iff `value` is held in its 32-bit cell (not on the side list).
  static bool fits(Money value) {
    return value > Money(kWide) && value <= Money(std::numeric_limits<int32_t>::max());
  }

  // Makes room for rows × columns amounts; their values are unspecified until every row is
  // stored and set_wide has been called. Drops any side list.
  void reset(size_t rows, size_t columns) {
    rows_ = rows;
    columns_ = columns;
    narrow_ = std::make_unique_for_overwrite<int32_t[]>(rows * columns);
    wide_.clear();
    wide_.shrink_to_fit();
  }

  size_t rows() const { return rows_; }
  size_t columns() const { return columns_; }

  // Stores row `row`'s amounts slip[0 .. columns). Each amount that does not fit is appended
  // to *wide (which may hold earlier rows' amounts); all of them, from every row and thread,
  // go to one set_wide call before the amounts are read. No allocation unless an amount
  // does not fit. REQUIRES: row < rows().
  void store(size_t row, const Money* slip, std::vector<Wide>* wide) {
    int32_t* cells = &narrow_[row * columns_];
    for (size_t c = 0; c < columns_; ++c) {
      const Money v = slip[c];
      if (fits(v)) {
        cells[c] = int32_t(v);
      } else {
        cells[c] = kWide;
        wide->emplace_back(uint64_t(row) * columns_ + c, v);
      }
    }
  }

  // Takes every amount store() put on the side, in any order (so the result does not depend
  // on how rows were split among threads), and sorts them. REQUIRES: `wide` holds exactly
  // the amounts store() found for the cells now holding kWide, each once.
  void set_wide(std::vector<Wide> wide) {
    std::sort(wide.begin(), wide.end());
    wide_ = std::move(wide);
    wide_.shrink_to_fit();
  }

  // The amount of `column` in row `row`. REQUIRES: row < rows(), column < columns().
  Money get(size_t row, size_t column) const {
    const uint64_t index = uint64_t(row) * columns_ + column;
    const int32_t v = narrow_[index];
    return v != kWide ? Money(v) : wide(index);
  }
  // Row `row`'s amounts. REQUIRES: row < rows().
  PayslipRow row(size_t row) const {
    const uint64_t first = uint64_t(row) * columns_;
    return PayslipRow(this, &narrow_[first], first, columns_);
  }

  // The amounts kept on the side list (those that do not fit 32 bits).
  size_t wide_count() const { return wide_.size(); }
  size_t memory_bytes() const {
    return rows_ * columns_ * sizeof(int32_t) + wide_.capacity() * sizeof(Wide);
  }

 private:
  friend class PayslipRow;

  Money wide(uint64_t index) const {
    auto it = std::lower_bound(wide_.begin(), wide_.end(), index,
                               [](const Wide& w, uint64_t i) { return w.first < i; });
    assert(it != wide_.end() && it->first == index);
    return it->second;
  }

  size_t rows_ = 0, columns_ = 0;
  std::unique_ptr<int32_t[]> narrow_;
  std::vector<Wide> wide_;  // sorted by index
};

inline Money PayslipRow::operator[](size_t column) const {
  const int32_t v = narrow_[column];
  return v != PayslipAmounts::kWide ? Money(v) : owner_->wide(first_ + column);
}

}  // namespace vetan
