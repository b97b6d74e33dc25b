// gpf.md §7: the final-payment case (Form PF-9) as typed values. A case is the replay of its
// steps in order: each step is one audited event (who, when, what), checked by apply_pf9_step
// against the case's state and the actor's role, so the service, its replay and the tests
// share one set of rules. Nothing is ever removed: every step stays in the case's history.
//
//   DRAFT --lock--> SUBMITTED --return--> RETURNED --lock--> SUBMITTED
//   SUBMITTED --agree--> DDO_AGREED --sign--> DDO_SIGNED --forward--> FORWARDED
//   DDO_SIGNED --send_back--> SENT_BACK --agree--> DDO_AGREED
//   FORWARDED --initiate--> INITIATED --check--> CHECKED --approve--> AUTHORISED --pay--> PAID
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/common/status.h"
#include "core/gpf/gpf_ledger.h"

namespace vetan {

enum class Pf9State {
  kDraft, kSubmitted, kReturned, kDdoAgreed, kDdoSigned, kSentBack,
  kForwarded, kInitiated, kChecked, kAuthorised, kPaid,
};
inline constexpr int kPf9StateCount = 11;
inline constexpr std::string_view kPf9StateNames[kPf9StateCount] = {
    "DRAFT",     "SUBMITTED", "RETURNED", "DDO_AGREED", "DDO_SIGNED", "SENT_BACK",
    "FORWARDED", "INITIATED", "CHECKED",  "AUTHORISED", "PAID"};

// What a step does; the audit trail's action is "pf9." + its name.
enum class Pf9Action {
  kCreate, kEdit, kAttach, kLock, kReturn, kAgree, kSign, kForward, kSendBack,
  kInitiate, kCheck, kApprove, kPay,
};
inline constexpr int kPf9ActionCount = 13;
inline constexpr std::string_view kPf9ActionNames[kPf9ActionCount] = {
    "create",  "edit",      "attach",   "lock",  "return",  "agree", "sign",
    "forward", "send_back", "initiate", "check", "approve", "pay"};

// gpf.md §7 step 1: why the balance became payable.
enum class Pf9Reason { kRetirement, kQuit, kTransfer };
inline constexpr std::string_view kPf9ReasonNames[3] = {"RETIREMENT", "QUIT", "TRANSFER"};

// gpf.md §7 step 1: the mandatory documents, each a PDF.
enum class Pf9Document { kSignature, kIdentificationMarks, kAttestingOfficer };
inline constexpr int kPf9DocumentCount = 3;
inline constexpr std::string_view kPf9DocumentNames[kPf9DocumentCount] = {
    "SIGNATURE", "IDENTIFICATION_MARKS", "ATTESTING_OFFICER"};

// Who acts on a case: the subscriber, the DDO and Head of Office of its office, the AG's three
// officers, the treasury that pays it. `scope` is the employee id, DDO code or treasury code.
enum class Pf9Role {
  kEmployee, kDdo, kHeadOfOffice, kAgInitiator, kAgChecker, kAgApprover, kTreasury, kOther,
};
struct Pf9Actor {
  Pf9Role role = Pf9Role::kOther;
  std::string scope;
};

inline std::string_view name(Pf9State s) { return kPf9StateNames[int(s)]; }
inline std::string_view name(Pf9Action a) { return kPf9ActionNames[int(a)]; }
inline std::string_view name(Pf9Reason r) { return kPf9ReasonNames[int(r)]; }
inline std::string_view name(Pf9Document d) { return kPf9DocumentNames[int(d)]; }
bool parse_pf9_state(std::string_view text, Pf9State* out);
bool parse_pf9_action(std::string_view text, Pf9Action* out);
bool parse_pf9_reason(std::string_view text, Pf9Reason* out);
bool parse_pf9_document(std::string_view text, Pf9Document* out);

// A ledger line the DDO's Part II adds to the case (gpf.md §7 step 2): a final deduction
// (SUBSCRIPTION) or an advance, withdrawal or refund of the 12 months before leaving.
struct Pf9LedgerLine {
  Month month = 0;
  PostingKind kind = PostingKind::kSubscription;
  Money amount = 0;
  std::string reference;
};

// One step, as recorded. Fields a step does not use stay empty.
struct Pf9Step {
  Pf9Action action = Pf9Action::kCreate;
  Pf9Actor actor;
  int64_t seq = 0;  // the audit event's
  int64_t at = 0;   // unix seconds
  std::string case_id;
  // kCreate: the subscriber's master fields, copied by the service.
  std::string employee_id, gpf_account, ddo_code, treasury_code;
  // kCreate, kEdit: the application. Empty text / payable_month 0 in an edit: unchanged.
  bool has_reason = false;
  Pf9Reason reason = Pf9Reason::kRetirement;
  std::string bank_account, ifsc;
  Month payable_month = 0;
  // kAttach.
  Pf9Document document = Pf9Document::kSignature;
  std::string sha256;
  int64_t bytes = 0;
  // kLock: the application number the service issues at the first lock.
  std::string application_number;
  // kReturn, kSendBack: the remark; kInitiate, kCheck, kApprove: why the amount differs.
  std::string remark;
  // kAgree: Part II.
  std::vector<Pf9LedgerLine> part_two;
  // kInitiate, kCheck, kApprove: the amount set and the gpf.md §5 amount shown beside it.
  Money amount = 0;
  Money computed_amount = 0;
  // kPay: the treasury's voucher.
  std::string voucher;
};

struct Pf9Amount {
  Pf9State step = Pf9State::kInitiated;
  Money amount = 0, computed_amount = 0;
  std::string reason;
  int64_t at = 0;
};

struct Pf9Case {
  std::string case_id, application_number;
  std::string employee_id, gpf_account, ddo_code, treasury_code;
  Pf9State state = Pf9State::kDraft;
  Pf9Reason reason = Pf9Reason::kRetirement;
  std::string bank_account, ifsc;
  Month payable_month = 0;
  struct Document {
    std::string sha256;
    int64_t bytes = 0;
  };
  Document documents[kPf9DocumentCount];  // empty sha256: not uploaded
  bool has_part_two = false;
  std::vector<Pf9LedgerLine> part_two;
  std::vector<Pf9Amount> amounts;  // every amount an AG step set, in order
  std::string voucher;
  // Every step applied, with the state before it, in order.
  struct Entry {
    Pf9Step step;
    Pf9State from = Pf9State::kDraft, to = Pf9State::kDraft;
  };
  std::vector<Entry> history;

  // The approver's amount; REQUIRES: state is AUTHORISED or PAID.
  Money authorised_amount() const { return amounts.back().amount; }
};

// The role a step's action requires and, for scoped roles, whether `actor` is in the case's
// scope (its employee, its DDO office for DDO and Head of Office, its treasury).
bool pf9_actor_may(const Pf9Case& c, Pf9Action action, const Pf9Actor& actor);

// gpf.md §7: applies `step` to `c` (for kCreate, `c` is a new case). Fails, leaving `c`
// unchanged, when the state does not allow the action (conflict, "CASE_STATE"), the actor's
// role or scope may not do it (permission denied), or a field is wrong (invalid argument,
// naming the field): a lock without every document, bank account or IFSC; a remark missing
// from a return or send-back; Part II lines outside the 12 months before payable_month or of
// a kind other than SUBSCRIPTION, ADVANCE, WITHDRAWAL, REFUND; an AG amount below 0, or
// differing from the previous AG step's or the computed amount without a reason; a second
// payment (conflict, "ALREADY_PAID").
Status apply_pf9_step(const Pf9Step& step, Pf9Case* c);

// Cases by id; apply() creates a case at kCreate (a repeated id is a conflict).
class Pf9Book {
 public:
  Status apply(const Pf9Step& step);
  const Pf9Case* find(const std::string& case_id) const;
  const std::map<std::string, Pf9Case>& cases() const { return cases_; }

 private:
  std::map<std::string, Pf9Case> cases_;
};

// The IFSC's form: 4 letters, '0', 6 letters or digits.
bool valid_ifsc(std::string_view ifsc);

}  // namespace vetan
