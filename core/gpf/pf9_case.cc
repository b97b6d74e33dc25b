#include "core/gpf/pf9_case.h"

#include <cctype>

namespace vetan {

namespace {

template <typename E, size_t N>
bool parse_name(std::string_view text, const std::string_view (&names)[N], E* out) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) {
      *out = E(i);
      return true;
    }
  }
  return false;
}

// The state `action` takes a case in `from` to; false when §7 does not allow it there.
bool pf9_transition(Pf9State from, Pf9Action action, Pf9State* to) {
  using S = Pf9State;
  using A = Pf9Action;
  const auto go = [&](S s) {
    *to = s;
    return true;
  };
  switch (action) {
    case A::kCreate: return false;  // only a new case
    case A::kEdit:
    case A::kAttach:
      if (from == S::kDraft || from == S::kReturned) return go(from);
      return false;
    case A::kLock:
      if (from == S::kDraft || from == S::kReturned) return go(S::kSubmitted);
      return false;
    case A::kReturn:
      if (from == S::kSubmitted) return go(S::kReturned);
      return false;
    case A::kAgree:
      if (from == S::kSubmitted || from == S::kSentBack) return go(S::kDdoAgreed);
      return false;
    case A::kSign:
      if (from == S::kDdoAgreed) return go(S::kDdoSigned);
      return false;
    case A::kForward:
      if (from == S::kDdoSigned) return go(S::kForwarded);
      return false;
    case A::kSendBack:
      if (from == S::kDdoSigned) return go(S::kSentBack);
      return false;
    case A::kInitiate:
      if (from == S::kForwarded) return go(S::kInitiated);
      return false;
    case A::kCheck:
      if (from == S::kInitiated) return go(S::kChecked);
      return false;
    case A::kApprove:
      if (from == S::kChecked) return go(S::kAuthorised);
      return false;
    case A::kPay:
      if (from == S::kAuthorised) return go(S::kPaid);
      return false;
  }
  return false;
}

Status check_application(const Pf9Case& c) {
  if (c.bank_account.empty()) return Status::invalid_argument("field 'bank_account' is required to lock the application");
  if (!valid_ifsc(c.ifsc)) return Status::invalid_argument("field 'ifsc' must be 4 letters, '0' and 6 letters or digits");
  if (c.payable_month == 0) return Status::invalid_argument("field 'payable_month' is required to lock the application");
  for (int d = 0; d < kPf9DocumentCount; ++d) {
    if (c.documents[d].sha256.empty()) {
      return Status::invalid_argument("document " + std::string(name(Pf9Document(d))) +
                                      " is mandatory (gpf.md §7 step 1)");
    }
  }
  return Status();
}

// gpf.md §7 step 2: final deductions and the advances, withdrawals and refunds of the 12
// months before the subscriber left (payable_month - 12 .. payable_month).
Status check_part_two(const Pf9Case& c, const std::vector<Pf9LedgerLine>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    const Pf9LedgerLine& l = lines[i];
    const std::string where = "part_two line " + std::to_string(i + 1) + ": ";
    if (l.kind != PostingKind::kSubscription && l.kind != PostingKind::kAdvance &&
        l.kind != PostingKind::kWithdrawal && l.kind != PostingKind::kRefund) {
      return Status::invalid_argument(where + "kind must be SUBSCRIPTION, ADVANCE, WITHDRAWAL or REFUND");
    }
    if (l.amount <= 0 || l.amount >= Money(1000000000000)) {
      return Status::invalid_argument(where + "amount must be 1..999999999999 rupees");
    }
    if (l.month > c.payable_month || l.month < c.payable_month - 12) {
      return Status::invalid_argument(where + "month must be within the 12 months before payable_month");
    }
  }
  return Status();
}

// An AG step's amount: a reason is needed when it differs from the previous AG step's
// amount or from the gpf.md §5 amount shown beside it.
Status check_amount(const Pf9Case& c, const Pf9Step& step) {
  if (step.amount < 0 || step.amount >= Money(1000000000000)) {
    return Status::invalid_argument("field 'amount' must be 0..999999999999 rupees");
  }
  const bool differs_from_previous = !c.amounts.empty() && c.amounts.back().amount != step.amount;
  if ((differs_from_previous || step.amount != step.computed_amount) && step.remark.empty()) {
    return Status::invalid_argument("field 'reason' is required: the amount " + std::to_string(step.amount) +
                                        " differs from " +
                                        (differs_from_previous ? "the previous step's " + std::to_string(c.amounts.back().amount)
                                                               : "the computed " + std::to_string(step.computed_amount)),
                                    "REASON_REQUIRED");
  }
  return Status();
}

}  // namespace

bool parse_pf9_state(std::string_view text, Pf9State* out) { return parse_name(text, kPf9StateNames, out); }
bool parse_pf9_action(std::string_view text, Pf9Action* out) { return parse_name(text, kPf9ActionNames, out); }
bool parse_pf9_reason(std::string_view text, Pf9Reason* out) { return parse_name(text, kPf9ReasonNames, out); }
bool parse_pf9_document(std::string_view text, Pf9Document* out) { return parse_name(text, kPf9DocumentNames, out); }

bool valid_ifsc(std::string_view ifsc) {
  if (ifsc.size() != 11 || ifsc[4] != '0') return false;
  for (size_t i = 0; i < 11; ++i) {
    const unsigned char ch = static_cast<unsigned char>(ifsc[i]);
    if (i < 4 ? !std::isupper(ch) : !(std::isupper(ch) || std::isdigit(ch))) return false;
  }
  return true;
}

bool pf9_actor_may(const Pf9Case& c, Pf9Action action, const Pf9Actor& actor) {
  using A = Pf9Action;
  using R = Pf9Role;
  switch (action) {
    case A::kCreate:
    case A::kEdit:
    case A::kAttach:
    case A::kLock: return actor.role == R::kEmployee && actor.scope == c.employee_id;
    case A::kReturn:
    case A::kAgree:
    case A::kSign: return actor.role == R::kDdo && actor.scope == c.ddo_code;
    case A::kForward:
    case A::kSendBack: return actor.role == R::kHeadOfOffice && actor.scope == c.ddo_code;
    case A::kInitiate: return actor.role == R::kAgInitiator;
    case A::kCheck: return actor.role == R::kAgChecker;
    case A::kApprove: return actor.role == R::kAgApprover;
    case A::kPay: return actor.role == R::kTreasury && actor.scope == c.treasury_code;
  }
  return false;
}

Status apply_pf9_step(const Pf9Step& step, Pf9Case* out) {
  using A = Pf9Action;
  Pf9Case c = step.action == A::kCreate ? Pf9Case() : *out;
  if (step.action == A::kCreate) {
    if (step.case_id.empty()) return Status::invalid_argument("a case needs an id");
    if (step.employee_id.empty() || step.gpf_account.empty() || step.ddo_code.empty()) {
      return Status::invalid_argument("the subscriber needs an employee id, a GPF account and a DDO on the master",
                                      "NO_GPF_ACCOUNT");
    }
    c.case_id = step.case_id;
    c.employee_id = step.employee_id;
    c.gpf_account = step.gpf_account;
    c.ddo_code = step.ddo_code;
    c.treasury_code = step.treasury_code;
  }
  if (!pf9_actor_may(c, step.action, step.actor)) {
    return Status::permission_denied("this role may not " + std::string(name(step.action)) + " case " + c.case_id);
  }
  const Pf9State from = c.state;
  Pf9State to = from;
  if (step.action != A::kCreate && !pf9_transition(from, step.action, &to)) {
    if (step.action == A::kPay && from == Pf9State::kPaid) {
      return Status::conflict("case " + c.case_id + " is already PAID; a second payment is refused", "ALREADY_PAID");
    }
    return Status::conflict("case " + c.case_id + " is " + std::string(name(from)) + "; '" +
                                std::string(name(step.action)) + "' is not allowed there",
                            "CASE_STATE");
  }
  switch (step.action) {
    case A::kCreate:
    case A::kEdit:
      if (step.has_reason) c.reason = step.reason;
      if (!step.bank_account.empty()) c.bank_account = step.bank_account;
      if (!step.ifsc.empty()) {
        if (!valid_ifsc(step.ifsc)) return Status::invalid_argument("field 'ifsc' must be 4 letters, '0' and 6 letters or digits");
        c.ifsc = step.ifsc;
      }
      if (step.payable_month != 0) c.payable_month = step.payable_month;
      break;
    case A::kAttach:
      if (step.sha256.size() != 64 || step.bytes <= 0) return Status::invalid_argument("a document needs its SHA-256 and size");
      c.documents[int(step.document)] = {step.sha256, step.bytes};
      break;
    case A::kLock:
      if (Status s = check_application(c); !s.ok()) return s;
      if (c.application_number.empty()) {
        if (step.application_number.empty()) return Status::invalid_argument("the first lock issues an application number");
        c.application_number = step.application_number;
      }
      break;
    case A::kReturn:
    case A::kSendBack:
      if (step.remark.empty()) return Status::invalid_argument("field 'remark' is required");
      break;
    case A::kAgree:
      if (Status s = check_part_two(c, step.part_two); !s.ok()) return s;
      c.has_part_two = true;
      c.part_two = step.part_two;
      break;
    case A::kSign:
    case A::kForward: break;
    case A::kInitiate:
    case A::kCheck:
    case A::kApprove: {
      if (Status s = check_amount(c, step); !s.ok()) return s;
      Pf9Amount a;
      a.step = to;
      a.amount = step.amount;
      a.computed_amount = step.computed_amount;
      a.reason = step.remark;
      a.at = step.at;
      c.amounts.push_back(a);
      break;
    }
    case A::kPay:
      if (step.voucher.empty()) return Status::invalid_argument("field 'voucher' is required");
      c.voucher = step.voucher;
      break;
  }
  c.state = to;
  c.history.push_back({step, from, to});
  *out = std::move(c);
  return Status();
}

Status Pf9Book::apply(const Pf9Step& step) {
  auto it = cases_.find(step.case_id);
  if (step.action == Pf9Action::kCreate) {
    if (it != cases_.end()) return Status::conflict("case " + step.case_id + " exists", "CASE_EXISTS");
    Pf9Case c;
    if (Status s = apply_pf9_step(step, &c); !s.ok()) return s;
    cases_.emplace(step.case_id, std::move(c));
    return Status();
  }
  if (it == cases_.end()) return Status::not_found("no case " + step.case_id);
  return apply_pf9_step(step, &it->second);
}

const Pf9Case* Pf9Book::find(const std::string& case_id) const {
  auto it = cases_.find(case_id);
  return it == cases_.end() ? nullptr : &it->second;
}

}  // namespace vetan
