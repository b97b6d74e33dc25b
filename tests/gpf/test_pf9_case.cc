// gpf.md §7: the PF-9 case's states, transitions and roles (core/gpf/pf9_case.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/gpf/pf9_case.h"

namespace vetan {
namespace {

const std::string kSha(64, 'a');

Pf9Actor actor(Pf9Role role, std::string scope = "") { return Pf9Actor{role, std::move(scope)}; }
const Pf9Actor kEmployee = {Pf9Role::kEmployee, "E1"};
const Pf9Actor kDdo = {Pf9Role::kDdo, "DDO1"};
const Pf9Actor kHoo = {Pf9Role::kHeadOfOffice, "DDO1"};
const Pf9Actor kInitiator = {Pf9Role::kAgInitiator, ""};
const Pf9Actor kChecker = {Pf9Role::kAgChecker, ""};
const Pf9Actor kApprover = {Pf9Role::kAgApprover, ""};
const Pf9Actor kTreasury = {Pf9Role::kTreasury, "TR1"};

Pf9Step step(Pf9Action action, Pf9Actor who) {
  Pf9Step s;
  s.action = action;
  s.actor = std::move(who);
  s.case_id = "PF9-000001";
  return s;
}

Pf9Step create() {
  Pf9Step s = step(Pf9Action::kCreate, kEmployee);
  s.employee_id = "E1", s.gpf_account = "HR/1", s.ddo_code = "DDO1", s.treasury_code = "TR1";
  s.has_reason = true, s.reason = Pf9Reason::kRetirement;
  s.bank_account = "1234567890", s.ifsc = "SBIN0001234", s.payable_month = make_month(2026, 10);
  return s;
}

Pf9Step attach(Pf9Document d) {
  Pf9Step s = step(Pf9Action::kAttach, kEmployee);
  s.document = d, s.sha256 = kSha, s.bytes = 100;
  return s;
}

Pf9Step lock() {
  Pf9Step s = step(Pf9Action::kLock, kEmployee);
  s.application_number = "PF9/2026/000001";
  return s;
}

Pf9Step ag(Pf9Action a, Pf9Actor who, Money amount, Money computed, std::string reason = "") {
  Pf9Step s = step(a, std::move(who));
  s.amount = amount, s.computed_amount = computed, s.remark = std::move(reason);
  return s;
}

void must(Pf9Book* book, const Pf9Step& s) {
  const Status st = book->apply(s);
  ASSERT_TRUE(st.ok()) << name(s.action) << ": " << st.message();
}

// A case through every step up to `until` (inclusive).
Pf9Book case_until(Pf9State until) {
  Pf9Book book;
  must(&book, create());
  for (int d = 0; d < kPf9DocumentCount; ++d) must(&book, attach(Pf9Document(d)));
  if (until == Pf9State::kDraft) return book;
  must(&book, lock());
  if (until == Pf9State::kSubmitted) return book;
  Pf9Step agree = step(Pf9Action::kAgree, kDdo);
  agree.part_two = {{make_month(2026, 10), PostingKind::kSubscription, 5000, "final"},
                    {make_month(2026, 3), PostingKind::kAdvance, 20000, "TA/7"}};
  must(&book, agree);
  if (until == Pf9State::kDdoAgreed) return book;
  must(&book, step(Pf9Action::kSign, kDdo));
  if (until == Pf9State::kDdoSigned) return book;
  must(&book, step(Pf9Action::kForward, kHoo));
  if (until == Pf9State::kForwarded) return book;
  must(&book, ag(Pf9Action::kInitiate, kInitiator, 100000, 100000));
  if (until == Pf9State::kInitiated) return book;
  must(&book, ag(Pf9Action::kCheck, kChecker, 100000, 100000));
  if (until == Pf9State::kChecked) return book;
  must(&book, ag(Pf9Action::kApprove, kApprover, 100000, 100000));
  if (until == Pf9State::kAuthorised) return book;
  Pf9Step pay = step(Pf9Action::kPay, kTreasury);
  pay.voucher = "V1";
  must(&book, pay);
  return book;
}

TEST(Pf9Case, EndToEndThroughEveryState) {  // gpf.md §7 steps 1-4
  Pf9Book book = case_until(Pf9State::kPaid);
  const Pf9Case& c = *book.find("PF9-000001");
  EXPECT_EQ(c.state, Pf9State::kPaid);
  EXPECT_EQ(c.application_number, "PF9/2026/000001");
  EXPECT_EQ(c.authorised_amount(), 100000);
  ASSERT_EQ(c.part_two.size(), 2u);
  EXPECT_EQ(c.part_two[1].kind, PostingKind::kAdvance);
  EXPECT_EQ(c.voucher, "V1");
  // Nothing removed: every step is in the history with its states.
  ASSERT_EQ(c.history.size(), 12u);
  EXPECT_EQ(c.history[4].from, Pf9State::kDraft);
  EXPECT_EQ(c.history[4].to, Pf9State::kSubmitted);
  EXPECT_EQ(c.history.back().to, Pf9State::kPaid);
  EXPECT_EQ(c.amounts.size(), 3u);
}

TEST(Pf9Case, SecondPaymentRefused) {
  Pf9Book book = case_until(Pf9State::kPaid);
  Pf9Step pay = step(Pf9Action::kPay, kTreasury);
  pay.voucher = "V2";
  const Status s = book.apply(pay);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_STREQ(s.reason(), "ALREADY_PAID");
  EXPECT_EQ(book.find("PF9-000001")->voucher, "V1");
}

TEST(Pf9Case, ReturnAndResubmitKeepsApplicationNumber) {
  Pf9Book book = case_until(Pf9State::kSubmitted);
  Pf9Step ret = step(Pf9Action::kReturn, kDdo);
  EXPECT_EQ(book.apply(ret).code(), Status::Code::kInvalidArgument);  // a remark is required
  ret.remark = "IFSC of another branch";
  must(&book, ret);
  EXPECT_EQ(book.find("PF9-000001")->state, Pf9State::kReturned);
  Pf9Step edit = step(Pf9Action::kEdit, kEmployee);
  edit.ifsc = "HDFC0000001";
  must(&book, edit);
  Pf9Step relock = lock();
  relock.application_number = "PF9/2026/000099";
  must(&book, relock);
  const Pf9Case& c = *book.find("PF9-000001");
  EXPECT_EQ(c.state, Pf9State::kSubmitted);
  EXPECT_EQ(c.application_number, "PF9/2026/000001");
  EXPECT_EQ(c.ifsc, "HDFC0000001");
}

TEST(Pf9Case, HeadOfOfficeSendsBackToTheDdo) {
  Pf9Book book = case_until(Pf9State::kDdoSigned);
  Pf9Step back = step(Pf9Action::kSendBack, kHoo);
  back.remark = "Part II omits the advance of May";
  must(&book, back);
  EXPECT_EQ(book.find("PF9-000001")->state, Pf9State::kSentBack);
  // The Head of Office cannot agree in the DDO's place, even for the same office.
  EXPECT_EQ(book.apply(step(Pf9Action::kAgree, kHoo)).code(), Status::Code::kPermissionDenied);
  must(&book, step(Pf9Action::kAgree, kDdo));
  EXPECT_EQ(book.find("PF9-000001")->state, Pf9State::kDdoAgreed);
}

TEST(Pf9Case, LockNeedsEveryDocument) {
  Pf9Book book;
  must(&book, create());
  must(&book, attach(Pf9Document::kSignature));
  must(&book, attach(Pf9Document::kIdentificationMarks));
  const Status s = book.apply(lock());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("ATTESTING_OFFICER"), std::string::npos) << s.message();
  EXPECT_EQ(book.find("PF9-000001")->state, Pf9State::kDraft);
}

TEST(Pf9Case, PartTwoWithinTwelveMonthsBeforeLeaving) {
  Pf9Book book = case_until(Pf9State::kSubmitted);
  Pf9Step agree = step(Pf9Action::kAgree, kDdo);
  agree.part_two = {{make_month(2025, 9), PostingKind::kAdvance, 100, ""}};  // 13 months before
  EXPECT_EQ(book.apply(agree).code(), Status::Code::kInvalidArgument);
  agree.part_two = {{make_month(2025, 10), PostingKind::kOpening, 100, ""}};
  EXPECT_EQ(book.apply(agree).code(), Status::Code::kInvalidArgument);
  agree.part_two = {{make_month(2025, 10), PostingKind::kWithdrawal, 100, ""}};  // 12 months before
  must(&book, agree);
}

TEST(Pf9Case, DifferingAmountNeedsReason) {  // gpf.md §7 step 4
  Pf9Book book = case_until(Pf9State::kForwarded);
  // Differs from the computed amount.
  Status s = book.apply(ag(Pf9Action::kInitiate, kInitiator, 99000, 100000));
  EXPECT_STREQ(s.reason(), "REASON_REQUIRED");
  must(&book, ag(Pf9Action::kInitiate, kInitiator, 99000, 100000, "interest of March not due"));
  // Equal to the computed amount but differs from the previous step's.
  s = book.apply(ag(Pf9Action::kCheck, kChecker, 100000, 100000));
  EXPECT_STREQ(s.reason(), "REASON_REQUIRED");
  must(&book, ag(Pf9Action::kCheck, kChecker, 99000, 100000, "agree with initiator"));
  must(&book, ag(Pf9Action::kApprove, kApprover, 99000, 100000, "as checked"));
  const Pf9Case& c = *book.find("PF9-000001");
  EXPECT_EQ(c.state, Pf9State::kAuthorised);
  EXPECT_EQ(c.authorised_amount(), 99000);
  EXPECT_EQ(c.amounts[0].computed_amount, 100000);
  EXPECT_EQ(c.amounts[0].reason, "interest of March not due");
}

// A step with every field an action may need, so only state and role decide.
void fill_every_field(Pf9Step* s) {
  static const std::string kRemark = "r", kVoucher = "V", kNumber = "PF9/2026/000001";
  s->remark = kRemark;
  s->voucher = kVoucher;
  s->application_number = kNumber;
  s->sha256 = kSha;
  s->bytes = 1;
  s->amount = 100000;
  s->computed_amount = 100000;
}

// Every action against every role (and the right role with another scope): exactly the one
// §7 names may act, and a refusal changes nothing.
TEST(Pf9Case, EveryActionAgainstEveryRole) {
  struct Case {
    Pf9Action action;
    Pf9State at;  // the state in which the action is allowed
    Pf9Actor allowed;
  };
  const std::vector<Case> cases = {
      {Pf9Action::kEdit, Pf9State::kDraft, kEmployee},       {Pf9Action::kAttach, Pf9State::kDraft, kEmployee},
      {Pf9Action::kLock, Pf9State::kDraft, kEmployee},       {Pf9Action::kReturn, Pf9State::kSubmitted, kDdo},
      {Pf9Action::kAgree, Pf9State::kSubmitted, kDdo},       {Pf9Action::kSign, Pf9State::kDdoAgreed, kDdo},
      {Pf9Action::kForward, Pf9State::kDdoSigned, kHoo},     {Pf9Action::kSendBack, Pf9State::kDdoSigned, kHoo},
      {Pf9Action::kInitiate, Pf9State::kForwarded, kInitiator}, {Pf9Action::kCheck, Pf9State::kInitiated, kChecker},
      {Pf9Action::kApprove, Pf9State::kChecked, kApprover},  {Pf9Action::kPay, Pf9State::kAuthorised, kTreasury},
  };
  const std::vector<Pf9Actor> everyone = {
      kEmployee, actor(Pf9Role::kEmployee, "E2"), kDdo, actor(Pf9Role::kDdo, "DDO2"), kHoo,
      actor(Pf9Role::kHeadOfOffice, "DDO2"), kInitiator, kChecker, kApprover, kTreasury,
      actor(Pf9Role::kTreasury, "TR2"), actor(Pf9Role::kOther, "admin")};
  for (const Case& k : cases) {
    for (const Pf9Actor& who : everyone) {
      Pf9Book book = case_until(k.at);
      const size_t before = book.find("PF9-000001")->history.size();
      Pf9Step s = step(k.action, who);
      fill_every_field(&s);
      const bool allowed = who.role == k.allowed.role && who.scope == k.allowed.scope;
      const Status st = book.apply(s);
      EXPECT_EQ(st.ok(), allowed) << name(k.action) << " by role " << int(who.role) << ":" << who.scope << ": "
                                  << st.message();
      if (!allowed) {
        EXPECT_EQ(st.code(), Status::Code::kPermissionDenied);
        EXPECT_EQ(book.find("PF9-000001")->history.size(), before);
        EXPECT_EQ(book.find("PF9-000001")->state, k.at);
      }
    }
  }
}

// Every action in every state: only the transitions of §7 (a conflict elsewhere).
TEST(Pf9Case, EveryActionInEveryReachableState) {
  const Pf9State reachable[] = {Pf9State::kDraft,     Pf9State::kSubmitted, Pf9State::kDdoAgreed,
                                Pf9State::kDdoSigned, Pf9State::kForwarded, Pf9State::kInitiated,
                                Pf9State::kChecked,   Pf9State::kAuthorised, Pf9State::kPaid};
  const std::vector<std::pair<Pf9Action, Pf9Actor>> actions = {
      {Pf9Action::kEdit, kEmployee},     {Pf9Action::kLock, kEmployee},  {Pf9Action::kReturn, kDdo},
      {Pf9Action::kAgree, kDdo},         {Pf9Action::kSign, kDdo},       {Pf9Action::kForward, kHoo},
      {Pf9Action::kSendBack, kHoo},      {Pf9Action::kInitiate, kInitiator}, {Pf9Action::kCheck, kChecker},
      {Pf9Action::kApprove, kApprover},  {Pf9Action::kPay, kTreasury}};
  int allowed = 0;
  for (Pf9State at : reachable) {
    for (const auto& [action, who] : actions) {
      Pf9Book book = case_until(at);
      Pf9Step s = step(action, who);
      fill_every_field(&s);
      const Status st = book.apply(s);
      if (st.ok()) {
        ++allowed;
      } else {
        EXPECT_EQ(st.code(), Status::Code::kConflict) << name(action) << " in " << name(at) << ": " << st.message();
        EXPECT_EQ(book.find("PF9-000001")->state, at);
      }
    }
  }
  // DRAFT: edit, lock; SUBMITTED: return, agree; DDO_AGREED: sign; DDO_SIGNED: forward,
  // send_back; FORWARDED, INITIATED, CHECKED, AUTHORISED: one each; PAID: none.
  EXPECT_EQ(allowed, 2 + 2 + 1 + 2 + 4);
}

TEST(Pf9Case, NamesRoundTrip) {
  for (int i = 0; i < kPf9StateCount; ++i) {
    Pf9State s;
    ASSERT_TRUE(parse_pf9_state(kPf9StateNames[i], &s));
    EXPECT_EQ(int(s), i);
  }
  Pf9Action a;
  EXPECT_FALSE(parse_pf9_action("delete", &a));
  EXPECT_TRUE(valid_ifsc("SBIN0001234"));
  EXPECT_FALSE(valid_ifsc("SBIN1001234"));
  EXPECT_FALSE(valid_ifsc("sbin0001234"));
}

}  // namespace
}  // namespace vetan
