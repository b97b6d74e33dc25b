#include "api/serve/gpf_fund.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "api/serve/json.h"
#include "core/gpf/gpf_months.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan::serve {

namespace {

constexpr std::string_view kImport = "gpf.import", kPost = "gpf.post", kSubscribe = "gpf.subscribe",
                           kStepPrefix = "pf9.";
const std::string kSystem = "system";

bool parse_kind(std::string_view text, PostingKind* out) {
  for (int k = 0; k < kPostingKindCount; ++k) {
    if (kPostingKindNames[k] == text) {
      *out = PostingKind(k);
      return true;
    }
  }
  return false;
}

void write_line(JsonWriter* w, const Pf9LedgerLine& l) {
  w->begin_object().field("month", format_month(l.month)).field("kind", kPostingKindNames[int(l.kind)]);
  w->field("amount", int64_t(l.amount)).field("reference", l.reference).end_object();
}

// Readers of the stored JSON: a missing or mistyped field fails naming it.
struct Fields {
  simdjson::dom::object object;
  std::string where;
  Status text(const char* key, std::string* out) const {
    std::string_view v;
    if (object[key].get_string().get(v) != simdjson::SUCCESS) return Status::invalid_argument(where + ": field '" + key + "'");
    *out = std::string(v);
    return Status();
  }
  Status integer(const char* key, int64_t* out) const {
    if (object[key].get_int64().get(*out) != simdjson::SUCCESS) return Status::invalid_argument(where + ": field '" + key + "'");
    return Status();
  }
  Status month(const char* key, Month* out) const {
    std::string t;
    if (Status s = text(key, &t); !s.ok()) return s;
    if (t.empty()) {
      *out = 0;
      return Status();
    }
    if (!parse_month(t, out)) return Status::invalid_argument(where + ": field '" + std::string(key) + "' is not a month");
    return Status();
  }
};

Status read_step(const Fields& f, Pf9Action action, const std::string& case_id, Pf9Step* s) {
  s->action = action;
  s->case_id = case_id;
  std::string role, reason, document, kind;
  int64_t r = 0;
  if (Status st = f.integer("role", &r); !st.ok()) return st;
  if (r < 0 || r > int64_t(Pf9Role::kOther)) return Status::invalid_argument(f.where + ": field 'role'");
  s->actor.role = Pf9Role(r);
  for (auto [key, out] : {std::pair<const char*, std::string*>{"scope", &s->actor.scope},
                          {"employee_id", &s->employee_id}, {"gpf_account", &s->gpf_account},
                          {"ddo_code", &s->ddo_code}, {"treasury_code", &s->treasury_code},
                          {"bank_account", &s->bank_account}, {"ifsc", &s->ifsc}, {"sha256", &s->sha256},
                          {"application_number", &s->application_number}, {"remark", &s->remark},
                          {"voucher", &s->voucher}, {"reason", &reason}, {"document", &document}}) {
    if (Status st = f.text(key, out); !st.ok()) return st;
  }
  s->has_reason = !reason.empty();
  if (s->has_reason && !parse_pf9_reason(reason, &s->reason)) return Status::invalid_argument(f.where + ": field 'reason'");
  if (!parse_pf9_document(document, &s->document)) return Status::invalid_argument(f.where + ": field 'document'");
  if (Status st = f.month("payable_month", &s->payable_month); !st.ok()) return st;
  if (Status st = f.integer("bytes", &s->bytes); !st.ok()) return st;
  int64_t amount = 0, computed = 0;
  if (Status st = f.integer("amount", &amount); !st.ok()) return st;
  if (Status st = f.integer("computed_amount", &computed); !st.ok()) return st;
  s->amount = amount, s->computed_amount = computed;
  simdjson::dom::array lines;
  if (f.object["part_two"].get_array().get(lines) != simdjson::SUCCESS) {
    return Status::invalid_argument(f.where + ": field 'part_two'");
  }
  for (simdjson::dom::element e : lines) {
    Fields lf;
    lf.where = f.where + " part_two";
    if (e.get_object().get(lf.object) != simdjson::SUCCESS) return Status::invalid_argument(lf.where);
    Pf9LedgerLine l;
    int64_t a = 0;
    if (Status st = lf.month("month", &l.month); !st.ok()) return st;
    if (Status st = lf.text("kind", &kind); !st.ok()) return st;
    if (!parse_kind(kind, &l.kind)) return Status::invalid_argument(lf.where + ": field 'kind'");
    if (Status st = lf.integer("amount", &a); !st.ok()) return st;
    l.amount = a;
    if (Status st = lf.text("reference", &l.reference); !st.ok()) return st;
    s->part_two.push_back(std::move(l));
  }
  return Status();
}

}  // namespace

std::string gpf_csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status validate_gpf_ledger(std::string_view csv, const std::string& name, std::vector<GpfLineProblem>* problems) {
  GpfLedger ledger;
  if (Status s = parse_gpf_ledger(csv, name, &ledger); !s.ok()) return s;
  *problems = ledger.problems;
  if (!problems->empty()) {
    return Status::invalid_argument(name + ": " + std::to_string(problems->size()) +
                                        " lines cannot be read (first: line " + std::to_string(problems->front().line) +
                                        ": " + problems->front().problem + "); nothing imported",
                                    "UNREADABLE_LINE");
  }
  return Status();
}

bool GpfFund::owns(std::string_view action) {
  return action == kImport || action == kPost || action == kSubscribe || action.rfind(kStepPrefix, 0) == 0;
}

AuditEvent GpfFund::import_event(const std::string& name, const std::string& sha256, const std::string& csv) {
  AuditEvent e;
  e.action = std::string(kImport);
  e.entity = "gpf:ledger";
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("name", name).field("sha256", sha256).field("csv", csv).end_object();
  e.after = w.take();
  return e;
}

AuditEvent GpfFund::post_event(const GpfPosting& p) {
  AuditEvent e;
  e.action = std::string(kPost);
  e.entity = "gpf:" + p.account;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("month", format_month(p.month)).field("kind", kPostingKindNames[int(p.kind)]);
  w.field("amount", int64_t(p.amount)).field("reference", p.reference).end_object();
  e.after = w.take();
  return e;
}

AuditEvent GpfFund::subscribe_event(const GpfRunSubscriptions& run) {
  AuditEvent e;
  e.action = std::string(kSubscribe);
  e.entity = "gpf:run:" + std::to_string(run.run_id);
  e.before = "{}";
  size_t postings = 0;
  for (const GpfBillSubscriptions& b : run.bills) postings += b.amounts.size();
  std::string& out = e.after;
  out.reserve(64 + postings * 24);
  out += "{\"run\":" + std::to_string(run.run_id);
  out += ",\"salary_month\":\"" + format_month(run.salary_month) + "\",\"month\":\"" + format_month(run.month);
  out += "\",\"withdrawn\":[";
  for (size_t i = 0; i < run.withdrawn.size(); ++i) {
    if (i) out += ',';
    append_json_string(&out, run.withdrawn[i]);
  }
  out += "],\"bills\":[";
  char number[24];
  for (size_t i = 0; i < run.bills.size(); ++i) {
    const GpfBillSubscriptions& b = run.bills[i];
    out += i ? ",{\"bill\":" : "{\"bill\":";
    append_json_string(&out, b.bill_id);
    out += ",\"accounts\":[";
    for (size_t k = 0; k < b.accounts.size(); ++k) {
      if (k) out += ',';
      append_json_string(&out, b.accounts[k]);
    }
    out += "],\"amounts\":[";
    for (size_t k = 0; k < b.amounts.size(); ++k) {
      if (k) out += ',';
      const int n = std::snprintf(number, sizeof number, "%lld", static_cast<long long>(b.amounts[k]));
      out.append(number, size_t(n));
    }
    out += "]}";
  }
  out += "]}";
  return e;
}

namespace {

Status read_subscriptions(const Fields& f, GpfRunSubscriptions* run) {
  if (Status s = f.integer("run", &run->run_id); !s.ok()) return s;
  if (Status s = f.month("salary_month", &run->salary_month); !s.ok()) return s;
  if (Status s = f.month("month", &run->month); !s.ok()) return s;
  simdjson::dom::array withdrawn, bills;
  if (f.object["withdrawn"].get_array().get(withdrawn) != simdjson::SUCCESS) {
    return Status::invalid_argument(f.where + ": field 'withdrawn'");
  }
  for (simdjson::dom::element w : withdrawn) {
    std::string_view id;
    if (w.get_string().get(id) != simdjson::SUCCESS) return Status::invalid_argument(f.where + ": field 'withdrawn'");
    run->withdrawn.emplace_back(id);
  }
  if (f.object["bills"].get_array().get(bills) != simdjson::SUCCESS) {
    return Status::invalid_argument(f.where + ": field 'bills'");
  }
  run->bills.reserve(bills.size());
  for (simdjson::dom::element e : bills) {
    GpfBillSubscriptions b;
    std::string_view id;
    simdjson::dom::array accounts, amounts;
    if (e["bill"].get_string().get(id) != simdjson::SUCCESS || e["accounts"].get_array().get(accounts) ||
        e["amounts"].get_array().get(amounts) || accounts.size() != amounts.size()) {
      return Status::invalid_argument(f.where + ": a bill without 'bill', or 'accounts' and 'amounts' of one length");
    }
    b.bill_id = std::string(id);
    b.accounts.reserve(accounts.size());
    b.amounts.reserve(amounts.size());
    for (simdjson::dom::element a : accounts) {
      std::string_view text;
      if (a.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
        return Status::invalid_argument(f.where + ": bill " + b.bill_id + ": an account is not text");
      }
      b.accounts.emplace_back(text);
    }
    for (simdjson::dom::element a : amounts) {
      int64_t amount = 0;
      if (a.get_int64().get(amount) != simdjson::SUCCESS || amount <= 0) {
        return Status::invalid_argument(f.where + ": bill " + b.bill_id + ": an amount is not a positive integer");
      }
      b.amounts.push_back(amount);
    }
    run->bills.push_back(std::move(b));
  }
  return Status();
}

}  // namespace

uint32_t GpfFund::account_code(const std::string& account) {
  auto [it, inserted] = account_codes_.try_emplace(account, uint32_t(account_names_.size()));
  if (inserted) account_names_.push_back(&it->first);
  return it->second;
}

void GpfFund::apply_subscriptions(const GpfRunSubscriptions& run, int64_t seq, const std::string& at) {
  apply_subscriptions(run, prepare_subscriptions(run), seq, at);
}

GpfFund::PreparedSubscriptions GpfFund::prepare_subscriptions(const GpfRunSubscriptions& run) const {
  PreparedSubscriptions out;
  out.codes.resize(run.bills.size());
  for (size_t i = 0; i < run.bills.size(); ++i) {
    const std::vector<std::string>& accounts = run.bills[i].accounts;
    std::vector<uint32_t>& codes = out.codes[i];
    codes.resize(accounts.size());
    for (size_t k = 0; k < accounts.size(); ++k) {
      const auto found = account_codes_.find(accounts[k]);
      codes[k] = found == account_codes_.end() ? kNewAccount : found->second;
    }
  }
  return out;
}

void GpfFund::apply_subscriptions(const GpfRunSubscriptions& run, PreparedSubscriptions prepared, int64_t seq,
                                  const std::string& at) {
  for (const std::string& id : run.withdrawn) bills_.erase(id);
  for (size_t i = 0; i < run.bills.size(); ++i) {
    const GpfBillSubscriptions& b = run.bills[i];
    BillPostings& p = bills_[b.bill_id];
    p.run_id = run.run_id, p.seq = seq, p.month = run.month, p.at = at;
    p.account = std::move(prepared.codes[i]);
    for (size_t k = 0; k < b.accounts.size(); ++k) {
      if (p.account[k] == kNewAccount) p.account[k] = account_code(b.accounts[k]);
    }
    p.amount = b.amounts;
    if (p.account.empty()) bills_.erase(b.bill_id);
  }
  runs_.insert(run.run_id);
}

size_t GpfFund::subscription_count() const {
  size_t n = 0;
  for (const auto& [id, b] : bills_) n += b.amount.size();
  return n;
}

AuditEvent GpfFund::step_event(const Pf9Step& s) {
  AuditEvent e;
  e.action = std::string(kStepPrefix) + std::string(name(s.action));
  e.entity = "pf9:" + s.case_id;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("role", int64_t(s.actor.role)).field("scope", s.actor.scope);
  w.field("employee_id", s.employee_id).field("gpf_account", s.gpf_account).field("ddo_code", s.ddo_code);
  w.field("treasury_code", s.treasury_code).field("reason", s.has_reason ? name(s.reason) : std::string_view());
  w.field("bank_account", s.bank_account).field("ifsc", s.ifsc);
  w.field("payable_month", s.payable_month == 0 ? std::string() : format_month(s.payable_month));
  w.field("document", name(s.document)).field("sha256", s.sha256).field("bytes", s.bytes);
  w.field("application_number", s.application_number).field("remark", s.remark);
  w.field("amount", int64_t(s.amount)).field("computed_amount", int64_t(s.computed_amount));
  w.field("voucher", s.voucher).key("part_two").begin_array();
  for (const Pf9LedgerLine& l : s.part_two) write_line(&w, l);
  w.end_array().end_object();
  e.after = w.take();
  return e;
}

Status GpfFund::apply(const AuditEvent& e, bool commit) {
  const std::string where = "audit event " + std::to_string(e.seq) + " (" + e.action + ")";
  simdjson::dom::parser parser;
  Fields f;
  f.where = where;
  if (parser.parse(e.after).get_object().get(f.object) != simdjson::SUCCESS) {
    return Status::invalid_argument(where + ": not a JSON object");
  }
  if (e.action == kImport) {
    std::string csv, sha;
    if (Status s = f.text("csv", &csv); !s.ok()) return s;
    if (Status s = f.text("sha256", &sha); !s.ok()) return s;
    GpfLedger ledger;
    if (Status s = parse_gpf_ledger(csv, where, &ledger); !s.ok()) return s;
    if (!ledger.problems.empty()) return Status::invalid_argument(where + ": the stored ledger has unreadable lines");
    if (!commit) return Status();
    const std::string reference = "import:" + sha.substr(0, 12);
    for (Dictionary::Code a = 0; a < ledger.account_count(); ++a) {
      for (uint64_t i = ledger.begin[a]; i < ledger.begin[a + 1]; ++i) {
        posted_by_account_[std::string(ledger.accounts.value(a))].push_back(uint32_t(postings_.size()));
        postings_.push_back({std::string(ledger.accounts.value(a)), ledger.month[i], ledger.kind[i], ledger.amount[i],
                             reference, e.seq, e.actor, e.at});
      }
    }
    imports_.push_back(sha);
    return Status();
  }
  if (e.action == kSubscribe) {
    GpfRunSubscriptions run;
    if (Status s = read_subscriptions(f, &run); !s.ok()) return s;
    if (commit) apply_subscriptions(run, e.seq, e.at);
    return Status();
  }
  if (e.action == kPost) {
    GpfPosting p;
    p.account = e.entity.substr(4);
    std::string kind;
    int64_t amount = 0;
    if (Status s = f.month("month", &p.month); !s.ok()) return s;
    if (Status s = f.text("kind", &kind); !s.ok()) return s;
    if (!parse_kind(kind, &p.kind)) return Status::invalid_argument(where + ": field 'kind'");
    if (Status s = f.integer("amount", &amount); !s.ok()) return s;
    p.amount = amount;
    if (Status s = f.text("reference", &p.reference); !s.ok()) return s;
    p.seq = e.seq, p.actor = e.actor, p.at = e.at;
    if (commit) {
      posted_by_account_[p.account].push_back(uint32_t(postings_.size()));
      postings_.push_back(std::move(p));
    }
    return Status();
  }
  Pf9Action action;
  if (!parse_pf9_action(std::string_view(e.action).substr(kStepPrefix.size()), &action)) {
    return Status::invalid_argument(where + ": unknown action");
  }
  Pf9Step step;
  if (Status s = read_step(f, action, e.entity.substr(4), &step); !s.ok()) return s;
  step.seq = e.seq;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(e.at.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &sec) == 6) {
    step.at = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  }
  if (!commit) {  // on a copy of the one case the step touches
    const Pf9Case* c = cases_.find(step.case_id);
    if (c == nullptr || action == Pf9Action::kCreate) return Pf9Book().apply(step);
    Pf9Case copy = *c;
    return apply_pf9_step(step, &copy);
  }
  if (Status s = cases_.apply(step); !s.ok()) return s;
  if (action == Pf9Action::kLock && cases_.find(step.case_id)->application_number == step.application_number) {
    ++applications_;
  }
  return Status();
}

std::vector<GpfFund::Line> GpfFund::lines_of(const std::string& account) const {
  std::vector<Line> out;
  auto add = [&](const GpfPosting& p) {
    out.push_back({&p.account, p.month, p.kind, p.amount, &p.reference, p.seq, &p.actor, &p.at});
  };
  if (account.empty()) {
    out.reserve(postings_.size() + subscription_count());
    for (const GpfPosting& p : postings_) add(p);
  } else if (auto it = posted_by_account_.find(account); it != posted_by_account_.end()) {
    for (uint32_t i : it->second) add(postings_[i]);
  }
  const auto code = account_codes_.find(account);
  if (account.empty() || code != account_codes_.end()) {
    const uint32_t wanted = account.empty() ? 0 : code->second;
    for (const auto& [id, b] : bills_) {
      for (size_t k = 0; k < b.account.size(); ++k) {
        if (!account.empty() && b.account[k] != wanted) continue;
        out.push_back({account_names_[b.account[k]], b.month, PostingKind::kSubscription, b.amount[k], &id, b.seq,
                       &kSystem, &b.at});
      }
    }
  }
  // By account, month, then the event that posted it (its order within the event kept).
  std::stable_sort(out.begin(), out.end(), [](const Line& a, const Line& b) {
    if (a.account != b.account) {
      if (int c = a.account->compare(*b.account); c != 0) return c < 0;
    }
    if (a.month != b.month) return a.month < b.month;
    return a.seq < b.seq;
  });
  return out;
}

std::vector<GpfPosting> GpfFund::postings_of(const std::string& account) const {
  std::vector<GpfPosting> out;
  for (const Line& l : lines_of(account)) {
    out.push_back({*l.account, l.month, l.kind, l.amount, *l.reference, l.seq, *l.actor, *l.at});
  }
  return out;
}

bool GpfFund::has_account(const std::string& account) const {
  if (posted_by_account_.count(account)) return true;
  const auto code = account_codes_.find(account);
  if (code == account_codes_.end()) return false;
  for (const auto& [id, b] : bills_) {
    if (std::find(b.account.begin(), b.account.end(), code->second) != b.account.end()) return true;
  }
  return false;
}

bool GpfFund::imported(const std::string& sha256) const {
  return std::find(imports_.begin(), imports_.end(), sha256) != imports_.end();
}

std::string GpfFund::export_csv(const std::string& account, const std::vector<GpfPosting>& extra) const {
  std::vector<Line> lines = lines_of(account);
  if (!extra.empty()) {
    for (const GpfPosting& p : extra) {
      lines.push_back({&p.account, p.month, p.kind, p.amount, &p.reference, INT64_MAX, &p.actor, &p.at});
    }
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
      if (int c = a.account->compare(*b.account); c != 0) return c < 0;
      return a.month < b.month;
    });
  }
  std::string out = "gpf_account,month,kind,amount,reference\n";
  out.reserve(out.size() + lines.size() * 48);
  char number[24];
  for (const Line& l : lines) {
    out += gpf_csv_field(*l.account);
    out += ',';
    out += gpf_month_name(l.month);
    out += ',';
    out += kPostingKindNames[int(l.kind)];
    out += ',';
    out.append(number, size_t(std::snprintf(number, sizeof number, "%lld", static_cast<long long>(l.amount))));
    out += ',';
    out += gpf_csv_field(*l.reference);
    out += '\n';
  }
  return out;
}

std::string GpfFund::next_case_id() const {
  char text[32];
  std::snprintf(text, sizeof text, "PF9-%06zu", cases_.cases().size() + 1);
  return text;
}

std::string GpfFund::next_application_number(int year) const {
  char text[48];
  std::snprintf(text, sizeof text, "PF9/%d/%06lld", year, static_cast<long long>(applications_ + 1));
  return text;
}

}  // namespace vetan::serve
