// The states of the monthly cycle's things (issue 3, issue 9 §1): bills, deduction
// proposals and runs, with the names they have in replies and in the audit trail.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string_view>

namespace vetan::cycle {

// rules §7 and README "REST": GENERATED -> CONFIRMED -> PASSED | OBJECTED; GENERATED or
// OBJECTED -> REJECTED; a run regenerates every bill of its month but CONFIRMED and PASSED
// ones, and withdraws (SUPERSEDED) a generated bill it no longer makes.
enum class BillState { kGenerated, kConfirmed, kPassed, kObjected, kRejected, kSuperseded };
inline constexpr int kBillStateCount = 6;
inline constexpr const char* kBillStateNames[kBillStateCount] = {
    "GENERATED", "CONFIRMED", "PASSED", "OBJECTED", "REJECTED", "SUPERSEDED"};

// What a DDO (confirm, reject) or a treasury (pass, object) does to a bill.
enum class BillVerb { kConfirm, kReject, kPass, kObject };
inline constexpr int kBillVerbCount = 4;
inline constexpr const char* kBillVerbNames[kBillVerbCount] = {"confirm", "reject", "pass", "object"};

// True iff a bill in CONFIRMED or PASSED state: its rows are paid for its month.
constexpr bool settles(BillState s) { return s == BillState::kConfirmed || s == BillState::kPassed; }
// True iff the treasury's DDO (not the treasury) does `verb`.
constexpr bool ddo_verb(BillVerb verb) { return verb == BillVerb::kConfirm || verb == BillVerb::kReject; }
// The state `verb` takes a bill in state `from` to; false when the cycle does not allow it.
bool bill_transition(BillState from, BillVerb verb, BillState* to);

enum class ProposalKind { kGpfSubscription, kIncomeTax };
inline constexpr const char* kProposalKindNames[2] = {"GPF_SUBSCRIPTION", "INCOME_TAX"};
enum class ProposalState { kPending, kApproved, kRejected };
inline constexpr const char* kProposalStateNames[3] = {"PENDING", "APPROVED", "REJECTED"};

enum class RunState { kRunning, kCompleted, kFailed, kInterrupted };
inline constexpr const char* kRunStateNames[4] = {"RUNNING", "COMPLETED", "FAILED", "INTERRUPTED"};

inline const char* name(BillState s) { return kBillStateNames[int(s)]; }
inline const char* name(BillVerb v) { return kBillVerbNames[int(v)]; }
inline const char* name(ProposalKind k) { return kProposalKindNames[int(k)]; }
inline const char* name(ProposalState s) { return kProposalStateNames[int(s)]; }
inline const char* name(RunState s) { return kRunStateNames[int(s)]; }

// Reads a name of the lists above; false when `text` is none of them.
bool parse_bill_state(std::string_view text, BillState* out);
bool parse_bill_verb(std::string_view text, BillVerb* out);
bool parse_proposal_kind(std::string_view text, ProposalKind* out);
bool parse_proposal_state(std::string_view text, ProposalState* out);

}  // namespace vetan::cycle
