#include "core/gpf/gpf_rates.h"

namespace vetan {

GpfRates::GpfRates(const std::vector<GpfInterestRate>& rates) {
  if (rates.empty()) return;
  first_ = rates.front().from;
  table_.assign(size_t(rates.back().from - first_ + 1), kNoRate);
  for (size_t i = 0; i < rates.size(); ++i) {
    const Month end = i + 1 < rates.size() ? rates[i + 1].from : rates[i].from + 1;
    for (Month m = rates[i].from; m < end; ++m) table_[size_t(m - first_)] = rates[i].percent;
  }
}

std::string gpf_percent_text(BasisPoints rate) {
  std::string text = std::to_string(rate / 100);
  if (rate % 100 == 0) return text;
  const int64_t hundredths = rate % 100;
  text += hundredths < 10 ? ".0" : ".";
  text += std::to_string(hundredths % 10 == 0 ? hundredths / 10 : hundredths);
  return text;
}

}  // namespace vetan
