// Service: the treasury's monthly cycle over the engine (issue 3), as a REST shell around
// the cycle library (core/cycle, issue 9): it holds the master with its accepted changes,
// the cycle's state (bills, proposals, runs, profile versions, one-time-password guards) and
// the runs' results, and answers requests (method, target, token, body) with JSON replies.
// Every accepted change is one typed event (core/cycle/events.h), checked by the cycle's
// state, appended to the audit store (durable) and then applied and acknowledged; opening
// the service replays the store, so a restart rebuilds the same state. Each run computes
// with the profile version recorded when it started, so months already run never change.
//
// The store may be shared by several servers (PostgreSQL, issue 9 §4): before answering, a
// server applies the events the others appended, an append that lost the race to another
// server applies them, checks its event again and retries, and one server at a time runs the
// month (EventStore::lock_runs); a run left RUNNING by a server that lost that right is
// marked interrupted by the next to take it (tick(), start of a run).
//
// Runs work on the master as it stood when they start (its parsed table and the changes
// accepted by then, each kept typed: MasterRecords::table_of); reads are served from the
// last completed run of each month while a new one computes; edits during a run go to the
// next one.
//
// Thread-safety: handle() may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/cms.h"
#include "api/gpf_authority.h"
#include "api/serve/audit_store.h"
#include "api/serve/clock.h"
#include "api/serve/gpf_fund.h"
#include "api/serve/heavy_slots.h"
#include "api/serve/json.h"
#include "api/serve/master_records.h"
#include "api/serve/metrics.h"
#include "api/serve/online_accounts.h"
#include "api/serve/sessions.h"
#include "api/serve/state_mutex.h"
#include "api/serve/tokens.h"
#include "core/cycle/cycle_state.h"
#include "core/profile/profile.h"
#include "loaders/payment/debtors_json.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan {
struct MonthClose;  // core/close/month_close.h
}  // namespace vetan

namespace vetan::serve {

struct Request {
  std::string method;         // "GET", "PATCH", …
  std::string target;         // path and query, as sent
  std::string authorization;  // the Authorization header's value
  std::string body;
  // For the web console (sessions.cc, static_assets.cc): the Cookie, X-CSRF-Token,
  // X-Forwarded-Proto, If-None-Match and Accept-Encoding headers' values.
  std::string cookie{};
  std::string csrf_token{};
  std::string forwarded_proto{};
  std::string if_none_match{};
  std::string accept_encoding{};
};

struct Reply {
  int status = 200;
  std::string body;  // JSON, or Prometheus text for /metrics
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};  // more headers (Set-Cookie, ETag, …)
};

// {"error": {"code": …, "message": …}} with `status`.
Reply error_reply(int status, std::string_view code, std::string_view message);
// The error reply for a failed Status: the HTTP status by its code (400 invalid argument,
// 403 permission denied, 404 not found, 409 conflict, 422 refused, 429 exhausted, 500 I/O
// error, 503 unavailable) and its reason (or the code's name) as the error code.
Reply status_reply(const Status& status);
// 403 FORBIDDEN naming what was refused.
Reply forbidden(const std::string& what);
// A request's optional "signature" (signatures.cc): a string of at most 48 KiB whose only
// control characters are line breaks and tabs (PEM has lines); "" when absent.
Status signature_field(const JsonBody& body, std::string* out);
// The query's page_size: 1..1000, 100 when absent.
Status page_size_of(const std::string& text, size_t* size);

struct ServiceOptions {
  std::string profile_path;
  std::string employees_path;
  std::string data_dir;
  std::string tokens_path;
  const Clock* clock = nullptr;  // REQUIRES: outlives the service
  // Completed runs' views held in memory at once (the least recently read beyond are
  // evicted and recomputed on demand from the master as it stood when they started).
  size_t resident_views = 3;
  // gpf.md §6: the AG's opening ledger (§2 format) imported at open unless already imported.
  std::string gpf_ledger_path;
  // The event store (event_store.h): empty for SQLite in data_dir, "postgresql://…" for a
  // PostgreSQL database that other servers may share.
  std::string store;
};

// Signed bills (docs/signatures.md): the CA bundle (PEM) that officers' certificates must
// chain to (none: a signature cannot be verified, and is refused), and whether the DDO's
// confirmation and the treasury's pass must carry one beside the OTP.
struct SignaturePolicy {
  std::string ca_bundle;
  bool require_signature = false;
};

// One completed run's result, immutable and shared by readers. Its bill totals hold the rows
// the run's bills list (core/cycle/settlement.h).
struct RunView {
  int64_t run_id = 0;
  Month month = 0;
  std::shared_ptr<const EmployeeTable> table;
  TableIndex index;
  MonthResult result;
};

class Service {
 public:
  Service() = default;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service();

  // Loads the profile, master and tokens, opens the audit store and replays it, and
  // recomputes each month's last completed run. The message names the file and problem.
  Status open(const ServiceOptions& options);

  // Sets how bills are signed; loads the CA bundle (the message names the file). Call it
  // before open(); without it signatures are neither required nor verifiable.
  Status set_signature_policy(const SignaturePolicy& policy);

  // Payment files (payment_routes.cc, docs/payment.md "In the service"): the debtors'
  // accounts bills are paid from (`vetan pay --config`'s); without it no file is issued.
  // Call it before open().
  void set_payment_config(const PaymentConfig& config);
  // The treasury's key and certificate (PEM files) that sign each payment file issued (a
  // detached CMS, `<MsgId>.xml.p7s`). Fails naming the file when either cannot be used.
  // Call it before open().
  Status set_payment_signer(const std::string& key_path, const std::string& cert_path);

  // Answers one request.
  Reply handle(const Request& request);

  // Starts the month's run when the clock stands in the profile's auto-run window and no run
  // of this month started in the window yet. Returns true iff it started one.
  bool tick();

  // Waits for a run in progress to finish.
  void wait_for_runs();

  // Waits for runs, then closes the store. handle() answers 503 afterwards.
  void shutdown();

  Metrics& metrics() { return metrics_; }

  // Every route of the table as (method, pattern): what GET /v1/openapi.json describes.
  static std::vector<std::pair<std::string, std::string>> endpoints();

 private:
  // One request's principal and query parameters.
  struct Context {
    const Principal* who = nullptr;
    std::map<std::string, std::string> query;
    const Request* request = nullptr;  // the request being answered
    std::string session_id;            // the session cookie's id, when it authenticated
    std::string param(const std::string& name) const {
      auto it = query.find(name);
      return it == query.end() ? std::string() : it->second;
    }
  };
  // Narrows the ?ddo= and ?treasury= filters to the caller's scope: a DDO reads its own
  // office, a treasury its own DDOs. Returns a 403 when a filter names another office
  // ("<who> may not <verb> DDO 'X'"), else nothing.
  static std::optional<Reply> narrow_to_scope(const Context& c, const std::string& verb,
                                              std::string* ddo, std::string* treasury);
  // A page of a list in bill order (bills, payment files): ?ddo, ?treasury (narrowed to the
  // caller's scope), ?month, ?page_size and ?page_token (a bill id, as next_page_token gave).
  struct BillPage {
    std::string ddo, treasury, month, token;
    size_t size = 0;
  };
  // Reads *page from the query; a malformed month, size or token is a 400 naming it (issue
  // 9 §5: never an empty list), a filter out of scope a 403.
  static std::optional<Reply> bill_page_of(const Context& c, const std::string& verb, BillPage* page);

  // Routing (router.cc): the route table and its dispatch.
  struct RouteSpec;
  static const std::vector<RouteSpec>& routes();
  Reply route_request(const Request& request, Route* route);
  // Operations (service.cc). Each checks scope and state, records its event, and replies.
  // `p` holds the route's path parameters in order.
  using Params = std::vector<std::string>;
  Reply healthz(const Context& c, const Params& p, const std::string& body);
  Reply openapi(const Context& c, const Params& p, const std::string& body);
  Reply get_metrics(const Context& c, const Params& p, const std::string& body);
  Reply get_employee(const Context& c, const Params& p, const std::string& body);
  Reply patch_employee(const Context& c, const Params& p, const std::string& body);
  Reply stop_employee(const Context& c, const Params& p, const std::string& body);
  Reply release_employee(const Context& c, const Params& p, const std::string& body);
  Reply employee_audit(const Context& c, const Params& p, const std::string& body);
  Reply get_payslip(const Context& c, const Params& p, const std::string& body);
  // The same payslip as a PDF (payslip_pdf_routes.cc): the same scope and refusals.
  Reply get_payslip_pdf(const Context& c, const Params& p, const std::string& body);
  Reply create_proposal(const Context& c, const Params& p, const std::string& body);
  Reply list_proposals(const Context& c, const Params& p, const std::string& body);
  Reply decide_proposal(const Context& c, const Params& p, const std::string& body);
  Reply list_bills(const Context& c, const Params& p, const std::string& body);
  Reply get_bill(const Context& c, const Params& p, const std::string& body);
  Reply bill_action(const Context& c, const Params& p, const std::string& body);
  Reply bill_audit(const Context& c, const Params& p, const std::string& body);
  Reply mismatches_report(const Context& c, const Params& p, const std::string& body);
  Reply stopped_report(const Context& c, const Params& p, const std::string& body);
  Reply report(const Context& c, bool mismatches);
  Reply list_runs(const Context& c, const Params& p, const std::string& body);
  Reply get_run(const Context& c, const Params& p, const std::string& body);
  Reply create_run(const Context& c, const Params& p, const std::string& body);
  Reply get_ddo(const Context& c, const Params& p, const std::string& body);
  Reply ddo_audit(const Context& c, const Params& p, const std::string& body);
  // What-if and arrears (whatif_routes.cc).
  Reply post_whatif(const Context& c, const Params& p, const std::string& body);
  Reply post_arrears(const Context& c, const Params& p, const std::string& body);
  // Other salary requests (other_salary.cc).
  Reply file_other_salary(const Context& c, const Params& p, const std::string& body);
  // The month's run of one master row with `fields` (other salary, recoveries): a 422 reply
  // when the row is unreadable or the profile refuses the month; else *result, and in
  // *not_paid the fate and reasons ("MISMATCH BASIC_PAY_MISMATCH") when it does not pay the
  // row (empty when it does).
  std::optional<Reply> run_one_row(const std::vector<std::string>& fields, Month month, MonthResult* result,
                                   std::string* not_paid) const;
  // Over-payment recoveries (recovery_routes.cc, docs/close.md §2).
  Reply create_recovery(const Context& c, const Params& p, const std::string& body);
  Reply list_recoveries(const Context& c, const Params& p, const std::string& body);
  Reply waive_recovery(const Context& c, const Params& p, const std::string& body);
  std::string recovery_json(const cycle::Recovery& r) const;
  // Payment files and bank returns (payment_routes.cc, docs/payment.md "In the service").
  Reply issue_payment(const Context& c, const Params& p, const std::string& body);
  Reply get_bill_payment(const Context& c, const Params& p, const std::string& body);
  Reply get_payment_file(const Context& c, const Params& p, const std::string& body);
  Reply import_payment_return(const Context& c, const Params& p, const std::string& body);
  Reply list_failed_payments(const Context& c, const Params& p, const std::string& body);
  Reply list_payments(const Context& c, const Params& p, const std::string& body);
  // May the caller read (its DDO, its treasury, admin) or issue (its treasury, admin) the
  // payment of `bill`?
  static bool may_read_payment(const Context& c, const cycle::Bill& bill);
  static bool may_issue_payment(const Context& c, const cycle::Bill& bill);
  std::string payment_json(const cycle::Payment& p) const;  // REQUIRES: state_mutex_ held
  void write_payment(JsonWriter* w, const cycle::Payment& p) const;  // REQUIRES: state_mutex_ held
  // The files of payment `p` in DATA/payments: a missing one written again with the bytes
  // the event records, a differing one refused naming it.
  Status ensure_payment_files(const cycle::PaymentIssue& p) const;
  // ensure_payment_files for every payment issued (open()). REQUIRES: state_mutex_ held.
  Status check_payment_files() const;
  // Month close (close_routes.cc, issue 12 §1).
  Reply close_month_route(const Context& c, const Params& p, const std::string& body);
  // DATA/master-<month + 1>.csv: the master a close of `month` writes.
  std::string next_master_path(Month month) const;
  // Stands the master on the one the close wrote (checked against the event's SHA-256); one
  // missing here (closed by another server on the shared store, or lost) is made again from
  // the run and the master, and kept only when it has that SHA-256.
  // REQUIRES: state_mutex_ held (open() holds it).
  Status apply_month_close(const cycle::MonthCloseEvent& c);
  // The next month's master the close of e->month makes from `v` (the month's last run as its
  // bills paid it) and the master as it stands, with e's recovered_off_gross and
  // other_salary_bills (when e->lists_carried). REQUIRES: state_mutex_ held.
  Status next_master_of(const RunView& v, cycle::MonthCloseEvent* e, MonthClose* close, std::string* next) const;
  // Signed bills (signatures.cc): the bytes an officer signs, and the check of a signature.
  Reply get_bill_canonical(const Context& c, const Params& p, const std::string& body);
  // The canonical bytes of `bill` (docs/signatures.md). May recompute its run.
  // REQUIRES: state_mutex_ not held.
  Status bill_canonical(const cycle::Bill& bill, std::string* bytes) const;
  // For a confirm or pass of `bill_id` by a caller who may do it: a refusal when the
  // signature is required and missing, or given and not valid over the bill's canonical
  // bytes; else what to record (empty when unsigned) and the bill as signed in *signed_bill.
  // Nothing when the bill is unknown or not the caller's (the action refuses those).
  // REQUIRES: state_mutex_ not held.
  std::optional<Reply> check_bill_signature(const Context& c, const std::string& bill_id, cycle::BillVerb verb,
                                            const std::string& signature, cycle::BillSignature* out,
                                            cycle::Bill* signed_bill);
  // True iff the caller's role acts on `bill` with `verb`: its DDO confirms and rejects, its
  // treasury passes and objects.
  static bool may_act_on_bill(const Context& c, cycle::BillVerb verb, const cycle::Bill& bill);
  // Web console sessions (sessions.cc) and its assets (static_assets.cc).
  Reply create_session(const Context& c, const Params& p, const std::string& body);
  Reply get_session(const Context& c, const Params& p, const std::string& body);
  Reply delete_session(const Context& c, const Params& p, const std::string& body);
  // The principal of the request's session cookie, or an error reply (401 without a live
  // session, 403 when a write lacks the session's X-CSRF-Token).
  std::optional<Reply> session_principal(const Request& request, Context* c);
  // The administrator's roll-out view (admin_routes.cc).
  Reply admin_rollout(const Context& c, const Params& p, const std::string& body);
  // DDO onboarding, roll-out targets and the subscribers' one-time-code sign-in
  // (onboarding_routes.cc over online_accounts.h).
  Reply admin_ddo_list(const Context& c, const Params& p, const std::string& body);
  Reply admin_ddo_get(const Context& c, const Params& p, const std::string& body);
  Reply admin_ddo_register(const Context& c, const Params& p, const std::string& body);
  Reply admin_ddo_action(const Context& c, const Params& p, const std::string& body);
  Reply admin_rollout_target(const Context& c, const Params& p, const std::string& body);
  Reply signin_code(const Context& c, const Params& p, const std::string& body);
  Reply signin_employee(const Context& c, const Params& p, const std::string& body);
  Status open_accounts();
  // Appends an OnlineAccounts event (durable) and applies it. REQUIRES: state_mutex_ held.
  Status record_account(AuditEvent* event, const std::string& actor);
  std::string master_mobile(const std::string& id) const;  // REQUIRES: state_mutex_ held
  // A bearer token's principal: the tokens file's, else one issued online; nullptr when none.
  const Principal* authenticate_token(std::string_view token) const;
  // The DDO's TOTP secret (raw): issued online, else on its tokens-file line; empty when none.
  std::string ddo_totp_secret(std::string_view ddo) const;
  // GET / and /assets/…: the console's files; nothing when `request` is not for one.
  static std::optional<Reply> serve_static(const Request& request);
  // The GPF fund (gpf_routes.cc) and its PF-9 cases (pf9_routes.cc), gpf.md §6-§7.
  Reply gpf_import(const Context& c, const Params& p, const std::string& body);
  Reply gpf_export(const Context& c, const Params& p, const std::string& body);
  Reply gpf_ledger(const Context& c, const Params& p, const std::string& body);
  Reply gpf_statement(const Context& c, const Params& p, const std::string& body);
  Reply gpf_post(const Context& c, const Params& p, const std::string& body);
  Reply pf9_create(const Context& c, const Params& p, const std::string& body);
  Reply pf9_get(const Context& c, const Params& p, const std::string& body);
  Reply pf9_list(const Context& c, const Params& p, const std::string& body);
  Reply pf9_action(const Context& c, const Params& p, const std::string& body);
  Reply pf9_document(const Context& c, const Params& p, const std::string& body);
  Reply pf9_authorisation(const Context& c, const Params& p, const std::string& body);
  Reply gpf_authority_key(const Context& c, const Params& p, const std::string& body);
  // Appends a fund event (durable) and applies it. REQUIRES: state_mutex_ held.
  Status record_fund(AuditEvent* event, const std::string& actor);
  // Imports a validated ledger text. REQUIRES: state_mutex_ held.
  // REQUIRES: state_mutex_ held (open() holds it).
  Status import_gpf_ledger_file(const std::string& path);
  Status import_gpf_ledger(const std::string& name, const std::string& csv, const std::string& actor,
                           std::vector<GpfLineProblem>* problems);
  // May the caller read GPF account `account` (its subscriber, the DDO or Head of Office of
  // a row holding it, the AG's officers, analyst, admin)? REQUIRES: state_mutex_ held.
  bool may_read_gpf_account(const Context& c, const std::string& account) const;
  // gpf_subscriptions.cc. gpf.md §6: records run `v`'s SUBSCRIPTIONs (one event) after its
  // completion; `profile` is the one it ran with. REQUIRES: state_mutex_ held, the run's
  // completion applied.
  // With `lock` (holding state_mutex_), the event is built with the lock released and only
  // appended and applied under it, so reads do not wait for a 1M run's postings to be built.
  Status post_run_subscriptions(const RunView& v, const Profile& profile,
                                std::unique_lock<StateMutex>* lock = nullptr);
  // The master rows whose gpf_account is `account` now (index built at open, kept on
  // edits). REQUIRES: state_mutex_ held.
  std::vector<uint32_t> rows_of_gpf_account(const std::string& account) const;
  void index_gpf_accounts();
  void reindex_gpf_account(size_t row, const std::string& account);
  // The gpf.md §5 amount due on case `c` paid in `payment_month`, over the fund's ledger and
  // the case's Part II lines. REQUIRES: state_mutex_ held.
  Status pf9_computed_amount(const Pf9Case& c, Month payment_month, Money* amount) const;

  // Helpers.
  Reply stop_or_release(const Context& c, const std::string& id, const std::string& body, bool stop);
  // The row of employee `id`: not found, or a conflict when the id stands on several rows.
  Status find_row(const std::string& id, size_t* row) const;
  bool may_read_row(const Context& c, size_t row) const;
  // The row of employee `id` if the caller may read it; else the 404 or 403 reply.
  // REQUIRES: state_mutex_ held.
  std::optional<Reply> readable_row(const Context& c, const std::string& id, size_t* row) const;
  bool may_act_on_row(const Context& c, size_t row) const;
  // The caller may read bill `bill` (its DDO, its treasury, analyst, admin).
  bool may_read_bill(const Context& c, const cycle::Bill& bill) const;
  // A copy of bill `bill_id` (its rows only when `with_rows`) if the caller may read it; else
  // the 404 or 403 reply. Takes state_mutex_.
  std::optional<Reply> copy_readable_bill(const Context& c, const std::string& bill_id, bool with_rows,
                                          cycle::Bill* out);
  Reply audit_list(const Context& c, const std::string& entity);
  // Stamps `event` (time, actor), checks it against the cycle, appends it to the store and
  // applies it. Readers are let in while the store commits (they read the state without the
  // event); writers are not. A store that fails gives a 503 (unavailable). REQUIRES:
  // state_mutex_ held by this thread as a writer (std::lock_guard, std::unique_lock), and
  // no change made to the state before the call that readers must not see unrecorded.
  Status record(cycle::Event* event, const std::string& actor);
  // record() with readers let in while the event is checked, encoded and appended (only
  // the apply shuts them out): for a run's completion. REQUIRES: state_mutex_ held by this
  // thread as a writer (std::unique_lock or std::lock_guard). On success the event's
  // payload has been moved into the cycle (a run's bills and rows are not copied): only its
  // header (seq, time, actor) is left to read.
  Status record_admitting_readers(cycle::Event* event, const std::string& actor);
  // What both record paths begin with: the store must be healthy; the event gets the
  // clock's time and `actor`.
  Status stamp(cycle::Event* event, const std::string& actor);
  // What both record paths end with: `row` (event encoded) appended with readers let in,
  // then the event applied on `proof` (its check on this state); with `give_up` the cycle
  // takes the event's payload rather than copying it.
  Status commit_checked(cycle::Event* event, AuditEvent* row, const cycle::CycleState::Checked& proof, bool give_up);
  // append_row() with readers let in while the store makes `row` durable (a first attempt;
  // following another server's appends shuts them out). REQUIRES: state_mutex_ held by this
  // thread as a writer.
  Status append_admitting_readers(AuditEvent* row, const std::function<Status()>& recheck);
  // True when `s` is a shared store's refusal because another server appended first.
  static bool store_behind(const Status& s);
  // `s` as the 503 a failed store gives (unavailable, STORE_UNAVAILABLE).
  static Status store_unavailable(const Status& s);
  // Appends `row` to the store; when another server appended first (a shared store), applies
  // what it wrote, asks `recheck` whether the event still holds, and appends again. A store
  // that fails gives unavailable. REQUIRES: state_mutex_ held.
  Status append_row(AuditEvent* row, const std::function<Status()>& recheck);
  // Applies the events other servers appended since the last seen (a shared store; nothing
  // for SQLite). REQUIRES: state_mutex_ held.
  Status catch_up();
  // Applies one stored event written by another server: the fund's, the accounts', or the
  // cycle's (with a run's recipe and its month's latest run). REQUIRES: state_mutex_ held.
  Status apply_stored(const AuditEvent& row);
  // Takes the right to run the month (store_->lock_runs()) and marks interrupted the runs left
  // RUNNING by a server that lost it. REQUIRES: state_mutex_ held, no run computing here.
  Status take_run_lock();
  // Applies a stored event to the cycle and the master; with `proof` (the cycle's check of
  // this event on the state as it still is) the cycle does not check it again.
  // REQUIRES: state_mutex_ held (as a writer).
  Status apply_event(const cycle::Event& event, const cycle::CycleState::Checked* proof = nullptr);
  // apply_event(event, &proof), the cycle taking the payload's bulk rather than copying it
  // (CycleState::apply(Event&&, …)); on success event's payload is valid but unspecified.
  Status apply_event_taking(cycle::Event&& event, const cycle::CycleState::Checked& proof);
  Status replay_store();
  Status record_profile_version();
  // The parsed profile of version `version` (parsed once).
  // REQUIRES: state_mutex_ held.
  Status profile_version(int64_t version, std::shared_ptr<const Profile>* out) const;
  // The view of the month's last completed run, of run `run_id`, of the latest month: from
  // memory, else recomputed from its recipe (seconds on a large master). nullptr when none.
  // REQUIRES: state_mutex_ not held.
  std::shared_ptr<const RunView> view(Month month) const;
  std::shared_ptr<const RunView> view_of_run(int64_t run_id) const;
  std::shared_ptr<const RunView> latest_view() const;
  // By row: 1 when a bill of the cycle from run `run_id` lists it. REQUIRES: state_mutex_ held.
  std::vector<uint8_t> billed_rows(int64_t run_id) const;
  // Holds `v` in memory, evicting the least recently read beyond resident_views; returns
  // the evicted, for the caller to free outside its locks.
  std::vector<std::shared_ptr<const RunView>> keep_view(std::shared_ptr<const RunView> v) const;
  // Drops the recipes no read can need: runs neither their month's last nor referred to by a
  // settled bill nor running. REQUIRES: state_mutex_ held.
  void prune_recipes();
  // Publishes run `v`: its bill totals restricted to the rows of the cycle's bills of that
  // run (with readers let in); the month's latest view, also kept while a settled bill
  // refers to it. Returns the views it evicted (keep_view). REQUIRES: state_mutex_ held by
  // this thread as a writer.
  std::vector<std::shared_ptr<const RunView>> publish_view(std::shared_ptr<RunView> v);
  Date today() const;
  int today_day() const;
  Reply start_run(const std::string& actor, Month month, bool wait);
  void execute_run(int64_t run_id, Month month, std::shared_ptr<const MasterRecords::Base> base,
                   std::shared_ptr<const MasterRecords::Changes> changes, std::shared_ptr<const Profile> profile,
                   cycle::RowAmounts recovery_dues);
  // The run's table is `base` with `changes` (a recipe's: MasterRecords::table_of).
  // `recovery_dues`: the run's RunStart dues (docs/close.md §2), the table's recovery_due.
  Status compute_view(int64_t run_id, Month month, const MasterRecords::Base& base, const MasterRecords::Changes& changes,
                      const Profile& profile, const cycle::RowAmounts& recovery_dues,
                      std::shared_ptr<RunView>* view) const;
  struct RunRecipe;
  // A completed run computed again from its recipe, its bill totals restricted to the rows
  // its bills paid (`billed`, billed_rows()): the view reads and a close's recompute see.
  Status recompute_paid_view(int64_t run_id, const RunRecipe& recipe, const Profile& profile,
                             const std::vector<uint8_t>& billed, std::shared_ptr<RunView>* view) const;
  // A bill as replies show it; with `totals`, its columns and budget heads from its run.
  std::string bill_json(const cycle::Bill& bill, bool totals) const;
  std::string run_json(const cycle::Run& run) const;

  ServiceOptions options_;
  Profile profile_;
  std::string profile_json_;  // the profile file's text: what-if changes apply to it
  HeavySlots heavy_;  // what-if and arrears computations in flight
  SignaturePolicy signature_policy_;
  std::optional<PaymentConfig> payment_config_;          // set_payment_config
  std::string payment_key_path_, payment_cert_path_, payment_signer_;  // set_payment_signer
  std::mutex payments_mutex_;  // one payment issue at a time; taken before the others
  CmsVerifier signatures_;  // the CA bundle, when one is configured
  TokenRegistry tokens_;
  std::unique_ptr<EventStore> store_ = std::make_unique<AuditStore>();
  Metrics metrics_;
  SessionStore sessions_;
  OnlineAccounts accounts_;  // DDOs registered online, their credentials, targets, sign-in guards
  // The subscribers' one-time codes in flight, by employee id (onboarding_routes.cc).
  // Guarded by state_mutex_.
  std::unordered_map<std::string, PendingCode> pending_codes_;

  // The directory of the master as loaded: ids, DDOs and treasuries by row (these fields
  // are not editable, so rows keep them).
  std::shared_ptr<const EmployeeTable> base_;
  std::vector<uint32_t> rows_by_id_;  // every row with a non-empty id, sorted by id bytes

  // Guards everything below, up to views_mutex_: writers exclusive (std::lock_guard),
  // readers shared (std::shared_lock); a run's completion admits readers while it prepares.
  mutable StateMutex state_mutex_;
  MasterRecords master_;
  cycle::CycleState cycle_;
  GpfFund fund_;
  Ed25519Key authority_;  // DATA/gpf-authority.key: signs PF-9 authorisations (api/gpf_authority.h)
  std::vector<uint32_t> gpf_rows_;                    // rows with a gpf_account, by base_'s account
  std::unordered_map<uint32_t, std::string> gpf_edited_;  // rows whose gpf_account was edited: now
  int64_t profile_version_ = 0;  // the version profile_ is
  mutable std::map<int64_t, std::shared_ptr<const Profile>> profiles_;  // parsed versions
  // How to recompute a run's view (issue 9 §2: completed months' views are bounded in
  // memory): its month, its profile version and the master's changes when it started.
  struct RunRecipe {
    Month month = 0;
    int64_t profile_version = 0;
    std::shared_ptr<const MasterRecords::Changes> changes;
    cycle::RowAmounts recovery_dues;  // RunStart's
    std::shared_ptr<const MasterRecords::Base> base;  // the records the changes lie over
  };
  std::map<int64_t, RunRecipe> recipes_;
  std::map<Month, int64_t> latest_run_;  // month -> its last completed run
  bool closed_ = false;
  bool computing_ = false;  // a run's thread is computing or recording its end
  std::thread runner_;
  std::condition_variable_any run_done_;

  mutable std::mutex recompute_mutex_;  // one recomputation at a time; taken before state_mutex_
  mutable std::mutex views_mutex_;
  struct ResidentView {
    std::shared_ptr<const RunView> view;
    uint64_t last_read = 0;
  };
  mutable std::map<int64_t, ResidentView> views_;  // by run id, at most resident_views
  mutable uint64_t reads_ = 0;
};

}  // namespace vetan::serve
