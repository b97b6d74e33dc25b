// GpfFund: the GPF fund inside `vetan serve` (gpf.md §6-§7, issue 10 items 4-5): every
// account's postings and the PF-9 cases, as the replay of their audit events. The service
// appends each event to its audit store (durable) before apply() takes it, and replays the
// store into a fresh GpfFund at open, so a restart rebuilds the same fund.
//
// Events (AuditEvent.action, entity, after):
//   gpf.import   "gpf:ledger"      {"name", "sha256", "csv"}: an opening ledger (gpf.md §2)
//   gpf.post     "gpf:<account>"   {"month", "kind", "amount", "reference"}
//   gpf.subscribe "gpf:run:<id>"   a completed run's SUBSCRIPTIONs, one event per run
//                                  (GpfRunSubscriptions): each bill's accounts and amounts as
//                                  two columns, and the bills the run withdrew
//   pf9.<action> "pf9:<case_id>"   the Pf9Step's fields
//
// Thread-safety: none; the service guards it with its state mutex.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/serve/audit_store.h"
#include "core/common/status.h"
#include "core/gpf/gpf_ledger.h"
#include "core/gpf/pf9_case.h"

namespace vetan::serve {

struct GpfPosting {
  std::string account;
  Month month = 0;
  PostingKind kind = PostingKind::kSubscription;
  Money amount = 0;
  std::string reference;
  int64_t seq = 0;  // the event that posted it (an import's lines share its seq)
  std::string actor, at;
};

// gpf.md §6: the SUBSCRIPTIONs a completed run posts, by bill: the gpf deduction of each
// PAID row of each bill the run made, as of month `month` (the salary month, or the next one
// when the profile's gpf.salary_credited says next_month), with the bill id as reference.
// A bill's postings replace whatever an earlier run posted under the same bill id (a
// rejected bill regenerated); `withdrawn` names the bills the run superseded, whose postings
// go. A settled bill is never in either list, so its postings stay.
struct GpfBillSubscriptions {
  std::string bill_id;
  std::vector<std::string> accounts;  // by posting
  std::vector<Money> amounts;         // by posting, > 0
};
struct GpfRunSubscriptions {
  int64_t run_id = 0;
  Month salary_month = 0, month = 0;
  std::vector<GpfBillSubscriptions> bills;
  std::vector<std::string> withdrawn;
};

class GpfFund {
 public:
  // True iff `action` is one of this fund's events.
  static bool owns(std::string_view action);

  // Applies one stored event; fails naming the event when it cannot be read or the case's
  // rules refuse it (a store written by this service never does).
  Status apply(const AuditEvent& event) { return apply(event, true); }
  // What apply() would answer, changing nothing.
  Status check(const AuditEvent& event) const { return const_cast<GpfFund*>(this)->apply(event, false); }

  // The events of the operations, ready to append (seq, at, actor set by the caller).
  // An import's text must already have been validated (validate_gpf_ledger).
  static AuditEvent import_event(const std::string& name, const std::string& sha256, const std::string& csv);
  static AuditEvent post_event(const GpfPosting& posting);
  static AuditEvent step_event(const Pf9Step& step);
  static AuditEvent subscribe_event(const GpfRunSubscriptions& run);
  // Applies a run's subscriptions already stored as event `seq` at `at` (no re-parse).
  void apply_subscriptions(const GpfRunSubscriptions& run, int64_t seq, const std::string& at);
  // The same in two steps, so that a run's end shuts readers out for the second only: the
  // accounts' codes looked up (const: may run beside readers), then the postings moved in
  // (accounts new to the fund coded then). A preparation stays valid while codes are only
  // ever added.
  struct PreparedSubscriptions {
    std::vector<std::vector<uint32_t>> codes;  // per bill of the run, kNewAccount for an account not yet coded
  };
  static constexpr uint32_t kNewAccount = UINT32_MAX;
  PreparedSubscriptions prepare_subscriptions(const GpfRunSubscriptions& run) const;
  void apply_subscriptions(const GpfRunSubscriptions& run, PreparedSubscriptions prepared, int64_t seq,
                           const std::string& at);
  // True iff run `run_id`'s subscriptions are recorded; whether bill `bill_id` has postings.
  bool subscribed(int64_t run_id) const { return runs_.count(run_id) != 0; }
  bool has_bill(const std::string& bill_id) const { return bills_.count(bill_id) != 0; }
  // Subscription postings from runs, over all bills.
  size_t subscription_count() const;

  // Every posting of `account` in month order (then seq); all postings when account is empty.
  std::vector<GpfPosting> postings_of(const std::string& account) const;
  bool has_account(const std::string& account) const;
  bool imported(const std::string& sha256) const;

  // gpf.md §2: the ledger as CSV (header gpf_account,month,kind,amount,reference), by
  // account then month then seq; only `account`'s lines when not empty. `extra` lines (a
  // case's Part II) are added to it.
  std::string export_csv(const std::string& account, const std::vector<GpfPosting>& extra = {}) const;

  const Pf9Book& cases() const { return cases_; }
  // The next case id ("PF9-000001", …) and application number ("PF9/<year>/000001", …).
  std::string next_case_id() const;
  std::string next_application_number(int year) const;

 private:
  Status apply(const AuditEvent& event, bool commit);
  // A posting as export and queries read it, pointing into the fund's own storage.
  struct Line {
    const std::string* account;
    Month month;
    PostingKind kind;
    Money amount;
    const std::string* reference;
    int64_t seq;
    const std::string* actor;
    const std::string* at;
  };
  std::vector<Line> lines_of(const std::string& account) const;
  uint32_t account_code(const std::string& account);

  std::vector<GpfPosting> postings_;  // imports and posted lines
  std::unordered_map<std::string, std::vector<uint32_t>> posted_by_account_;  // into postings_
  // Runs' subscriptions by bill id: account codes and amounts as columns.
  struct BillPostings {
    int64_t run_id = 0, seq = 0;
    Month month = 0;
    std::string at;
    std::vector<uint32_t> account;
    std::vector<Money> amount;
  };
  std::map<std::string, BillPostings> bills_;
  std::set<int64_t> runs_;
  std::unordered_map<std::string, uint32_t> account_codes_;
  std::vector<const std::string*> account_names_;  // by code: the key in account_codes_
  std::vector<std::string> imports_;  // sha256 of each imported ledger
  Pf9Book cases_;
  int64_t applications_ = 0;
};

// Reads a ledger's text as `vetan gpf` does (loaders/gpf); fails naming the file when it is
// unusable or when any line cannot be read (`problems` lists them: nothing is imported).
Status validate_gpf_ledger(std::string_view csv, const std::string& name, std::vector<GpfLineProblem>* problems);

// gpf.md §2 CSV field: quoted when it holds a comma, quote or line break.
std::string gpf_csv_field(std::string_view text);

}  // namespace vetan::serve
