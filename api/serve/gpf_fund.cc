#include "api/serve/gpf_fund.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "api/serve/json.h"
#include "core/gpf/gpf_months.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan::serve {

namespace {

constexpr std::string_view kImport = "gpf.import", kPost = "gpf.post", kStepPrefix = "pf9.";

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
  return action == kImport || action == kPost || action.rfind(kStepPrefix, 0) == 0;
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
        postings_.push_back({std::string(ledger.accounts.value(a)), ledger.month[i], ledger.kind[i], ledger.amount[i],
                             reference, e.seq, e.actor, e.at});
      }
    }
    imports_.push_back(sha);
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
    if (commit) postings_.push_back(std::move(p));
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

std::vector<const GpfPosting*> GpfFund::postings_of(const std::string& account) const {
  std::vector<const GpfPosting*> out;
  for (const GpfPosting& p : postings_) {
    if (account.empty() || p.account == account) out.push_back(&p);
  }
  std::stable_sort(out.begin(), out.end(), [](const GpfPosting* a, const GpfPosting* b) {
    if (a->account != b->account) return a->account < b->account;
    return a->month < b->month;
  });
  return out;
}

bool GpfFund::has_account(const std::string& account) const {
  return std::any_of(postings_.begin(), postings_.end(), [&](const GpfPosting& p) { return p.account == account; });
}

bool GpfFund::imported(const std::string& sha256) const {
  return std::find(imports_.begin(), imports_.end(), sha256) != imports_.end();
}

std::string GpfFund::export_csv(const std::string& account, const std::vector<GpfPosting>& extra) const {
  std::vector<const GpfPosting*> lines = postings_of(account);
  for (const GpfPosting& p : extra) lines.push_back(&p);
  std::stable_sort(lines.begin(), lines.end(), [](const GpfPosting* a, const GpfPosting* b) {
    if (a->account != b->account) return a->account < b->account;
    return a->month < b->month;
  });
  std::string out = "gpf_account,month,kind,amount,reference\n";
  for (const GpfPosting* p : lines) {
    out += gpf_csv_field(p->account);
    out += ',';
    out += gpf_month_name(p->month);
    out += ',';
    out += kPostingKindNames[int(p->kind)];
    out += ',';
    out += std::to_string(p->amount);
    out += ',';
    out += gpf_csv_field(p->reference);
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
