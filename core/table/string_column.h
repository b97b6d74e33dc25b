// StringColumn: a column of text values stored back to back in one byte arena, with one
// offset per row (value i is bytes[offsets[i], offsets[i+1])). Used for text that is
// nearly unique per row (ids, names, account numbers), where a dictionary would not help.
//
// Offsets are 32-bit: a column holds at most 4 GiB of text (loaders refuse more).
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vetan {

class StringColumn {
 public:
  StringColumn() { offsets_.push_back(0); }

  size_t size() const { return offsets_.size() - 1; }
  std::string_view operator[](size_t row) const {
    return std::string_view(bytes_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  void push_back(std::string_view value) {
    bytes_.append(value.data(), value.size());
    offsets_.push_back(uint32_t(bytes_.size()));
  }
  // True iff `more` bytes still fit under the 4 GiB limit.
  bool can_hold(size_t more) const { return bytes_.size() + more <= kMaxBytes; }
  static constexpr size_t kMaxBytes = UINT32_MAX;
  void reserve(size_t rows, size_t bytes) {
    offsets_.reserve(rows + 1);
    bytes_.reserve(bytes);
  }
  // Appends every value of `other` (used to join chunks loaded in parallel).
  void append(const StringColumn& other);
  // Makes this column the values of `parts` in order (emptying them), copying the parts in
  // parallel. REQUIRES: their bytes add up to at most kMaxBytes.
  void assign_parts(const std::vector<StringColumn*>& parts);
  // Makes this column `base` with some rows' values replaced: `values` holds (row, value),
  // rows ascending and distinct, each < base.size(); the rows between are copied in runs.
  // Fails (returns false, leaving the column unspecified) when the bytes would exceed
  // kMaxBytes.
  bool assign_replaced(const StringColumn& base,
                       const std::vector<std::pair<uint32_t, std::string_view>>& values);
  size_t byte_size() const { return bytes_.size(); }
  size_t memory_bytes() const {
    return offsets_.capacity() * sizeof(uint32_t) + bytes_.capacity();
  }

 private:
  std::vector<uint32_t> offsets_;
  std::string bytes_;
};

}  // namespace vetan
