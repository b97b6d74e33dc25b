// Over-payment recoveries (issue 12 item 2; docs/close.md §2; the Pay Manager circular: an
// over-payment found for a settled month is recovered from the following payslips).
//
// A DDO files a recovery for one of its employees and a month a CONFIRMED or PASSED bill
// paid. The amount is computed — the month run again for the row as the master holds it now
// (with the body's lwp_days, when the late entry is leave without pay), and the gross due
// compared with the gross the settled payslip drew — or entered by the DDO (`amount`), with
// a reason either way. The schedule recovers it in `instalments` from the current month's
// run on; each payslip's `recovery` deduction is at most the net before it (core/recovery). One audit event holds the schedule; balances are
// what the standing bills recovered (core/cycle/cycle_state.h). The DDO may waive the rest,
// with a reason (DoE OM of 1 April 2024; Rafiq Masih, 2014).
#include "api/serve/event_codec.h"
#include "api/serve/service.h"
#include "core/fate/fate.h"
#include "core/run/month_run.h"

namespace vetan::serve {

namespace {

// A reason: 1..200 bytes, no control characters.
Status reason_field(const JsonBody& body, std::string* out) {
  const JsonValue* v = find_field(body, "reason");
  if (v == nullptr || v->type != JsonValue::Type::kString || v->text.empty()) {
    return Status::invalid_argument("field 'reason' is required: why the amount is recovered or waived");
  }
  if (v->text.size() > 200) return Status::invalid_argument("field 'reason' is longer than 200 bytes");
  for (char ch : v->text) {
    if (uint8_t(ch) < 0x20 || ch == 0x7f) return Status::invalid_argument("field 'reason' holds a control character");
  }
  *out = v->text;
  return Status();
}

// An optional whole number field in lo..hi; `*present` says whether it was given.
Status number_field(const JsonBody& body, const char* key, int64_t lo, int64_t hi, int64_t* out, bool* present) {
  const JsonValue* v = find_field(body, key);
  *present = v != nullptr && v->type != JsonValue::Type::kNull;
  if (!*present) return Status();
  if (v->type != JsonValue::Type::kInteger || v->integer < lo || v->integer > hi) {
    return Status::invalid_argument(std::string("field '") + key + "' must be a whole number " + std::to_string(lo) +
                                    ".." + std::to_string(hi));
  }
  *out = v->integer;
  return Status();
}

}  // namespace

std::string Service::recovery_json(const cycle::Recovery& r) const {
  const cycle::RecoveryCreate& c = r.created;
  JsonWriter w;
  w.begin_object().field("recovery_id", c.recovery_id).field("employee_id", c.employee_id);
  w.field("ddo_code", c.ddo).field("treasury_code", c.treasury).field("bill_id", c.bill_id);
  w.field("month_over_paid", format_month(c.month_over_paid)).field("month_found", format_month(c.month_found));
  w.field("amount", int64_t(c.amount)).field("instalments", int64_t(c.instalments));
  w.field("instalment", int64_t(recovery_instalment(c.amount, c.instalments)));
  w.field("computed", c.drawn_gross != 0 || c.due_gross != 0);
  if (c.drawn_gross != 0 || c.due_gross != 0) {
    w.field("drawn_gross", int64_t(c.drawn_gross)).field("due_gross", int64_t(c.due_gross));
  }
  w.field("reason", c.reason).field("created_by", r.created_by).field("created_at", utc_timestamp(r.created_at));
  w.field("recovered", int64_t(r.recovered_settled)).field("pending", int64_t(r.recovered_pending));
  w.field("balance", int64_t(r.balance()));
  w.field("state", r.waived ? "WAIVED" : r.balance() == 0 && r.recovered_pending == 0 ? "RECOVERED" : "OPEN");
  if (r.waived) w.field("waived_by", r.waived_by).field("waive_reason", r.waive_reason);
  w.end_object();
  return w.take();
}

Reply Service::create_recovery(const Context& c, const Params& p, const std::string& body) {
  const std::string& id = p[0];
  JsonBody parsed;
  if (Status s = parse_body(body, {"month", "instalments", "reason", "lwp_days", "amount"}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  const JsonValue* month_value = find_field(parsed, "month");
  Month month;
  if (month_value == nullptr || month_value->type != JsonValue::Type::kString ||
      !parse_month(month_value->text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'month' must be the month over-paid, YYYY-MM");
  }
  std::string reason;
  if (Status s = reason_field(parsed, &reason); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  int64_t instalments = 1, lwp_days = 0, amount = 0;
  bool has_instalments, has_lwp, has_amount;
  if (Status s = number_field(parsed, "instalments", 1, kMaxRecoveryInstalments, &instalments, &has_instalments);
      !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  if (Status s = number_field(parsed, "lwp_days", 0, 31, &lwp_days, &has_lwp); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  if (Status s = number_field(parsed, "amount", 1, kMaxRecoveryAmount, &amount, &has_amount); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  if (has_amount && has_lwp) {
    return error_reply(400, "INVALID_ARGUMENT",
                       "give 'amount' (entered by the DDO) or 'lwp_days' (the month computed again), not both");
  }
  const std::string month_text = format_month(month);
  const CivilDate today_date = civil_from_days(today());
  const Month current = make_month(today_date.year, today_date.month);
  if (month >= current) {
    return error_reply(409, "WRONG_STATE", "month " + month_text + " is not a past month");
  }

  // The settled payslip: what the month drew.
  size_t row;
  int64_t run_id = -1;
  std::string bill_id;
  Money drawn_os = -1;
  {
    std::lock_guard lock(state_mutex_);
    if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
    if (!may_act_on_row(c, row)) {
      return error_reply(403, "FORBIDDEN", c.who->label() + " may not recover from employee '" + id + "'");
    }
    const cycle::Bill* b = cycle_.settled_by(month, uint32_t(row));
    if (b == nullptr) {
      return error_reply(409, "WRONG_STATE", "employee '" + id + "' was not paid for " + month_text +
                                                 " by a CONFIRMED or PASSED bill: nothing was drawn to recover");
    }
    run_id = b->run_id;
    bill_id = b->id;
    for (const auto& [name, value] : b->payslip) {
      if (name == "gross") drawn_os = value;
    }
  }
  Money drawn = drawn_os;
  if (run_id != 0) {
    const auto settled = view_of_run(run_id);
    if (!settled || settled->table->rows <= row) {
      return error_reply(503, "UNAVAILABLE", "the settled run " + std::to_string(run_id) + " could not be read");
    }
    drawn = settled->result.amount(settled->result.layout.gross, row);
  }

  std::lock_guard lock(state_mutex_);
  Money due = 0;
  if (!has_amount) {
    // The month run again for this row, as the master holds it now.
    std::vector<std::string> fields = master_.fields(row);
    if (has_lwp) {
      const int lwp = master_.column("lwp_days");
      if (lwp < 0) return error_reply(422, "RULE_REFUSED", "the master has no lwp_days column");
      if (size_t(lwp) >= fields.size()) fields.resize(size_t(lwp) + 1);
      fields[size_t(lwp)] = std::to_string(lwp_days);
    }
    const int stop = master_.column("stop_payment");
    if (stop >= 0 && size_t(stop) < fields.size()) fields[size_t(stop)].clear();  // it was paid: not a stop
    MonthResult result;
    std::string not_paid;
    if (auto refused = run_one_row(fields, month, &result, &not_paid)) return *refused;
    if (!not_paid.empty()) {
      return error_reply(422, "RULE_REFUSED", "the month's run of employee '" + id + "' for " + month_text +
                                                  " as the master stands now does not pay the row (" + not_paid +
                                                  "): enter the amount over-paid ('amount') instead");
    }
    due = result.amount(result.layout.gross, 0);
    if (due >= drawn) {
      return error_reply(409, "NO_OVER_PAYMENT",
                         "employee '" + id + "' drew " + std::to_string(drawn) + " gross for " + month_text +
                             " and is due " + std::to_string(due) + " as the master stands now: " +
                             (due > drawn ? "an arrear (pay it through the arrears path), not a recovery"
                                          : "nothing was over-paid"));
    }
    amount = drawn - due;
  } else if (amount > drawn) {
    return error_reply(422, "RULE_REFUSED", "amount " + std::to_string(amount) + " is more than the " +
                                                std::to_string(drawn) + " gross drawn for " + month_text);
  }
  cycle::RecoveryCreate r;
  r.recovery_id = cycle_.next_recovery_id();
  r.employee_id = id;
  r.ddo = std::string(base_->ddo_code[row]);
  r.treasury = std::string(base_->treasury_code[row]);
  r.reason = reason;
  r.bill_id = bill_id;
  r.row = uint32_t(row);
  r.month_found = current;
  r.month_over_paid = month;
  r.amount = amount;
  r.instalments = int32_t(instalments);
  if (!has_amount) {
    r.drawn_gross = drawn;
    r.due_gross = due;
  }
  const std::string recovery_id = r.recovery_id;
  cycle::Event e(cycle::EventKind::kRecoveryCreate, std::move(r));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("audit_seq", e.header.seq);
  for (const cycle::Recovery& each : cycle_.recoveries_of(uint32_t(row))) {
    if (each.created.recovery_id == recovery_id) w.key("recovery").raw(recovery_json(each));
  }
  w.end_object();
  return Reply{201, w.take()};
}

Reply Service::list_recoveries(const Context& c, const Params& p, const std::string&) {
  const std::string& id = p[0];
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (c.who->role == Role::kEmployee) {
    if (c.who->scope != id) return forbidden(c.who->label() + " may read its own recoveries only");
    if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  } else if (auto refused = readable_row(c, id, &row)) {
    return *refused;
  }
  JsonWriter w;
  w.begin_object().field("employee_id", id).key("recoveries").begin_array();
  Money balance = 0;
  for (const cycle::Recovery& r : cycle_.recoveries_of(uint32_t(row))) {
    w.raw(recovery_json(r));
    if (!r.waived) balance += r.balance();
  }
  w.end_array().field("balance", int64_t(balance)).end_object();
  return Reply{200, w.take()};
}

Reply Service::waive_recovery(const Context& c, const Params& p, const std::string& body) {
  const std::string& id = p[0];
  const std::string& recovery_id = p[1];
  JsonBody parsed;
  if (Status s = parse_body(body, {"reason"}, &parsed); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  std::string reason;
  if (Status s = reason_field(parsed, &reason); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  if (!may_act_on_row(c, row)) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not waive a recovery of employee '" + id + "'");
  }
  auto it = cycle_.recoveries().find(recovery_id);
  if (it == cycle_.recoveries().end() || it->second.created.row != row) {
    return error_reply(404, "NOT_FOUND", "employee '" + id + "' has no recovery '" + recovery_id + "'");
  }
  cycle::Event e(cycle::EventKind::kRecoveryWaive, cycle::RecoveryWaive{recovery_id, id, reason});
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("audit_seq", e.header.seq);
  for (const cycle::Recovery& each : cycle_.recoveries_of(uint32_t(row))) {
    if (each.created.recovery_id == recovery_id) w.key("recovery").raw(recovery_json(each));
  }
  w.end_object();
  return Reply{200, w.take()};
}

}  // namespace vetan::serve
