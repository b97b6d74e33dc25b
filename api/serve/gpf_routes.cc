// The GPF fund's routes (gpf.md §6, issue 10 item 4; /work/notes/fund-routes.md): import an
// opening ledger, post advances, withdrawals, refunds and deposits, read an account's ledger
// and statement, export the whole ledger in the §2 format. The statement is `vetan gpf`'s
// arithmetic (core/gpf) over the account's lines as the export writes them, so the CLI on
// the export gives the same figures.
#include <cctype>
#include <fstream>
#include <sstream>

#include "api/serve/crypto.h"
#include "api/serve/service.h"
#include "core/gpf/gpf_months.h"
#include "core/gpf/statement.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan::serve {

namespace {

constexpr Money kMaxAmount = 999999999999;  // gpf.md §2: at most 12 digits

bool is_ag(Role r) { return r == Role::kAgInitiator || r == Role::kAgChecker || r == Role::kAgApprover; }

void write_problems(JsonWriter* w, const std::vector<GpfLineProblem>& problems) {
  w->key("problems").begin_array();
  for (const GpfLineProblem& p : problems) {
    w->begin_object().field("line", int64_t(p.line)).field("gpf_account", p.account).field("problem", p.problem);
    w->end_object();
  }
  w->end_array();
}

// gpf.md §3-§4 over one account's lines: the FY's figures and months, or why not.
struct AccountStatement {
  GpfLedger ledger;
  GpfStatementResult result;
};
Status account_statement(const std::string& csv, const GpfRates& rates, Month fy, AccountStatement* out) {
  if (Status s = parse_gpf_ledger(csv, "the fund's ledger", &out->ledger); !s.ok()) return s;
  if (out->ledger.account_count() != 1) return Status::not_found("the account has no postings");
  if (Status s = compute_gpf_statement(out->ledger, rates, fy, &out->result); !s.ok()) {
    return Status::refused(s.message(), "NO_RATE");
  }
  const GpfWalkResult& walk = out->result.walks[0];
  if (walk.end == GpfWalkResult::End::kAbsent) return Status::not_found("the account has no line in or before the FY");
  if (walk.end == GpfWalkResult::End::kRefused) {
    return Status::refused(std::string(kGpfRefusalNames[int(walk.refused.reason)]) + ": " +
                               gpf_refusal_detail(walk.refused),
                           kGpfRefusalNames[int(walk.refused.reason)]);
  }
  if (walk.end != GpfWalkResult::End::kDone) {
    return Status::refused(gpf_walk_failure(walk, out->ledger.accounts.value(0)), "NO_RATE");
  }
  return Status();
}

}  // namespace

Status Service::record_fund(AuditEvent* event, const std::string& actor) {
  if (Status s = store_->health(); !s.ok()) return s;
  event->at = utc_timestamp(options_.clock->now());
  event->actor = actor;
  // Checked first: an event the fund would refuse is never stored.
  if (Status s = fund_.check(*event); !s.ok()) return s;
  if (Status s = append_row(event, [&] { return fund_.check(*event); }); !s.ok()) return s;
  return fund_.apply(*event);
}

Status Service::import_gpf_ledger(const std::string& name, const std::string& csv, const std::string& actor,
                                  std::vector<GpfLineProblem>* problems) {
  if (Status s = validate_gpf_ledger(csv, name, problems); !s.ok()) return s;
  const std::string sha = sha256_hex(csv);
  if (fund_.imported(sha)) return Status::conflict(name + ": this ledger (sha256 " + sha + ") is already imported", "ALREADY_IMPORTED");
  AuditEvent e = GpfFund::import_event(name, sha, csv);
  return record_fund(&e, actor);
}

Status Service::import_gpf_ledger_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read the GPF ledger");
  std::ostringstream text;
  text << in.rdbuf();
  if (fund_.imported(sha256_hex(text.str()))) return Status();  // imported at an earlier start
  std::vector<GpfLineProblem> problems;
  return import_gpf_ledger(path, text.str(), "system", &problems);
}

Reply Service::gpf_import(const Context& c, const Params&, const std::string& body) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not import a GPF ledger (admin)");
  std::lock_guard lock(state_mutex_);
  std::vector<GpfLineProblem> problems;
  const Status s = import_gpf_ledger("the uploaded ledger", body, c.who->label(), &problems);
  if (!s.ok()) {
    if (problems.empty()) return status_reply(s);
    JsonWriter w;
    w.begin_object().key("error").begin_object().field("code", "UNREADABLE_LINE").field("message", s.message());
    w.end_object();
    write_problems(&w, problems);
    w.end_object();
    return Reply{422, w.take()};
  }
  GpfLedger ledger;
  (void)parse_gpf_ledger(body, "the uploaded ledger", &ledger);
  JsonWriter w;
  w.begin_object().field("imported_lines", int64_t(ledger.posting_count()));
  w.field("accounts", int64_t(ledger.account_count())).end_object();
  return Reply{200, w.take()};
}

Reply Service::gpf_export(const Context& c, const Params&, const std::string&) {
  const Role r = c.who->role;
  if (!(r == Role::kAdmin || r == Role::kAnalyst || is_ag(r))) {
    return forbidden(c.who->label() + " may not export the GPF ledger (AG officers, analyst, admin)");
  }
  std::lock_guard lock(state_mutex_);
  return Reply{200, fund_.export_csv(""), "text/csv"};
}

Reply Service::gpf_ledger(const Context& c, const Params&, const std::string&) {
  const Params p = {c.param("account")};
  if (p[0].empty()) return error_reply(400, "INVALID_ARGUMENT", "query 'account' (the GPF account) is required");
  std::lock_guard lock(state_mutex_);
  if (!may_read_gpf_account(c, p[0])) return forbidden(c.who->label() + " may not read GPF account '" + p[0] + "'");
  const std::vector<GpfPosting> postings = fund_.postings_of(p[0]);
  JsonWriter w;
  w.begin_object().field("gpf_account", p[0]).key("postings").begin_array();
  for (const GpfPosting& g : postings) {
    w.begin_object().field("seq", g.seq).field("month", format_month(g.month));
    w.field("kind", kPostingKindNames[int(g.kind)]).field("amount", int64_t(g.amount));
    w.field("reference", g.reference).field("by", g.actor).field("at", g.at).end_object();
  }
  w.end_array().end_object();
  return Reply{200, w.take()};
}

Reply Service::gpf_statement(const Context& c, const Params&, const std::string&) {
  const Params p = {c.param("account")};
  if (p[0].empty()) return error_reply(400, "INVALID_ARGUMENT", "query 'account' (the GPF account) is required");
  Month fy = 0;
  if (!parse_gpf_fy(c.param("fy"), &fy)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'fy' must be an FY like 2025-26");
  }
  if (profile_.gpf_interest.empty()) {
    return error_reply(422, "NO_RATE", "the profile has no gpf.interest (gpf.md §1)");
  }
  std::string csv;
  {
    std::lock_guard lock(state_mutex_);
    if (!may_read_gpf_account(c, p[0])) return forbidden(c.who->label() + " may not read GPF account '" + p[0] + "'");
    csv = fund_.export_csv(p[0]);
  }
  const GpfRates rates(profile_.gpf_interest);
  AccountStatement st;
  if (Status s = account_statement(csv, rates, fy, &st); !s.ok()) return status_reply(s);
  const GpfYear& y = st.result.walks[0].year;
  GpfMonths months;
  gpf_statement_months(st.ledger, rates, st.result, 0, &months);
  JsonWriter w;
  w.begin_object().field("gpf_account", p[0]).field("fy", c.param("fy"));
  w.field("opening", int64_t(y.opening)).field("credits", int64_t(y.credits)).field("debits", int64_t(y.debits));
  w.field("interest", int64_t(y.interest)).field("closing", int64_t(y.closing)).key("months").begin_array();
  for (int m = 0; m < 12; ++m) {
    w.begin_object().field("month", format_month(fy + m)).field("credits", int64_t(months.credits[m]));
    w.field("debits", int64_t(months.debits[m])).field("balance", int64_t(months.balance[m]));
    w.field("rate", gpf_percent_text(st.result.rate[m])).end_object();
  }
  w.end_array().end_object();
  return Reply{200, w.take()};
}

Reply Service::gpf_post(const Context& c, const Params&, const std::string& body) {
  JsonBody fields;
  if (Status s = parse_body(body, {"gpf_account", "kind", "month", "amount", "reference"}, &fields); !s.ok()) {
    return status_reply(s);
  }
  const JsonValue* account = find_field(fields, "gpf_account");
  if (account == nullptr || account->type != JsonValue::Type::kString || account->text.empty() ||
      account->text.size() > 256) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'gpf_account' must be the account, 1..256 characters");
  }
  const Params p = {account->text};
  const JsonValue* kind = find_field(fields, "kind");
  const JsonValue* month = find_field(fields, "month");
  const JsonValue* amount = find_field(fields, "amount");
  const JsonValue* reference = find_field(fields, "reference");
  GpfPosting posting;
  posting.account = p[0];
  bool known = false;
  for (int k = 0; kind != nullptr && kind->type == JsonValue::Type::kString && k < kPostingKindCount; ++k) {
    if (kPostingKindNames[k] == kind->text) posting.kind = PostingKind(k), known = true;
  }
  if (!known || posting.kind == PostingKind::kOpening || posting.kind == PostingKind::kSubscription) {
    return error_reply(400, "INVALID_ARGUMENT",
                       "field 'kind' must be ADVANCE, WITHDRAWAL, REFUND or DEPOSIT (subscriptions come from runs)");
  }
  if (month == nullptr || month->type != JsonValue::Type::kString || !parse_month(month->text, &posting.month)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'month' must be a month YYYY-MM");
  }
  if (amount == nullptr || amount->type != JsonValue::Type::kInteger || amount->integer < 1 ||
      amount->integer > kMaxAmount) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'amount' must be 1..999999999999 rupees");
  }
  posting.amount = amount->integer;
  if (reference != nullptr) {
    if (reference->type != JsonValue::Type::kString) return error_reply(400, "INVALID_ARGUMENT", "field 'reference' must be text");
    posting.reference = reference->text;
  }
  if (std::isspace(static_cast<unsigned char>(posting.account.front())) ||
      std::isspace(static_cast<unsigned char>(posting.account.back()))) {
    return error_reply(400, "INVALID_ARGUMENT", "the GPF account may not begin or end with spaces");
  }
  std::lock_guard lock(state_mutex_);
  // gpf.md §6: sanctioned by the roles that sanction them.
  const Role r = c.who->role;
  const bool by_ddo = r == Role::kDdo && posting.kind != PostingKind::kDeposit && may_read_gpf_account(c, p[0]);
  if (!(r == Role::kAdmin || r == Role::kAgApprover || by_ddo)) {
    return forbidden(c.who->label() + " may not post " + kind->text + " to GPF account '" + p[0] +
                     "' (its DDO: ADVANCE, WITHDRAWAL, REFUND; ag:approver, admin: also DEPOSIT)");
  }
  // A debit larger than the fund is refused here rather than refusing the account later.
  if (is_debit(posting.kind) && !profile_.gpf_interest.empty()) {
    const std::string csv = fund_.export_csv(p[0], {posting});
    AccountStatement st;
    const Status s = account_statement(csv, GpfRates(profile_.gpf_interest), gpf_fy_start(posting.month), &st);
    if (!s.ok() && s.reason() != nullptr && std::string_view(s.reason()) == "NEGATIVE_BALANCE") return status_reply(s);
  }
  AuditEvent e = GpfFund::post_event(posting);
  if (Status s = record_fund(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("seq", e.seq).field("gpf_account", posting.account).field("month", format_month(posting.month));
  w.field("kind", kPostingKindNames[int(posting.kind)]).field("amount", int64_t(posting.amount));
  w.field("reference", posting.reference).field("by", e.actor).field("at", e.at).end_object();
  return Reply{201, w.take()};
}

}  // namespace vetan::serve
