// Scenario: a what-if pay revision (whatif.md "Scenario file"): the months to project, the
// grouping of the cost table, and the changes that turn the baseline profile into the
// scenario's profile.
//
// Thread-safety: a Scenario is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/status.h"
#include "core/profile/profile.h"

namespace vetan {

// The columns a cost table may be grouped by (whatif.md).
enum class GroupColumn : uint8_t {
  kDepartment,
  kTreasuryCode,
  kDdoCode,
  kPayLevel,
  kFundType,
  kBudgetHead
};
inline constexpr int kGroupColumnCount = 6;
inline constexpr const char* kGroupColumnNames[kGroupColumnCount] = {
    "department", "treasury_code", "ddo_code", "pay_level", "fund_type", "budget_head"};

struct Scenario {
  std::string name;
  Month from = 0, to = 0;
  std::vector<GroupColumn> group_by;
  bool increments = false;
  Profile profile;  // the baseline with the changes applied, validated
};

// Parses scenario JSON: one scenario object, or a list of them. Each scenario's changes are
// applied in order to the baseline profile given as its JSON text (whatif.md "Changes"),
// and the result is validated like any profile. Requires as_of <= from <= to. On failure
// the message names the scenario, the key and the problem, e.g.
// "scenario: changes[1].pay_matrix_revision.fitment_factor must be positive with at most 4
// decimal places" (with "scenario[2]: ..." inside a list).
Status parse_scenarios(std::string_view json, std::string_view baseline_profile_json, Month as_of,
                       std::vector<Scenario>* scenarios);

}  // namespace vetan
