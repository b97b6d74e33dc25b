#include "api/serve/event_codec.h"

#include <simdjson.h>

#include "api/serve/clock.h"
#include "core/common/json_text.h"
#include "core/recovery/recovery.h"

namespace vetan::serve {

using namespace cycle;

namespace {

void write_fields(JsonWriter* w, const std::vector<FieldChange>& fields, bool after) {
  w->key("fields").begin_object();
  for (const FieldChange& f : fields) w->field(f.column, after ? f.after : f.before);
  w->end_object();
}

}  // namespace

void write_run_summary(JsonWriter* w, Month month, const RunSummary& s) {
  w->key("summary").begin_object().field("month", format_month(month)).field("rows", s.rows).field("paid", s.paid);
  w->field("stopped", s.stopped).field("mismatched", s.mismatched).field("bills", s.bills);
  w->field("gross", int64_t(s.gross)).field("total_deductions", int64_t(s.total_deductions));
  w->field("net", int64_t(s.net)).field("employer_nps", int64_t(s.employer_nps));
  w->key("reasons").begin_object();
  for (int i = 0; i < kReasonCount; ++i) {
    if (s.reasons[size_t(i)]) w->field(kReasonCodes[i], s.reasons[size_t(i)]);
  }
  w->end_object().end_object();
}

namespace {

// Rows' amounts as [[line, amount], …] under `key`; nothing when empty.
void write_row_amounts(JsonWriter* w, const char* key, const RowAmounts& amounts) {
  if (amounts.empty()) return;
  w->key(key).begin_array();
  for (const auto& [row, amount] : amounts) w->begin_array().value(int64_t(row) + 1).value(int64_t(amount)).end_array();
  w->end_array();
}

void write_amounts(JsonWriter* w, const BillAmounts& a) {
  w->field("employees", a.employees).field("gross", int64_t(a.gross));
  w->field("total_deductions", int64_t(a.total_deductions)).field("net", int64_t(a.net));
}

// Reading: a document and typed getters that fail naming the key.
class Reader {
 public:
  Status parse(const std::string& json) {
    if (parser_.parse(json).get(root_)) return Status::invalid_argument("malformed event JSON");
    return Status();
  }
  simdjson::dom::element root() const { return root_; }
  static Status text(simdjson::dom::element e, const char* key, std::string* out, bool required = true) {
    std::string_view v;
    if (e[key].get_string().get(v)) {
      if (!required) return Status();
      return Status::invalid_argument(std::string("no text '") + key + "'");
    }
    *out = std::string(v);
    return Status();
  }
  static Status integer(simdjson::dom::element e, const char* key, int64_t* out, bool required = true) {
    if (e[key].get_int64().get(*out)) {
      if (!required) return Status();
      return Status::invalid_argument(std::string("no number '") + key + "'");
    }
    return Status();
  }
  static Status month(simdjson::dom::element e, const char* key, Month* out) {
    std::string text;
    if (Status s = Reader::text(e, key, &text); !s.ok()) return s;
    if (!parse_month(text, out)) return Status::invalid_argument(std::string("'") + key + "' is not a month");
    return Status();
  }
  static Status amounts(simdjson::dom::element e, BillAmounts* a) {
    for (auto [key, out] : {std::pair{"employees", &a->employees}, std::pair{"gross", &a->gross},
                            std::pair{"total_deductions", &a->total_deductions}, std::pair{"net", &a->net}}) {
      if (Status s = integer(e, key, out); !s.ok()) return s;
    }
    return Status();
  }
  // write_row_amounts' array under `key`; empty when absent.
  static Status row_amounts(simdjson::dom::element e, const char* key, RowAmounts* out) {
    simdjson::dom::array pairs;
    if (e[key].get_array().get(pairs)) return Status();
    for (simdjson::dom::element p : pairs) {
      int64_t line = 0, amount = 0;
      if (p.at(0).get_int64().get(line) || p.at(1).get_int64().get(amount) || line < 1 ||
          line > int64_t(UINT32_MAX)) {
        return Status::invalid_argument(std::string("'") + key + "' holds a pair that is not [line, amount]");
      }
      out->emplace_back(uint32_t(line - 1), amount);
    }
    return Status();
  }
  static Status fields(simdjson::dom::element e, std::vector<FieldChange>* out, bool after) {
    simdjson::dom::object object;
    if (e["fields"].get_object().get(object)) return Status();
    size_t i = 0;
    for (auto [k, v] : object) {
      std::string_view text;
      if (v.get_string().get(text)) return Status::invalid_argument("field value is not a string");
      if (after) {
        if (i >= out->size()) out->push_back(FieldChange{std::string(k), "", ""});
        (*out)[i].after = std::string(text);
      } else {
        out->push_back(FieldChange{std::string(k), std::string(text), ""});
      }
      ++i;
    }
    return Status();
  }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

std::string entity_id(const std::string& entity, std::string_view prefix) {
  return entity.rfind(prefix, 0) == 0 ? entity.substr(prefix.size()) : std::string();
}

Status id_number(const std::string& entity, std::string_view prefix, int64_t* out) {
  const std::string text = entity_id(entity, prefix);
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::invalid_argument("entity '" + entity + "' is not " + std::string(prefix) + "<number>");
  }
  *out = std::stoll(text);
  return Status();
}

}  // namespace

bool parse_utc_timestamp(std::string_view text, int64_t* seconds) {
  Month month;
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z' || !parse_month(text.substr(0, 7), &month)) {
    return false;
  }
  int parts[4];
  const size_t at[4] = {8, 11, 14, 17};
  for (int i = 0; i < 4; ++i) {
    const char a = text[at[i]], b = text[at[i] + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return false;
    parts[i] = (a - '0') * 10 + (b - '0');
  }
  if (parts[0] < 1 || parts[0] > days_in(month) || parts[1] > 23 || parts[2] > 59 || parts[3] > 59) return false;
  *seconds = int64_t(first_day(month) + parts[0] - 1) * 86400 + parts[1] * 3600 + parts[2] * 60 + parts[3];
  return true;
}

void encode_event(const Event& e, AuditEvent* out) {
  out->seq = e.header.seq;
  out->at = utc_timestamp(e.header.at);
  out->actor = e.header.actor;
  out->action = name(e.kind);
  out->before = "{}";
  JsonWriter before, after;
  after.begin_object();
  switch (e.kind) {
    case EventKind::kProfileVersion: {
      const auto& p = std::get<ProfileVersion>(e.payload);
      out->entity = "profile:" + std::to_string(p.version);
      after.field("version", p.version).field("sha256", p.sha256).field("json", p.json);
      break;
    }
    case EventKind::kEmployeeEdit:
    case EventKind::kEmployeeStop:
    case EventKind::kEmployeeRelease: {
      const auto& m = std::get<MasterChange>(e.payload);
      out->entity = "employee:" + m.employee_id;
      before.begin_object();
      write_fields(&before, m.fields, false);
      before.end_object();
      out->before = before.take();
      write_fields(&after, m.fields, true);
      break;
    }
    case EventKind::kProposalCreate: {
      const auto& p = std::get<ProposalCreate>(e.payload);
      out->entity = "employee:" + p.employee_id;
      after.field("proposal_id", p.proposal_id).field("kind", name(p.kind)).field("amount", int64_t(p.amount));
      after.field("month", format_month(p.month)).field("ddo", p.ddo).field("treasury", p.treasury);
      break;
    }
    case EventKind::kProposalApprove:
    case EventKind::kProposalReject: {
      const auto& d = std::get<ProposalDecision>(e.payload);
      const bool approve = e.kind == EventKind::kProposalApprove;
      out->entity = "employee:" + d.employee_id;
      before.begin_object().field("proposal_id", d.proposal_id).field("status", "PENDING");
      write_fields(&before, d.fields, false);
      before.end_object();
      out->before = before.take();
      after.field("proposal_id", d.proposal_id).field("status", approve ? "APPROVED" : "REJECTED");
      if (!d.reason.empty()) after.field("reason", d.reason);
      if (approve) write_fields(&after, d.fields, true);
      break;
    }
    case EventKind::kBillConfirm:
    case EventKind::kBillReject:
    case EventKind::kBillPass:
    case EventKind::kBillObject: {
      const auto& a = std::get<BillAction>(e.payload);
      out->entity = "bill:" + a.bill_id;
      before.begin_object().field("state", name(a.from)).end_object();
      out->before = before.take();
      after.field("state", name(a.to));
      if (!a.reason.empty()) after.field("reason", a.reason);
      if (e.kind == EventKind::kBillConfirm) after.field("otp_step", a.otp_step);
      if (a.signature.present()) {
        const BillSignature& g = a.signature;
        after.key("signature").begin_object().field("subject", g.subject).field("issuer", g.issuer);
        after.field("serial", g.serial).field("canonical_sha256", g.canonical_sha256).field("cms", g.cms_base64);
        after.end_object();
      }
      break;
    }
    case EventKind::kOtpFailure: {
      const auto& f = std::get<OtpFailure>(e.payload);
      out->entity = "ddo:" + f.ddo;
      after.field("failures", f.failures);
      if (f.locks_until != 0) after.field("locked_until", utc_timestamp(f.locks_until));
      break;
    }
    case EventKind::kOtherSalaryFile: {
      const auto& o = std::get<OtherSalaryFile>(e.payload);
      out->entity = "employee:" + o.employee_id;
      after.field("month", format_month(o.month)).field("bill_id", o.bill_id).field("ddo", o.ddo);
      after.field("treasury", o.treasury).field("bill_group", "OS").field("line", int64_t(o.row) + 1);
      write_amounts(&after, o.amounts);
      if (!o.reason.empty()) after.field("reason", o.reason);
      after.key("amounts").begin_object();
      for (const auto& [column, amount] : o.payslip) after.field(column, int64_t(amount));
      after.end_object();
      break;
    }
    case EventKind::kRunStart: {
      const auto& s = std::get<RunStart>(e.payload);
      out->entity = "run:" + std::to_string(s.run_id);
      after.field("month", format_month(s.month)).field("day", int64_t(s.day));
      after.field("profile_version", s.profile_version);
      write_row_amounts(&after, "recovery_dues", s.recovery_dues);
      break;
    }
    case EventKind::kRecoveryCreate: {
      const auto& c = std::get<RecoveryCreate>(e.payload);
      out->entity = "employee:" + c.employee_id;
      after.field("recovery_id", c.recovery_id).field("line", int64_t(c.row) + 1).field("ddo", c.ddo);
      after.field("treasury", c.treasury).field("bill_id", c.bill_id);
      after.field("month_found", format_month(c.month_found)).field("month_over_paid", format_month(c.month_over_paid));
      after.field("amount", int64_t(c.amount)).field("instalments", int64_t(c.instalments));
      after.field("instalment", int64_t(recovery_instalment(c.amount, c.instalments)));
      after.field("drawn_gross", int64_t(c.drawn_gross)).field("due_gross", int64_t(c.due_gross));
      after.field("reason", c.reason);
      break;
    }
    case EventKind::kMonthClose: {
      const auto& c = std::get<MonthCloseEvent>(e.payload);
      out->entity = "month:" + format_month(c.month);
      after.field("run_id", c.run_id).field("next_master_sha256", c.next_master_sha256);
      after.field("changed_rows", c.changed_rows).field("carried", c.carried).field("increments", c.increments);
      after.field("fy_reset", c.fy_reset).field("loans_repaid", c.loans_repaid);
      after.field("recovered_off_gross", int64_t(c.recovered_off_gross)).key("other_salary_bills").begin_array();
      for (const std::string& id : c.other_salary_bills) after.value(id);
      after.end_array();
      break;
    }
    case EventKind::kPaymentIssue: {
      const auto& i = std::get<PaymentIssue>(e.payload);
      out->entity = "bill:" + i.bill_id;
      after.field("message_id", i.message_id).field("payment_information_id", i.payment_information_id);
      after.field("month", format_month(i.month)).field("execution_date", format_date(i.execution_date));
      after.field("sha256", i.xml_sha256).field("advice_sha256", i.advice_sha256);
      after.field("transactions", int64_t(i.credits.size())).field("control_sum", int64_t(i.control_sum));
      after.field("initiating_party", i.initiating_party);
      after.key("debtor").begin_object().field("name", i.debtor_name).field("account", i.debtor_account);
      after.field("ifsc", i.debtor_ifsc).end_object();
      after.key("credits").begin_array();
      for (const PaymentCredit& c : i.credits) {
        after.begin_array().value(int64_t(c.row) + 1).value(c.employee_id).value(c.name).value(c.account);
        after.value(c.ifsc).value(int64_t(c.amount)).end_array();
      }
      after.end_array();
      if (!i.signature_sha256.empty()) {
        after.key("signature").begin_object().field("sha256", i.signature_sha256);
        after.field("subject", i.signature_subject).field("cms", i.signature_pem).end_object();
      }
      break;
    }
    case EventKind::kPaymentReturn: {
      const auto& r = std::get<PaymentReturn>(e.payload);
      out->entity = "payment:" + r.message_id;
      after.field("message_id", r.message_id).field("return_message_id", r.return_message_id);
      after.key("failed").begin_array();
      for (const FailedCredit& f : r.failed) {
        after.begin_object().field("sequence", int64_t(f.sequence)).field("end_to_end_id", f.end_to_end_id);
        after.field("reason_code", f.reason_code).field("additional_information", f.additional_information);
        after.end_object();
      }
      after.end_array();
      break;
    }
    case EventKind::kRecoveryWaive: {
      const auto& w = std::get<RecoveryWaive>(e.payload);
      out->entity = "employee:" + w.employee_id;
      after.field("recovery_id", w.recovery_id).field("waived", true).field("reason", w.reason);
      break;
    }
    case EventKind::kRunComplete: {
      const auto& c = std::get<RunComplete>(e.payload);
      out->entity = "run:" + std::to_string(c.run_id);
      after.field("month", format_month(c.month)).field("duration_ms", c.duration_ms);
      write_run_summary(&after, c.month, c.summary);
      after.key("bills").begin_array();
      for (const RunBill& b : c.bills) {
        after.begin_object().field("id", b.id).field("source", b.source_suffix).field("treasury", b.treasury);
        after.field("ddo", b.ddo).field("group", b.group);
        write_amounts(&after, b.amounts);
        after.key("lines").begin_array();
        for (uint32_t row : b.rows) after.value(int64_t(row) + 1);
        after.end_array().end_object();
      }
      after.end_array();
      write_row_amounts(&after, "recovered", c.recovered);
      break;
    }
    case EventKind::kRunFail:
    case EventKind::kRunInterrupted: {
      const auto& r = std::get<RunEnd>(e.payload);
      out->entity = "run:" + std::to_string(r.run_id);
      if (e.kind == EventKind::kRunFail) after.field("duration_ms", r.duration_ms).field("error", r.error);
      break;
    }
  }
  after.end_object();
  out->after = after.take();
}

namespace {

Status decode_payload(const AuditEvent& row, Event* e) {
  Reader before, after;
  if (Status s = after.parse(row.after); !s.ok()) return s;
  if (Status s = before.parse(row.before); !s.ok()) return s;
  const simdjson::dom::element a = after.root();
  switch (e->kind) {
    case EventKind::kProfileVersion: {
      ProfileVersion p;
      if (Status s = Reader::integer(a, "version", &p.version); !s.ok()) return s;
      if (Status s = Reader::text(a, "sha256", &p.sha256); !s.ok()) return s;
      if (Status s = Reader::text(a, "json", &p.json); !s.ok()) return s;
      e->payload = std::move(p);
      return Status();
    }
    case EventKind::kEmployeeEdit:
    case EventKind::kEmployeeStop:
    case EventKind::kEmployeeRelease: {
      MasterChange m;
      m.employee_id = entity_id(row.entity, "employee:");
      if (Status s = Reader::fields(before.root(), &m.fields, false); !s.ok()) return s;
      if (Status s = Reader::fields(a, &m.fields, true); !s.ok()) return s;
      e->payload = std::move(m);
      return Status();
    }
    case EventKind::kProposalCreate: {
      ProposalCreate p;
      p.employee_id = entity_id(row.entity, "employee:");
      std::string kind;
      if (Status s = Reader::integer(a, "proposal_id", &p.proposal_id); !s.ok()) return s;
      if (Status s = Reader::text(a, "kind", &kind); !s.ok()) return s;
      if (!parse_proposal_kind(kind, &p.kind)) return Status::invalid_argument("unknown proposal kind '" + kind + "'");
      if (Status s = Reader::integer(a, "amount", &p.amount); !s.ok()) return s;
      if (Status s = Reader::month(a, "month", &p.month); !s.ok()) return s;
      if (Status s = Reader::text(a, "ddo", &p.ddo); !s.ok()) return s;
      if (Status s = Reader::text(a, "treasury", &p.treasury); !s.ok()) return s;
      e->payload = std::move(p);
      return Status();
    }
    case EventKind::kProposalApprove:
    case EventKind::kProposalReject: {
      ProposalDecision d;
      d.employee_id = entity_id(row.entity, "employee:");
      if (Status s = Reader::integer(a, "proposal_id", &d.proposal_id); !s.ok()) return s;
      if (Status s = Reader::text(a, "reason", &d.reason, false); !s.ok()) return s;
      if (Status s = Reader::fields(before.root(), &d.fields, false); !s.ok()) return s;
      if (Status s = Reader::fields(a, &d.fields, true); !s.ok()) return s;
      e->payload = std::move(d);
      return Status();
    }
    case EventKind::kBillConfirm:
    case EventKind::kBillReject:
    case EventKind::kBillPass:
    case EventKind::kBillObject: {
      BillAction b;
      b.bill_id = entity_id(row.entity, "bill:");
      std::string from, to;
      if (Status s = Reader::text(before.root(), "state", &from); !s.ok()) return s;
      if (Status s = Reader::text(a, "state", &to); !s.ok()) return s;
      if (!parse_bill_state(from, &b.from) || !parse_bill_state(to, &b.to)) {
        return Status::invalid_argument("unknown bill state '" + from + "' or '" + to + "'");
      }
      if (Status s = Reader::text(a, "reason", &b.reason, false); !s.ok()) return s;
      if (e->kind == EventKind::kBillConfirm) {
        if (Status s = Reader::integer(a, "otp_step", &b.otp_step); !s.ok()) return s;
      }
      simdjson::dom::element g;
      if (!a["signature"].get(g)) {
        BillSignature& sig = b.signature;
        for (auto [key, out] : {std::pair{"subject", &sig.subject}, std::pair{"issuer", &sig.issuer},
                                std::pair{"serial", &sig.serial}, std::pair{"canonical_sha256", &sig.canonical_sha256},
                                std::pair{"cms", &sig.cms_base64}}) {
          if (Status s = Reader::text(g, key, out); !s.ok()) return Status::invalid_argument("signature: " + s.message());
        }
      }
      e->payload = std::move(b);
      return Status();
    }
    case EventKind::kOtpFailure: {
      OtpFailure f;
      f.ddo = entity_id(row.entity, "ddo:");
      if (Status s = Reader::integer(a, "failures", &f.failures); !s.ok()) return s;
      std::string until;
      if (Status s = Reader::text(a, "locked_until", &until, false); !s.ok()) return s;
      if (!until.empty() && !parse_utc_timestamp(until, &f.locks_until)) {
        return Status::invalid_argument("'locked_until' is not a UTC time");
      }
      e->payload = std::move(f);
      return Status();
    }
    case EventKind::kOtherSalaryFile: {
      OtherSalaryFile o;
      o.employee_id = entity_id(row.entity, "employee:");
      int64_t line = 0;
      if (Status s = Reader::month(a, "month", &o.month); !s.ok()) return s;
      if (Status s = Reader::text(a, "bill_id", &o.bill_id); !s.ok()) return s;
      if (Status s = Reader::text(a, "ddo", &o.ddo); !s.ok()) return s;
      if (Status s = Reader::text(a, "treasury", &o.treasury); !s.ok()) return s;
      if (Status s = Reader::integer(a, "line", &line); !s.ok()) return s;
      if (line < 1 || line > int64_t(UINT32_MAX)) return Status::invalid_argument("'line' out of range");
      o.row = uint32_t(line - 1);
      o.amounts.employees = 1;
      for (auto [key, out] : {std::pair{"gross", &o.amounts.gross},
                              std::pair{"total_deductions", &o.amounts.total_deductions},
                              std::pair{"net", &o.amounts.net}}) {
        if (Status s = Reader::integer(a, key, out); !s.ok()) return s;
      }
      if (Status s = Reader::text(a, "reason", &o.reason, false); !s.ok()) return s;
      simdjson::dom::object amounts;
      if (a["amounts"].get_object().get(amounts)) return Status::invalid_argument("no 'amounts'");
      for (auto [k, v] : amounts) {
        int64_t amount = 0;
        if (v.get_int64().get(amount)) return Status::invalid_argument("an amount is not a number");
        o.payslip.emplace_back(std::string(k), amount);
      }
      e->payload = std::move(o);
      return Status();
    }
    case EventKind::kRunStart: {
      RunStart r;
      int64_t day = 0;
      if (Status s = id_number(row.entity, "run:", &r.run_id); !s.ok()) return s;
      if (Status s = Reader::month(a, "month", &r.month); !s.ok()) return s;
      if (Status s = Reader::integer(a, "day", &day); !s.ok()) return s;
      if (Status s = Reader::integer(a, "profile_version", &r.profile_version); !s.ok()) return s;
      r.day = Date(day);
      if (Status s = Reader::row_amounts(a, "recovery_dues", &r.recovery_dues); !s.ok()) return s;
      e->payload = std::move(r);
      return Status();
    }
    case EventKind::kRecoveryCreate: {
      RecoveryCreate c;
      c.employee_id = entity_id(row.entity, "employee:");
      int64_t line = 0, instalments = 0;
      for (auto [key, out] : {std::pair{"recovery_id", &c.recovery_id}, std::pair{"ddo", &c.ddo},
                              std::pair{"treasury", &c.treasury}, std::pair{"bill_id", &c.bill_id},
                              std::pair{"reason", &c.reason}}) {
        if (Status s = Reader::text(a, key, out); !s.ok()) return s;
      }
      if (Status s = Reader::integer(a, "line", &line); !s.ok()) return s;
      if (line < 1 || line > int64_t(UINT32_MAX)) return Status::invalid_argument("'line' out of range");
      c.row = uint32_t(line - 1);
      if (Status s = Reader::month(a, "month_found", &c.month_found); !s.ok()) return s;
      if (Status s = Reader::month(a, "month_over_paid", &c.month_over_paid); !s.ok()) return s;
      for (auto [key, out] : {std::pair{"amount", &c.amount}, std::pair{"instalments", &instalments},
                              std::pair{"drawn_gross", &c.drawn_gross}, std::pair{"due_gross", &c.due_gross}}) {
        if (Status s = Reader::integer(a, key, out); !s.ok()) return s;
      }
      if (instalments < 1 || instalments > kMaxRecoveryInstalments) {
        return Status::invalid_argument("'instalments' out of range");
      }
      c.instalments = int32_t(instalments);
      e->payload = std::move(c);
      return Status();
    }
    case EventKind::kMonthClose: {
      MonthCloseEvent c;
      const std::string month = entity_id(row.entity, "month:");
      if (!parse_month(month, &c.month)) return Status::invalid_argument("entity '" + row.entity + "' is not month:YYYY-MM");
      if (Status s = Reader::text(a, "next_master_sha256", &c.next_master_sha256); !s.ok()) return s;
      for (auto [key, out] : {std::pair{"run_id", &c.run_id}, std::pair{"changed_rows", &c.changed_rows},
                              std::pair{"carried", &c.carried}, std::pair{"increments", &c.increments},
                              std::pair{"fy_reset", &c.fy_reset}, std::pair{"loans_repaid", &c.loans_repaid}}) {
        if (Status s = Reader::integer(a, key, out); !s.ok()) return s;
      }
      simdjson::dom::array carried;
      c.lists_carried = !a["other_salary_bills"].get_array().get(carried);
      if (c.lists_carried) {
        for (simdjson::dom::element id : carried) {
          std::string_view text;
          if (id.get_string().get(text)) return Status::invalid_argument("'other_salary_bills' holds a non-text id");
          c.other_salary_bills.emplace_back(text);
        }
        int64_t off = 0;
        if (Status s = Reader::integer(a, "recovered_off_gross", &off); !s.ok()) return s;
        c.recovered_off_gross = off;
      }
      e->payload = std::move(c);
      return Status();
    }
    case EventKind::kPaymentIssue: {
      PaymentIssue i;
      i.bill_id = entity_id(row.entity, "bill:");
      if (i.bill_id.empty()) return Status::invalid_argument("entity '" + row.entity + "' is not bill:<id>");
      for (auto [key, out] : {std::pair{"message_id", &i.message_id},
                              std::pair{"payment_information_id", &i.payment_information_id},
                              std::pair{"sha256", &i.xml_sha256}, std::pair{"advice_sha256", &i.advice_sha256},
                              std::pair{"initiating_party", &i.initiating_party}}) {
        if (Status s = Reader::text(a, key, out); !s.ok()) return s;
      }
      if (Status s = Reader::month(a, "month", &i.month); !s.ok()) return s;
      std::string date;
      if (Status s = Reader::text(a, "execution_date", &date); !s.ok()) return s;
      Month m = 0;
      if (date.size() != 10 || !parse_month(date.substr(0, 7), &m) || date[7] != '-' || date[8] < '0' ||
          date[8] > '3' || date[9] < '0' || date[9] > '9' || (date[8] - '0') * 10 + (date[9] - '0') < 1 ||
          (date[8] - '0') * 10 + (date[9] - '0') > days_in(m)) {
        return Status::invalid_argument("'execution_date' is not a date YYYY-MM-DD");
      }
      i.execution_date = first_day(m) + Date((date[8] - '0') * 10 + (date[9] - '0') - 1);
      if (Status s = Reader::integer(a, "control_sum", &i.control_sum); !s.ok()) return s;
      simdjson::dom::element debtor;
      if (a["debtor"].get(debtor)) return Status::invalid_argument("no 'debtor'");
      for (auto [key, out] : {std::pair{"name", &i.debtor_name}, std::pair{"account", &i.debtor_account},
                              std::pair{"ifsc", &i.debtor_ifsc}}) {
        if (Status s = Reader::text(debtor, key, out); !s.ok()) return s;
      }
      simdjson::dom::array credits;
      if (a["credits"].get_array().get(credits)) return Status::invalid_argument("no 'credits'");
      for (simdjson::dom::element c : credits) {
        PaymentCredit credit;
        int64_t line = 0;
        std::string_view texts[4];
        bool bad = c.at(0).get_int64().get(line) || line < 1 || line > int64_t(UINT32_MAX) ||
                   c.at(5).get_int64().get(credit.amount);
        for (size_t k = 0; k < 4 && !bad; ++k) bad = bool(c.at(k + 1).get_string().get(texts[k]));
        if (bad) return Status::invalid_argument("'credits' holds one that is not [line, employee, name, account, ifsc, amount]");
        credit.row = uint32_t(line - 1);
        credit.employee_id = std::string(texts[0]);
        credit.name = std::string(texts[1]);
        credit.account = std::string(texts[2]);
        credit.ifsc = std::string(texts[3]);
        i.credits.push_back(std::move(credit));
      }
      int64_t transactions = 0;
      if (Status s = Reader::integer(a, "transactions", &transactions); !s.ok()) return s;
      if (transactions != int64_t(i.credits.size())) return Status::invalid_argument("'transactions' is not the credits'");
      simdjson::dom::element signature;
      if (!a["signature"].get(signature)) {
        for (auto [key, out] : {std::pair{"sha256", &i.signature_sha256}, std::pair{"subject", &i.signature_subject},
                                std::pair{"cms", &i.signature_pem}}) {
          if (Status s = Reader::text(signature, key, out); !s.ok()) return s;
        }
      }
      e->payload = std::move(i);
      return Status();
    }
    case EventKind::kPaymentReturn: {
      PaymentReturn r;
      if (Status s = Reader::text(a, "message_id", &r.message_id); !s.ok()) return s;
      if (Status s = Reader::text(a, "return_message_id", &r.return_message_id); !s.ok()) return s;
      simdjson::dom::array failed;
      if (a["failed"].get_array().get(failed)) return Status::invalid_argument("no 'failed'");
      for (simdjson::dom::element f : failed) {
        FailedCredit credit;
        int64_t sequence = 0;
        if (Status s = Reader::integer(f, "sequence", &sequence); !s.ok()) return s;
        if (sequence < 1 || sequence > int64_t(UINT32_MAX)) return Status::invalid_argument("'sequence' out of range");
        credit.sequence = uint32_t(sequence);
        for (auto [key, out] : {std::pair{"end_to_end_id", &credit.end_to_end_id},
                                std::pair{"reason_code", &credit.reason_code},
                                std::pair{"additional_information", &credit.additional_information}}) {
          if (Status s = Reader::text(f, key, out); !s.ok()) return s;
        }
        r.failed.push_back(std::move(credit));
      }
      e->payload = std::move(r);
      return Status();
    }
    case EventKind::kRecoveryWaive: {
      RecoveryWaive w;
      w.employee_id = entity_id(row.entity, "employee:");
      if (Status s = Reader::text(a, "recovery_id", &w.recovery_id); !s.ok()) return s;
      if (Status s = Reader::text(a, "reason", &w.reason); !s.ok()) return s;
      e->payload = std::move(w);
      return Status();
    }
    case EventKind::kRunComplete: {
      RunComplete c;
      if (Status s = id_number(row.entity, "run:", &c.run_id); !s.ok()) return s;
      if (Status s = Reader::month(a, "month", &c.month); !s.ok()) return s;
      if (Status s = Reader::integer(a, "duration_ms", &c.duration_ms); !s.ok()) return s;
      simdjson::dom::element summary;
      if (a["summary"].get(summary)) return Status::invalid_argument("no 'summary'");
      RunSummary& s = c.summary;
      for (auto [key, out] : {std::pair{"rows", &s.rows}, std::pair{"paid", &s.paid}, std::pair{"stopped", &s.stopped},
                              std::pair{"mismatched", &s.mismatched}, std::pair{"bills", &s.bills},
                              std::pair{"gross", &s.gross}, std::pair{"total_deductions", &s.total_deductions},
                              std::pair{"net", &s.net}, std::pair{"employer_nps", &s.employer_nps}}) {
        if (Status st = Reader::integer(summary, key, out); !st.ok()) return st;
      }
      for (int i = 0; i < kReasonCount; ++i) {
        int64_t n = 0;
        if (!summary["reasons"][kReasonCodes[i]].get_int64().get(n)) s.reasons[size_t(i)] = n;
      }
      simdjson::dom::array bills;
      if (a["bills"].get_array().get(bills)) return Status::invalid_argument("no 'bills'");
      for (simdjson::dom::element b : bills) {
        RunBill bill;
        for (auto [key, out] : {std::pair{"id", &bill.id}, std::pair{"source", &bill.source_suffix},
                                std::pair{"treasury", &bill.treasury}, std::pair{"ddo", &bill.ddo},
                                std::pair{"group", &bill.group}}) {
          if (Status st = Reader::text(b, key, out); !st.ok()) return st;
        }
        if (Status st = Reader::amounts(b, &bill.amounts); !st.ok()) return st;
        simdjson::dom::array lines;
        if (b["lines"].get_array().get(lines)) return Status::invalid_argument("bill '" + bill.id + "' has no 'lines'");
        for (simdjson::dom::element l : lines) {
          int64_t line = 0;
          if (l.get_int64().get(line) || line < 1 || line > int64_t(UINT32_MAX)) {
            return Status::invalid_argument("bill '" + bill.id + "': a line is not a line number");
          }
          bill.rows.push_back(uint32_t(line - 1));
        }
        c.bills.push_back(std::move(bill));
      }
      if (Status s = Reader::row_amounts(a, "recovered", &c.recovered); !s.ok()) return s;
      e->payload = std::move(c);
      return Status();
    }
    case EventKind::kRunFail:
    case EventKind::kRunInterrupted: {
      RunEnd r;
      if (Status s = id_number(row.entity, "run:", &r.run_id); !s.ok()) return s;
      if (Status s = Reader::integer(a, "duration_ms", &r.duration_ms, false); !s.ok()) return s;
      if (Status s = Reader::text(a, "error", &r.error, false); !s.ok()) return s;
      e->payload = std::move(r);
      return Status();
    }
  }
  return Status::invalid_argument("unknown event kind");
}

}  // namespace

Status decode_event(const AuditEvent& row, Event* e) {
  if (!parse_event_kind(row.action, &e->kind)) return Status::invalid_argument("unknown action '" + row.action + "'");
  e->header.seq = row.seq;
  e->header.actor = row.actor;
  if (!parse_utc_timestamp(row.at, &e->header.at)) return Status::invalid_argument("'at' is not a UTC time");
  return decode_payload(row, e);
}

}  // namespace vetan::serve
