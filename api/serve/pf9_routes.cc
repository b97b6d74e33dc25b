// The PF-9 final-payment case's routes (gpf.md §7, issue 10 item 5; fund-routes.md): each
// step is a Pf9Step checked by core/gpf/pf9_case (state, role, fields), appended to the
// audit store before the reply and replayed at open. Documents are stored by SHA-256 under
// DATA/documents/, written once and never overwritten.
#include <simdjson.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "api/serve/crypto.h"
#include "api/serve/service.h"
#include "core/gpf/final_payment.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan::serve {

namespace {

constexpr size_t kMaxDocumentBytes = size_t(2) << 20;

Pf9Actor pf9_actor(const Principal& who) {
  switch (who.role) {
    case Role::kEmployee: return {Pf9Role::kEmployee, who.scope};
    case Role::kDdo: return {Pf9Role::kDdo, who.scope};
    case Role::kHeadOfOffice: return {Pf9Role::kHeadOfOffice, who.scope};
    case Role::kAgInitiator: return {Pf9Role::kAgInitiator, ""};
    case Role::kAgChecker: return {Pf9Role::kAgChecker, ""};
    case Role::kAgApprover: return {Pf9Role::kAgApprover, ""};
    case Role::kTreasury: return {Pf9Role::kTreasury, who.scope};
    default: return {Pf9Role::kOther, who.label()};
  }
}

// The caller may read case `c`: its parties, the treasury once it is authorised, the AG's
// officers, analyst, admin.
bool may_read_case(const Principal& who, const Pf9Case& c) {
  switch (who.role) {
    case Role::kAdmin:
    case Role::kAnalyst:
    case Role::kAgInitiator:
    case Role::kAgChecker:
    case Role::kAgApprover: return true;
    case Role::kEmployee: return who.scope == c.employee_id;
    case Role::kDdo:
    case Role::kHeadOfOffice: return who.scope == c.ddo_code;
    case Role::kTreasury:
      return who.scope == c.treasury_code && (c.state == Pf9State::kAuthorised || c.state == Pf9State::kPaid);
  }
  return false;
}

void write_lines(JsonWriter* w, const std::vector<Pf9LedgerLine>& lines) {
  w->begin_array();
  for (const Pf9LedgerLine& l : lines) {
    w->begin_object().field("month", format_month(l.month)).field("kind", kPostingKindNames[int(l.kind)]);
    w->field("amount", int64_t(l.amount)).field("reference", l.reference).end_object();
  }
  w->end_array();
}

// The case as replies show it; with `computed`, its "computed_amount" (the gpf.md §5 amount
// due if paid this month, null when it cannot be computed) inside the object.
void write_case(JsonWriter* w, const Pf9Case& c, const Money* computed = nullptr) {
  w->begin_object().field("case_id", c.case_id);
  w->key("application_number");
  c.application_number.empty() ? w->null() : w->value(c.application_number);
  w->field("employee_id", c.employee_id).field("gpf_account", c.gpf_account).field("ddo_code", c.ddo_code);
  w->field("treasury_code", c.treasury_code).field("state", name(c.state)).field("reason", name(c.reason));
  w->field("bank_account", c.bank_account).field("ifsc", c.ifsc);
  w->field("payable_month", c.payable_month == 0 ? std::string() : format_month(c.payable_month));
  w->key("documents").begin_array();
  for (int d = 0; d < kPf9DocumentCount; ++d) {
    if (c.documents[d].sha256.empty()) continue;
    w->begin_object().field("kind", name(Pf9Document(d))).field("sha256", c.documents[d].sha256);
    w->field("bytes", c.documents[d].bytes).end_object();
  }
  w->end_array().key("part_two");
  if (c.has_part_two) {
    write_lines(w, c.part_two);
  } else {
    w->null();
  }
  w->key("amounts").begin_array();
  for (const Pf9Amount& a : c.amounts) {
    w->begin_object().field("step", name(a.step)).field("amount", int64_t(a.amount));
    w->key("computed_amount");
    a.computed_amount < 0 ? w->null() : w->value(int64_t(a.computed_amount));
    w->field("reason", a.reason).field("at", utc_timestamp(a.at)).end_object();
  }
  w->end_array().key("authorised_amount");
  if (c.state == Pf9State::kAuthorised || c.state == Pf9State::kPaid) {
    w->value(int64_t(c.authorised_amount()));
  } else {
    w->null();
  }
  w->field("voucher", c.voucher).key("history").begin_array();
  for (const Pf9Case::Entry& e : c.history) {
    w->begin_object().field("seq", e.step.seq).field("at", utc_timestamp(e.step.at));
    w->field("action", name(e.step.action)).field("from", name(e.from)).field("to", name(e.to));
    w->field("remark", e.step.remark).end_object();
  }
  w->end_array();
  if (computed != nullptr) {
    w->key("computed_amount");
    *computed < 0 ? w->null() : w->value(int64_t(*computed));
  }
  w->end_object();
}

Reply case_reply(int status, const Pf9Case& c, Money computed) {
  JsonWriter w;
  w.begin_object().key("case");
  write_case(&w, c);
  w.key("computed_amount");
  computed < 0 ? w.null() : w.value(int64_t(computed));
  w.end_object();
  return Reply{status, w.take()};
}

// The application's fields of a create or edit body.
Status read_application(const JsonBody& body, Pf9Step* step) {
  for (const auto& [key, value] : body) {
    if (value.type != JsonValue::Type::kString) return Status::invalid_argument("field '" + key + "' must be text");
    if (key == "reason") {
      if (!parse_pf9_reason(value.text, &step->reason)) {
        return Status::invalid_argument("field 'reason' must be RETIREMENT, QUIT or TRANSFER");
      }
      step->has_reason = true;
    } else if (key == "bank_account") {
      if (value.text.empty() || value.text.size() > 34) return Status::invalid_argument("field 'bank_account' must be 1..34 characters");
      step->bank_account = value.text;
    } else if (key == "ifsc") {
      if (!valid_ifsc(value.text)) return Status::invalid_argument("field 'ifsc' must be 4 letters, '0' and 6 letters or digits");
      step->ifsc = value.text;
    } else if (key == "payable_month") {
      if (!parse_month(value.text, &step->payable_month)) return Status::invalid_argument("field 'payable_month' must be YYYY-MM");
    }
  }
  return Status();
}

// Part II (gpf.md §7 step 2): {"final_deductions": [{month, amount}], "advances": [{month,
// kind, amount, reference}]}.
Status read_part_two(const std::string& body, std::vector<Pf9LedgerLine>* lines) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.empty() ? std::string("{}") : body).get_object().get(root) != simdjson::SUCCESS) {
    return Status::invalid_argument("body: a JSON object with 'final_deductions' and 'advances' is required");
  }
  for (auto [key, value] : root) {
    const bool deductions = key == "final_deductions";
    if (!deductions && key != "advances") return Status::invalid_argument("body: unknown field '" + std::string(key) + "'");
    simdjson::dom::array list;
    if (value.get_array().get(list) != simdjson::SUCCESS) {
      return Status::invalid_argument("field '" + std::string(key) + "' must be a list");
    }
    size_t n = 0;
    for (simdjson::dom::element e : list) {
      const std::string where = std::string(key) + "[" + std::to_string(n++) + "]";
      Pf9LedgerLine l;
      std::string_view month, kind = deductions ? "SUBSCRIPTION" : "", reference;
      int64_t amount = 0;
      if (e["month"].get_string().get(month) != simdjson::SUCCESS || !parse_month(month, &l.month)) {
        return Status::invalid_argument(where + ": field 'month' must be YYYY-MM");
      }
      if (e["amount"].get_int64().get(amount) != simdjson::SUCCESS) {
        return Status::invalid_argument(where + ": field 'amount' must be whole rupees");
      }
      l.amount = amount;
      if (!deductions) {
        if (e["kind"].get_string().get(kind) != simdjson::SUCCESS) {
          return Status::invalid_argument(where + ": field 'kind' must be ADVANCE, WITHDRAWAL or REFUND");
        }
        bool known = false;
        for (int k = 0; k < kPostingKindCount; ++k) {
          if (kPostingKindNames[k] == kind) l.kind = PostingKind(k), known = true;
        }
        if (!known || l.kind == PostingKind::kSubscription) {
          return Status::invalid_argument(where + ": field 'kind' must be ADVANCE, WITHDRAWAL or REFUND");
        }
      }
      if (auto r = e["reference"].get_string(); r.error() == simdjson::SUCCESS) l.reference = std::string(r.value());
      lines->push_back(std::move(l));
    }
  }
  return Status();
}

// gpf.md §7 step 1: a PDF by content (the "%PDF-" header and an "%%EOF" marker near the
// end), not by its name.
Status check_pdf(const std::string& body) {
  if (body.empty()) return Status::invalid_argument("the document is empty");
  if (body.size() > kMaxDocumentBytes) return Status::invalid_argument("the document is larger than 2 MiB", "TOO_LARGE");
  if (body.compare(0, 5, "%PDF-") != 0) return Status::invalid_argument("the document is not a PDF (no %PDF- header)", "NOT_PDF");
  const size_t tail = body.size() > 1024 ? body.size() - 1024 : 0;
  if (body.find("%%EOF", tail) == std::string::npos) {
    return Status::invalid_argument("the document is not a whole PDF (no %%EOF at its end)", "NOT_PDF");
  }
  return Status();
}

// Writes the document once as DIR/documents/<sha256>.pdf, synced; one already there is kept.
Status store_document(const std::string& data_dir, const std::string& sha, const std::string& body) {
  const std::string folder = data_dir + "/documents";
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  const std::string path = folder + "/" + sha + ".pdf";
  if (std::filesystem::exists(path, ec)) return Status();  // same bytes: never overwritten
  const std::string temp = path + ".part";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io_error("cannot write " + temp, "STORE_UNAVAILABLE");
  size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Status::io_error("cannot write " + temp, "STORE_UNAVAILABLE");
    }
    done += size_t(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::link(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    if (std::filesystem::exists(path, ec)) return Status();
    return Status::io_error("cannot store " + path, "STORE_UNAVAILABLE");
  }
  ::unlink(temp.c_str());
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status();
}

// gpf.md §7 step 4: the authorisation of an AUTHORISED or PAID case, as signed.
Pf9Authorisation authorisation_of(const Pf9Case& c) {
  Pf9Authorisation a;
  a.case_id = c.case_id, a.application_number = c.application_number;
  a.employee_id = c.employee_id, a.gpf_account = c.gpf_account;
  a.amount = c.authorised_amount();
  a.bank_account = c.bank_account, a.ifsc = c.ifsc, a.treasury_code = c.treasury_code;
  for (const Pf9Case::Entry& e : c.history) {
    if (e.step.action != Pf9Action::kApprove) continue;
    a.approved_by = "ag:approver";
    if (!e.step.actor.scope.empty()) a.approved_by += ":" + e.step.actor.scope;
    a.approved_at = utc_timestamp(e.step.at);
  }
  return a;
}

}  // namespace

Reply Service::gpf_authority_key(const Context&, const Params&, const std::string&) {
  return Reply{200, authority_.public_pem(), "application/x-pem-file"};
}

Reply Service::pf9_authorisation(const Context& c, const Params& p, const std::string&) {
  std::lock_guard lock(state_mutex_);
  const Pf9Case* k = fund_.cases().find(p[0]);
  if (k == nullptr || !may_read_case(*c.who, *k)) return error_reply(404, "NOT_FOUND", "no case " + p[0]);
  if (k->state != Pf9State::kAuthorised && k->state != Pf9State::kPaid) {
    return error_reply(409, "CASE_STATE", "case " + p[0] + " is " + std::string(name(k->state)) + "; not authorised yet");
  }
  Reply r{200, signed_pf9_authorisation(authorisation_of(*k), authority_), "text/plain; charset=utf-8"};
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + k->case_id + "-authorisation.txt\""});
  return r;
}

Status Service::pf9_computed_amount(const Pf9Case& c, Month payment_month, Money* amount) const {
  if (profile_.gpf_interest.empty()) return Status::refused("the profile has no gpf.interest", "NO_RATE");
  std::vector<GpfPosting> extra;
  for (const Pf9LedgerLine& l : c.part_two) {
    extra.push_back({c.gpf_account, l.month, l.kind, l.amount, c.case_id, 0, "", ""});
  }
  GpfLedger ledger;
  if (Status s = parse_gpf_ledger(fund_.export_csv(c.gpf_account, extra), "the fund's ledger", &ledger); !s.ok()) return s;
  GpfCase k;
  k.case_id = c.case_id, k.account = c.gpf_account;
  k.payable = c.payable_month, k.payment = std::max(payment_month, c.payable_month);
  k.payable_text = format_month(k.payable), k.payment_text = format_month(k.payment);
  GpfFinalResult result;
  if (Status s = compute_gpf_final(ledger, GpfRates(profile_.gpf_interest), {k}, &result); !s.ok()) {
    return Status::refused(s.message(), "NO_RATE");
  }
  if (result.paid.empty()) {
    const GpfRefused& r = result.walks[0].refused;
    return Status::refused(std::string(kGpfRefusalNames[int(r.reason)]) + ": " +
                               gpf_refusal_detail(r, k.payable_text, k.payment_text),
                           kGpfRefusalNames[int(r.reason)]);
  }
  *amount = result.walks[0].year.closing;
  return Status();
}

Reply Service::pf9_create(const Context& c, const Params&, const std::string& body) {
  if (c.who->role != Role::kEmployee) return forbidden(c.who->label() + " may not open a PF-9 case (the subscriber)");
  JsonBody fields;
  if (Status s = parse_body(body, {"reason", "bank_account", "ifsc", "payable_month"}, &fields); !s.ok()) {
    return status_reply(s);
  }
  Pf9Step step;
  step.action = Pf9Action::kCreate;
  step.actor = pf9_actor(*c.who);
  if (Status s = read_application(fields, &step); !s.ok()) return status_reply(s);
  std::lock_guard lock(state_mutex_);
  size_t row = 0;
  if (Status s = find_row(c.who->scope, &row); !s.ok()) return status_reply(s);
  step.employee_id = c.who->scope;
  step.gpf_account = std::string(base_->gpf_account[row]);
  step.ddo_code = std::string(base_->ddo_code[row]);
  step.treasury_code = std::string(base_->treasury_code[row]);
  if (step.gpf_account.empty()) {
    return error_reply(422, "NO_GPF_ACCOUNT", "employee " + step.employee_id + " has no gpf_account on the master");
  }
  step.case_id = fund_.next_case_id();
  AuditEvent e = GpfFund::step_event(step);
  if (Status s = record_fund(&e, c.who->label()); !s.ok()) return status_reply(s);
  return case_reply(201, *fund_.cases().find(step.case_id), -1);
}

Reply Service::pf9_get(const Context& c, const Params& p, const std::string&) {
  std::lock_guard lock(state_mutex_);
  const Pf9Case* k = fund_.cases().find(p[0]);
  if (k == nullptr || !may_read_case(*c.who, *k)) return error_reply(404, "NOT_FOUND", "no case " + p[0]);
  const CivilDate d = civil_from_days(today());
  Money computed = -1;
  if (k->payable_month != 0 && !pf9_computed_amount(*k, make_month(d.year, d.month), &computed).ok()) computed = -1;
  return case_reply(200, *k, computed);
}

Reply Service::pf9_list(const Context& c, const Params&, const std::string&) {
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return status_reply(s);
  Pf9State state{};
  const bool by_state = !c.param("state").empty();
  if (by_state && !parse_pf9_state(c.param("state"), &state)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'state' must be a case state (fund-routes.md)");
  }
  const std::string after = c.param("page_token");
  std::lock_guard lock(state_mutex_);
  const CivilDate d = civil_from_days(today());
  JsonWriter w;
  w.begin_object().key("cases").begin_array();
  size_t n = 0;
  std::string last;
  bool more = false;
  for (auto it = fund_.cases().cases().upper_bound(after); it != fund_.cases().cases().end(); ++it) {
    const Pf9Case& k = it->second;
    if ((by_state && k.state != state) || !may_read_case(*c.who, k)) continue;
    if (n == page_size) {
      more = true;
      break;
    }
    // Each case with its amount, as GET /v1/pf9/cases/{case} gives it: a queue shows them
    // without a request per row.
    Money computed = -1;
    if (k.payable_month != 0 && !pf9_computed_amount(k, make_month(d.year, d.month), &computed).ok()) computed = -1;
    write_case(&w, k, &computed);
    last = k.case_id;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", last);
  w.end_object();
  return Reply{200, w.take()};
}

Reply Service::pf9_document(const Context& c, const Params& p, const std::string& body) {
  Pf9Step step;
  step.action = Pf9Action::kAttach;
  step.actor = pf9_actor(*c.who);
  step.case_id = p[0];
  parse_pf9_document(p[1], &step.document);
  std::lock_guard lock(state_mutex_);
  const Pf9Case* k = fund_.cases().find(p[0]);
  if (k == nullptr || !may_read_case(*c.who, *k)) return error_reply(404, "NOT_FOUND", "no case " + p[0]);
  if (!pf9_actor_may(*k, Pf9Action::kAttach, step.actor)) {
    return forbidden(c.who->label() + " may not attach documents to case " + p[0] + " (its subscriber)");
  }
  if (Status s = check_pdf(body); !s.ok()) {
    return s.reason() != nullptr && std::string_view(s.reason()) == "TOO_LARGE"
               ? error_reply(413, "TOO_LARGE", s.message())
               : status_reply(s);
  }
  step.sha256 = sha256_hex(body);
  step.bytes = int64_t(body.size());
  // The case's state is checked before the file is written.
  if (Status s = fund_.check(GpfFund::step_event(step)); !s.ok()) return status_reply(s);
  if (Status s = store_document(options_.data_dir, step.sha256, body); !s.ok()) return status_reply(s);
  AuditEvent e = GpfFund::step_event(step);
  if (Status s = record_fund(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("kind", p[1]).field("sha256", step.sha256).field("bytes", step.bytes).end_object();
  return Reply{200, w.take()};
}

Reply Service::pf9_action(const Context& c, const Params& p, const std::string& body) {
  Pf9Step step;
  step.case_id = p[0];
  step.actor = pf9_actor(*c.who);
  const std::string verb = p.size() > 1 ? p[1] : "edit";
  if (!parse_pf9_action(verb == "send-back" ? "send_back" : verb, &step.action)) {
    return error_reply(404, "NOT_FOUND", "no step " + verb);
  }
  using A = Pf9Action;
  JsonBody fields;
  Status parsed;
  switch (step.action) {
    case A::kEdit:
      parsed = parse_body(body, {"reason", "bank_account", "ifsc", "payable_month"}, &fields);
      if (parsed.ok()) parsed = read_application(fields, &step);
      break;
    case A::kReturn:
    case A::kSendBack:
      parsed = parse_body(body, {"remark"}, &fields);
      if (const JsonValue* v = find_field(fields, "remark"); parsed.ok() && v && v->type == JsonValue::Type::kString) {
        step.remark = v->text;
      }
      break;
    case A::kAgree: parsed = read_part_two(body, &step.part_two); break;
    case A::kInitiate:
    case A::kCheck:
    case A::kApprove: {
      parsed = parse_body(body, {"amount", "reason"}, &fields);
      const JsonValue* amount = find_field(fields, "amount");
      if (parsed.ok() && (amount == nullptr || amount->type != JsonValue::Type::kInteger)) {
        parsed = Status::invalid_argument("field 'amount' must be whole rupees");
      }
      if (parsed.ok()) step.amount = amount->integer;
      if (const JsonValue* v = find_field(fields, "reason"); parsed.ok() && v && v->type == JsonValue::Type::kString) {
        step.remark = v->text;
      }
      break;
    }
    case A::kPay: {
      // The treasury pays against the authorisation: the amount it pays is the authorised one.
      parsed = parse_body(body, {"voucher", "amount"}, &fields);
      if (const JsonValue* v = find_field(fields, "voucher"); parsed.ok() && v && v->type == JsonValue::Type::kString) {
        step.voucher = v->text;
      }
      const JsonValue* amount = find_field(fields, "amount");
      if (parsed.ok() && (amount == nullptr || amount->type != JsonValue::Type::kInteger)) {
        parsed = Status::invalid_argument("field 'amount' (the rupees paid, as authorised) is required");
      }
      if (parsed.ok()) step.amount = amount->integer;
      break;
    }
    default: parsed = parse_body(body.empty() ? "{}" : body, {}, &fields); break;
  }
  if (!parsed.ok()) return status_reply(parsed);
  std::lock_guard lock(state_mutex_);
  const Pf9Case* k = fund_.cases().find(p[0]);
  if (k == nullptr || !may_read_case(*c.who, *k)) return error_reply(404, "NOT_FOUND", "no case " + p[0]);
  if (step.action == A::kPay && k->state == Pf9State::kAuthorised && step.amount != k->authorised_amount()) {
    return error_reply(422, "AMOUNT_MISMATCH", "case " + p[0] + " is authorised for " +
                                                   std::to_string(k->authorised_amount()) + " rupees, not " +
                                                   std::to_string(step.amount));
  }
  const CivilDate d = civil_from_days(today());
  if (step.action == A::kLock) step.application_number = fund_.next_application_number(d.year);
  Money computed = -1;
  if (!pf9_computed_amount(*k, make_month(d.year, d.month), &computed).ok()) computed = -1;
  step.computed_amount = computed;
  AuditEvent e = GpfFund::step_event(step);
  if (Status s = record_fund(&e, c.who->label()); !s.ok()) return status_reply(s);
  return case_reply(200, *fund_.cases().find(p[0]), computed);
}

}  // namespace vetan::serve
