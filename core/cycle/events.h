// The events of the monthly cycle (issue 9 §1): every accepted change is one event, and the
// cycle's state is the replay of its events in order (CycleState::apply). An event is a
// header (sequence number, time, who) and one typed payload; api/serve/event_codec.h
// writes each kind to and from the audit store.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/civil_date.h"
#include "core/common/money.h"
#include "core/cycle/states.h"
#include "core/run/month_result.h"

namespace vetan::cycle {

enum class EventKind {
  kProfileVersion,   // the server runs with a profile other than the last recorded one
  kEmployeeEdit,     // master fields changed (PATCH)
  kEmployeeStop,     // stop_payment set
  kEmployeeRelease,  // stop_payment cleared
  kProposalCreate,
  kProposalApprove,  // also changes the master field the proposal names
  kProposalReject,
  kBillConfirm,
  kBillReject,
  kBillPass,
  kBillObject,
  kOtpFailure,       // a wrong one-time password for a DDO's confirmation
  kOtherSalaryFile,  // an other-salary request and the bill it makes
  kRunStart,
  kRunComplete,
  kRunFail,
  kRunInterrupted,   // a run the server was computing when it stopped
  kRecoveryCreate,   // an over-payment recovery schedule (docs/close.md §2)
  kRecoveryWaive,    // a schedule waived by its DDO, with a reason
  kMonthClose,       // a month whose bills are all PASSED closed into the next month's master
  kPaymentIssue,     // a PASSED bill's pain.001 credit-transfer file issued (docs/payment.md)
  kPaymentReturn,    // credits of an issued file the bank returned as failed (pain.002)
};
inline constexpr int kEventKindCount = 22;
// The audit trail's action names, by EventKind.
inline constexpr const char* kEventKindNames[kEventKindCount] = {
    "profile.version", "employee.edit",    "employee.stop",     "employee.release", "proposal.create",
    "proposal.approve", "proposal.reject", "bill.confirm",      "bill.reject",      "bill.pass",
    "bill.object",      "otp.failure",     "other_salary.file", "run.start",        "run.complete",
    "run.fail",         "run.interrupted", "recovery.create",   "recovery.waive",
    "month.close",      "payment.issue",   "payment.return"};
inline const char* name(EventKind k) { return kEventKindNames[int(k)]; }
// The event of a bill verb (kBillConfirm for kConfirm, …) and back.
// REQUIRES for bill_verb: `kind` is one of the four bill events.
constexpr EventKind bill_event(BillVerb verb) { return EventKind(int(EventKind::kBillConfirm) + int(verb)); }
constexpr BillVerb bill_verb(EventKind kind) { return BillVerb(int(kind) - int(EventKind::kBillConfirm)); }
static_assert(bill_event(BillVerb::kReject) == EventKind::kBillReject &&
              bill_event(BillVerb::kPass) == EventKind::kBillPass &&
              bill_event(BillVerb::kObject) == EventKind::kBillObject);
bool parse_event_kind(std::string_view text, EventKind* out);

struct EventHeader {
  int64_t seq = 0;     // set when stored, increasing from 1
  int64_t at = 0;      // unix seconds, the service's clock
  std::string actor;   // "ddo:DDO001", "admin", "system", …
};

// One master field's text before and after (formats.md columns).
struct FieldChange {
  std::string column, before, after;
};

// kEmployeeEdit, kEmployeeStop, kEmployeeRelease.
struct MasterChange {
  std::string employee_id;
  std::vector<FieldChange> fields;
};

// kProfileVersion: version n (from 1) is the profile text with this SHA-256.
struct ProfileVersion {
  int64_t version = 0;
  std::string sha256;
  std::string json;
};

struct ProposalCreate {
  int64_t proposal_id = 0;
  std::string employee_id, ddo, treasury;
  ProposalKind kind = ProposalKind::kGpfSubscription;
  Money amount = 0;
  Month month = 0;
};

// kProposalApprove (with the master field it sets) and kProposalReject.
struct ProposalDecision {
  int64_t proposal_id = 0;
  std::string employee_id;
  std::string reason;
  std::vector<FieldChange> fields;  // approve only
};

// An officer's detached CMS signature over a bill's canonical bytes (docs/signatures.md),
// as verified when the confirmation or pass was accepted: the signature (base64 of its
// DER), the signer certificate's subject, issuer and serial, and the SHA-256 of the bytes
// signed. All empty when the action was not signed.
struct BillSignature {
  std::string cms_base64;
  std::string subject, issuer, serial;
  std::string canonical_sha256;
  bool present() const { return !cms_base64.empty(); }
};

// kBillConfirm, kBillReject, kBillPass, kBillObject.
struct BillAction {
  BillAction() = default;
  // The signature last and optional, so that unsigned actions are built as before.
  BillAction(std::string bill_id, BillState from, BillState to, std::string reason, int64_t otp_step,
             BillSignature signature = {})
      : bill_id(std::move(bill_id)), from(from), to(to), reason(std::move(reason)), otp_step(otp_step),
        signature(std::move(signature)) {}
  std::string bill_id;
  BillState from = BillState::kGenerated, to = BillState::kGenerated;
  std::string reason;
  int64_t otp_step = 0;  // kBillConfirm: the RFC 6238 time step of the code used
  BillSignature signature;  // kBillConfirm, kBillPass: when signed
};

// kOtpFailure: a wrong code for `ddo`; `locks_until` (unix seconds) when this failure
// locks the DDO's confirmations, else 0.
struct OtpFailure {
  std::string ddo;
  int64_t failures = 0;  // consecutive wrong codes, this one included
  int64_t locks_until = 0;
};

// The amounts of a bill: rules §7's totals of the payslips it pays.
struct BillAmounts {
  int64_t employees = 0;
  Money gross = 0, total_deductions = 0, net = 0;
};

// kOtherSalaryFile: bill "YYYY-MM/OS/<ddo>/<employee_id>" paying one row its month's pay.
struct OtherSalaryFile {
  std::string bill_id, employee_id, ddo, treasury, reason;
  Month month = 0;
  uint32_t row = 0;  // the employee's master row
  BillAmounts amounts;
  std::vector<std::pair<std::string, Money>> payslip;  // PayslipLayout names and amounts
};

// A row's amount: (master row, rupees), in increasing row order.
using RowAmounts = std::vector<std::pair<uint32_t, Money>>;

struct RunStart {
  int64_t run_id = 0;
  Month month = 0;
  Date day = 0;                 // the service's day (IST) when it started
  int64_t profile_version = 0;  // the profile it computes with
  // The over-payment recoveries due for the month, by row, as the cycle stood when the run
  // started (CycleState::recovery_dues); the run recovers at most these.
  RowAmounts recovery_dues;
};

// kRecoveryCreate: a schedule recovering `amount` over-paid to one row for a settled month
// (docs/close.md §2; the Pay Manager circular), in `instalments` from the runs of
// `month_found` on. Computed (drawn_gross > due_gross: the settled payslip's gross and the
// month's gross due now) or entered by the DDO (both 0), always with a reason.
struct RecoveryCreate {
  std::string recovery_id;  // "R000001", in order
  std::string employee_id, ddo, treasury, reason;
  std::string bill_id;  // the settled bill that over-paid
  uint32_t row = 0;
  Month month_found = 0, month_over_paid = 0;
  Money amount = 0;
  int32_t instalments = 1;
  Money drawn_gross = 0, due_gross = 0;
};

// kRecoveryWaive: the DDO recovers no more of a schedule (DoE OM of 1 April 2024; Rafiq
// Masih, 2014), with a reason.
struct RecoveryWaive {
  std::string recovery_id, employee_id, reason;
};

// One bill a completed run makes: the rows it pays (unsettled rows only) and their sums.
struct RunBill {
  std::string id;             // "YYYY-MM/<treasury>/<ddo>/<group>", or "…-S<run>" beside a settled bill
  std::string source_suffix;  // the run's bill it comes from (TableIndex id_suffix)
  std::string treasury, ddo, group;
  BillAmounts amounts;
  std::vector<uint32_t> rows;  // master rows, increasing
};

struct RunComplete {
  int64_t run_id = 0;
  Month month = 0;
  int64_t duration_ms = 0;
  RunSummary summary;
  std::vector<RunBill> bills;
  RowAmounts recovered;  // rows whose payslip recovered an over-payment, and how much
};

// kRunFail and kRunInterrupted.
struct RunEnd {
  int64_t run_id = 0;
  int64_t duration_ms = 0;
  std::string error;
};

// kMonthClose (issue 12 §1): month `month`, paid by run `run_id` whose bills are all
// PASSED, closed into the master of the next month (core/close), whose bytes have this
// SHA-256 and are kept in the data folder; the counts are the close's.
struct MonthCloseEvent {
  Month month = 0;
  int64_t run_id = 0;
  std::string next_master_sha256;
  int64_t changed_rows = 0, carried = 0, increments = 0, fy_reset = 0, loans_repaid = 0;
  // The other-salary bills the close carried into the FY figures (CycleState::
  // other_salary_to_carry), sorted; and the recovered over-payments of the same FY it took
  // off fy_gross_to_date (docs/close.md). A close recorded before these existed has neither
  // (lists_carried false): it carried nothing of them.
  bool lists_carried = true;
  std::vector<std::string> other_salary_bills;
  Money recovered_off_gross = 0;
};

// One credit of an issued payment file: the master row and employee, the account credited
// (the name as the file carries it, in the payment Latin set) and the amount (> 0). Credit
// k (from 1) of a file has EndToEndId "<16 hex>-<k, 7 digits>".
struct PaymentCredit {
  uint32_t row = 0;
  std::string employee_id, name, account, ifsc;
  Money amount = 0;
};

// kPaymentIssue: the pain.001.001.03 message and bank advice of PASSED bill `bill_id`
// (docs/payment.md "In the service"), as written in the data folder: their SHA-256, and what
// makes them again byte for byte (the parties and the credits, in the file's order). With
// the treasury's detached CMS signature over the message when the server signs files.
struct PaymentIssue {
  std::string bill_id, message_id, payment_information_id;
  Month month = 0;
  Date execution_date = 0;
  std::string xml_sha256, advice_sha256;
  Money control_sum = 0;  // the credits' sum
  std::string initiating_party, debtor_name, debtor_account, debtor_ifsc;
  std::vector<PaymentCredit> credits;
  std::string signature_sha256, signature_subject, signature_pem;  // the .p7s (PEM); empty when unsigned
};

// One credit the bank returned as failed: its sequence in the message (from 1), EndToEndId,
// the bank's reason code and additional information.
struct FailedCredit {
  uint32_t sequence = 0;
  std::string end_to_end_id, reason_code, additional_information;
};

// kPaymentReturn: the bank's pain.002 status report `return_message_id` for message
// `message_id`: the credits it rejected that were not failed before (at least one).
struct PaymentReturn {
  std::string message_id, return_message_id;
  std::vector<FailedCredit> failed;
};

using Payload = std::variant<ProfileVersion, MasterChange, ProposalCreate, ProposalDecision, BillAction, OtpFailure,
                             OtherSalaryFile, RunStart, RunComplete, RunEnd, RecoveryCreate, RecoveryWaive,
                             MonthCloseEvent, PaymentIssue, PaymentReturn>;

struct Event {
  Event() = default;
  Event(EventKind k, Payload p) : kind(k), payload(std::move(p)) {}
  EventKind kind = EventKind::kEmployeeEdit;
  EventHeader header;
  Payload payload;
};

// The payload type each kind carries. REQUIRES nothing; returns false when `event.payload`
// is not the one its kind names.
bool payload_matches(const Event& event);

}  // namespace vetan::cycle
