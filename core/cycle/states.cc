#include "core/cycle/states.h"

namespace vetan::cycle {

namespace {
template <typename Enum, size_t N>
bool parse_name(std::string_view text, const char* const (&names)[N], Enum* out) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) {
      *out = Enum(i);
      return true;
    }
  }
  return false;
}
}  // namespace

bool bill_transition(BillState from, BillVerb verb, BillState* to) {
  switch (verb) {
    case BillVerb::kConfirm: *to = BillState::kConfirmed; return from == BillState::kGenerated;
    case BillVerb::kReject:
      *to = BillState::kRejected;
      return from == BillState::kGenerated || from == BillState::kObjected;
    case BillVerb::kPass: *to = BillState::kPassed; return from == BillState::kConfirmed;
    case BillVerb::kObject: *to = BillState::kObjected; return from == BillState::kConfirmed;
  }
  return false;
}

bool parse_bill_state(std::string_view text, BillState* out) { return parse_name(text, kBillStateNames, out); }
bool parse_bill_verb(std::string_view text, BillVerb* out) { return parse_name(text, kBillVerbNames, out); }
bool parse_proposal_kind(std::string_view text, ProposalKind* out) {
  return parse_name(text, kProposalKindNames, out);
}
bool parse_proposal_state(std::string_view text, ProposalState* out) {
  return parse_name(text, kProposalStateNames, out);
}

}  // namespace vetan::cycle
