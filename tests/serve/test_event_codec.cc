// The audit store's codec of the cycle's events (issue 9 §1): every kind written to a store
// row and read back is the same event; damaged rows are refused naming the problem.
#include <gtest/gtest.h>

#include "api/serve/event_codec.h"

namespace vetan::serve {
namespace {

using namespace cycle;

// The event read back from its store row, written again: the same row.
void expect_round_trip(const Event& e) {
  AuditEvent row;
  encode_event(e, &row);
  EXPECT_EQ(row.action, name(e.kind));
  Event back;
  const Status s = decode_event(row, &back);
  ASSERT_TRUE(s.ok()) << row.action << ": " << s.message() << " in " << row.after;
  EXPECT_EQ(back.kind, e.kind);
  EXPECT_EQ(back.header.at, e.header.at);
  EXPECT_EQ(back.header.actor, e.header.actor);
  AuditEvent again;
  encode_event(back, &again);
  EXPECT_EQ(again.entity, row.entity);
  EXPECT_EQ(again.before, row.before) << row.action;
  EXPECT_EQ(again.after, row.after) << row.action;
}

Event stamped(EventKind kind, Payload payload) {
  Event e(kind, std::move(payload));
  e.header.at = 1'795'000'123;
  e.header.actor = "ddo:DDO001";
  return e;
}

TEST(EventCodec, EveryKindRoundTrips) {
  const Month nov = make_month(2026, 11);
  const std::vector<FieldChange> fields = {{"lwp_days", "0", "2"}, {"name", "A \"quoted\"\nname", "राजेश"}};
  RunSummary summary;
  summary.rows = 5, summary.paid = 3, summary.gross = 1234, summary.net = 1000;
  summary.reasons[0] = 2;
  RunBill bill{"2026-11/TR01/DDO001/1-S3", "TR01/DDO001/1", "TR01", "DDO001", "1", {2, 200, 20, 180}, {0, 4}};
  OtherSalaryFile os{"2026-11/OS/DDO001/E1", "E1", "DDO001", "TR01", "released", nov, 0, {1, 90, 10, 80},
                     {{"gross", 90}, {"net", 80}}};
  PaymentIssue payment;
  payment.bill_id = "2026-11/TR01/DDO001/1";
  payment.message_id = "VETAN-202611-0123456789abcdef";
  payment.payment_information_id = payment.message_id + "-P1";
  payment.month = nov;
  payment.execution_date = first_day(nov + 1) + 2;
  payment.xml_sha256 = std::string(64, 'b');
  payment.advice_sha256 = std::string(64, 'c');
  payment.initiating_party = "Treasury Office Jaipur";
  payment.debtor_name = "DDO Education";
  payment.debtor_account = "10000000001";
  payment.debtor_ifsc = "SBIN0001234";
  payment.credits = {{0, "E0001", "Handcheck Employee", "1000000001", "SBIN0001234", 50123},
                     {1, "E0002", "Rajesh Sharma", "1000000002", "SBIN0001234", 48000}};
  payment.control_sum = 98123;
  payment.signature_sha256 = std::string(64, 'd');
  payment.signature_subject = "CN=Treasury Officer,O=Treasury";
  payment.signature_pem = "-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n";
  const std::vector<Event> events = {
      stamped(EventKind::kProfileVersion, ProfileVersion{2, "ab12", "{\"name\": \"p\"}"}),
      stamped(EventKind::kEmployeeEdit, MasterChange{"E1", fields}),
      stamped(EventKind::kEmployeeStop, MasterChange{"E1", {{"stop_payment", "0", "1"}, {"stop_reason", "", "x"}}}),
      stamped(EventKind::kEmployeeRelease, MasterChange{"E1", {{"stop_payment", "1", "0"}}}),
      stamped(EventKind::kProposalCreate, ProposalCreate{4, "E2", "DDO001", "TR01", ProposalKind::kIncomeTax, 900, nov}),
      stamped(EventKind::kProposalApprove, ProposalDecision{4, "E2", "ok", {{"income_tax_declared", "0", "900"}}}),
      stamped(EventKind::kProposalReject, ProposalDecision{5, "E2", "too low", {}}),
      stamped(EventKind::kBillConfirm, BillAction{"2026-11/TR01/DDO001/1", BillState::kGenerated, BillState::kConfirmed, "", 59833337,
                                                          {"MIIB", "CN=Officer,O=Treasury", "CN=Test CA", "1A2B", "ab12"}}),
      stamped(EventKind::kBillObject, BillAction{"2026-11/TR01/DDO001/1", BillState::kConfirmed, BillState::kObjected, "HRA", 0}),
      stamped(EventKind::kBillReject, BillAction{"2026-11/TR01/DDO001/1", BillState::kObjected, BillState::kRejected, "fix", 0}),
      stamped(EventKind::kBillPass, BillAction{"2026-11/TR01/DDO001/1", BillState::kConfirmed, BillState::kPassed, "", 0}),
      stamped(EventKind::kOtpFailure, OtpFailure{"DDO001", 5, 1'795'001'023}),
      stamped(EventKind::kOtherSalaryFile, os),
      stamped(EventKind::kRunStart, RunStart{3, nov, 20'000, 2, {}}),
      stamped(EventKind::kRunComplete, RunComplete{3, nov, 1500, summary, {bill}, {}}),
      stamped(EventKind::kRunFail, RunEnd{3, 10, "profile: nothing in force"}),
      stamped(EventKind::kRunInterrupted, RunEnd{3, 0, ""}),
      stamped(EventKind::kRecoveryCreate,
              RecoveryCreate{"R000001", "E1", "DDO001", "TR01", "LWP entered late", "2026-11/TR01/DDO001/1", 0,
                             make_month(2026, 12), nov, 1571, 3, 9427, 7856}),
      stamped(EventKind::kRecoveryWaive, RecoveryWaive{"R000001", "E1", "Rafiq Masih"}),
      stamped(EventKind::kMonthClose, MonthCloseEvent{nov, 3, std::string(64, 'a'), 4, 3, 1, 0, 1, true,
                                                      {"2026-10/OS/DDO001/E1", "2026-11/OS/DDO001/E2"}, 1571}),
      stamped(EventKind::kPaymentIssue, payment),
      stamped(EventKind::kPaymentReturn,
              PaymentReturn{"VETAN-202611-0123456789abcdef", "RET-1",
                            {{2, "0123456789abcdef-0000002", "AC01", "account closed; \"x\""}}}),
  };
  ASSERT_EQ(events.size(), size_t(kEventKindCount));
  for (const Event& e : events) expect_round_trip(e);
  // A signed pass (issue 12 item 4): the signature and its signer survive the store.
  Event signed_pass = stamped(EventKind::kBillPass, BillAction{"2026-11/TR01/DDO001/1", BillState::kConfirmed,
                                                               BillState::kPassed, "", 0,
                                                               {"MIIC", "CN=TO", "CN=CA", "FF", "cd34"}});
  expect_round_trip(signed_pass);
  // A run's recovery dues and what its bills recovered (docs/close.md §2), by line.
  expect_round_trip(stamped(EventKind::kRunStart, RunStart{4, nov, 20'000, 2, {{0, 524}, {7, 100}}}));
  expect_round_trip(stamped(EventKind::kRunComplete, RunComplete{4, nov, 1500, summary, {bill}, {{0, 524}}}));
  AuditEvent row;
  encode_event(signed_pass, &row);
  Event back;
  ASSERT_TRUE(decode_event(row, &back).ok());
  const BillSignature& g = std::get<BillAction>(back.payload).signature;
  EXPECT_EQ(g.cms_base64, "MIIC");
  EXPECT_EQ(g.subject, "CN=TO");
  EXPECT_EQ(g.issuer, "CN=CA");
  EXPECT_EQ(g.serial, "FF");
  EXPECT_EQ(g.canonical_sha256, "cd34");
}

TEST(EventCodec, DamagedRowsAreRefused) {
  Event e;
  AuditEvent row{1, "2026-11-05T04:30:00Z", "admin", "run.start", "run:1", "{}", "{\"month\":\"2026-11\",\"day\":1}"};
  Status s = decode_event(row, &e);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("profile_version"), std::string::npos) << s.message();
  row.action = "bill.explode";
  EXPECT_NE(decode_event(row, &e).message().find("unknown action"), std::string::npos);
  row.action = "run.start";
  row.at = "yesterday";
  EXPECT_FALSE(decode_event(row, &e).ok());
  int64_t seconds = 0;
  EXPECT_TRUE(parse_utc_timestamp("1970-01-02T00:00:01Z", &seconds));
  EXPECT_EQ(seconds, 86401);
  EXPECT_FALSE(parse_utc_timestamp("2026-02-30T00:00:00Z", &seconds));
}

}  // namespace
}  // namespace vetan::serve
