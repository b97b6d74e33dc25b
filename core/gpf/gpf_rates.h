// GpfRates: the GPF interest rate in force for each month (gpf.md §1, profile key
// gpf.interest), looked up in constant time by the FY walk.
//
// Thread-safety: const methods may be called from many threads at once.
#pragma once

#include <string>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/profile/profile.h"

namespace vetan {

class GpfRates {
 public:
  static constexpr BasisPoints kNoRate = -1;

  GpfRates() = default;
  // REQUIRES: `rates` sorted by `from`, no two alike (validate_profile checks it).
  explicit GpfRates(const std::vector<GpfInterestRate>& rates);

  // The rate in force for `month` (the last `from` on or before it), or kNoRate.
  BasisPoints at(Month month) const {
    if (table_.empty() || month < first_) return kNoRate;
    const size_t i = size_t(month - first_);
    return i < table_.size() ? table_[i] : table_.back();
  }
  bool empty() const { return table_.empty(); }

 private:
  Month first_ = 0;
  std::vector<BasisPoints> table_;  // by month from first_ to the last `from`
};

// gpf.md §4: a rate as percent in its shortest decimal form: 710 -> "7.1", 800 -> "8",
// 725 -> "7.25".
std::string gpf_percent_text(BasisPoints rate);

}  // namespace vetan
