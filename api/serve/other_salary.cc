// Other salary requests (issue 3 §3): pay withheld in an earlier month, paid as a separate
// bill. A DDO files a request for one of its employees and a past month whose completed
// run STOPPED the row; the employee must have been released since. The arrears of that
// month are the whole of the month's pay (drawn 0, due the run's pay): the month's run of
// the employee's row as the master holds it now, with the stop lifted. The request becomes
// bill "YYYY-MM/OS/<ddo>/<employee_id>", GENERATED, which then follows the bill cycle
// (confirm with TOTP, pass or object, reject; a rejected request may be filed again, after
// the DDO corrected the master). One audit event holds the request and its
// computed amounts, so replay rebuilds the bill without recomputing it.
#include <simdjson.h>

#include "api/serve/service.h"
#include "core/fate/fate.h"
#include "core/run/month_run.h"

namespace vetan::serve {

namespace {

std::string other_salary_bill_id(Month month, std::string_view ddo, std::string_view employee_id) {
  return format_month(month) + "/OS/" + std::string(ddo) + "/" + std::string(employee_id);
}

}  // namespace

Reply Service::file_other_salary(const Context& c, const std::string& id, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, {"month", "reason"}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  const JsonValue* month_value = find_field(parsed, "month");
  Month month;
  if (month_value == nullptr || month_value->type != JsonValue::Type::kString ||
      !parse_month(month_value->text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'month' must be the withheld month, YYYY-MM");
  }
  const JsonValue* reason_value = find_field(parsed, "reason");
  std::string reason;
  if (reason_value != nullptr && reason_value->type != JsonValue::Type::kNull) {
    if (reason_value->type != JsonValue::Type::kString || reason_value->text.size() > 200) {
      return error_reply(400, "INVALID_ARGUMENT", "field 'reason' must be a string of at most 200 bytes");
    }
    for (char ch : reason_value->text) {
      if (uint8_t(ch) < 0x20 || ch == 0x7f) {
        return error_reply(400, "INVALID_ARGUMENT", "field 'reason' holds a control character");
      }
    }
    reason = reason_value->text;
  }
  const auto v = view(month);  // the month's last completed run
  std::lock_guard lock(state_mutex_);
  size_t row;
  Reply error;
  if (!find_row(id, &row, &error).ok()) return error;
  if (!may_act_on_row(c, row)) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not file other salary for employee '" + id + "'");
  }
  const CivilDate d = civil_from_days(today());
  const int from_day = profile_.calendar.other_salary_from;
  if (d.day < from_day) {
    return error_reply(409, "OUTSIDE_WINDOW",
                       "other salary requests are open from day " + std::to_string(from_day) +
                           " of the month; today is day " + std::to_string(d.day));
  }
  const std::string month_text = format_month(month);
  if (month >= make_month(d.year, d.month)) {
    return error_reply(409, "WRONG_STATE", "month " + month_text + " is not a past month");
  }
  if (!v || v->table->rows <= row || v->result.fate_of(row) != Fate::kStopped) {
    return error_reply(409, "WRONG_STATE",
                       "employee '" + id + "' was not withheld in " + month_text +
                           (v ? " (its last completed run did not stop the row)" : " (no completed run)"));
  }
  const std::string bill_id = other_salary_bill_id(month, base_->ddo_code[row], id);
  if (bills_.count(bill_id) && bills_[bill_id].state != "REJECTED") {  // a rejected one may be filed again
    return error_reply(409, "WRONG_STATE", "other salary of '" + id + "' for " + month_text + " is already bill '" +
                                               bill_id + "' (" + bills_[bill_id].state + ")");
  }
  std::vector<std::string> fields = master_.fields(row);
  const int stop_column = master_.column("stop_payment"), reason_column = master_.column("stop_reason");
  const auto field = [&](int column) {
    return column >= 0 && size_t(column) < fields.size() ? fields[size_t(column)] : std::string();
  };
  const std::string stop = field(stop_column);
  if (stop == "1" || stop == "Y" || stop == "y" || stop == "TRUE" || stop == "true") {
    return error_reply(409, "WRONG_STATE", "employee '" + id + "' is still stopped; release the payment first");
  }
  if (reason_column >= 0 && size_t(reason_column) < fields.size()) fields[size_t(reason_column)].clear();

  // rules.md: the month's run of this row, the stop lifted.
  EmployeeTable one;
  if (Status s = master_.parse_row(fields, &one); !s.ok() || !one.is_readable(0)) {
    return error_reply(422, "RULE_REFUSED", "the employee's master row is unreadable; correct it first");
  }
  const TableIndex index = build_table_index(one);
  MonthResult result;
  if (Status s = run_month(one, index, profile_, month, &result); !s.ok()) {
    return error_reply(422, "RULE_REFUSED", s.message());
  }
  if (result.fate_of(0) != Fate::kPaid) {
    std::string reasons;
    for (int i = 0; i < kReasonCount; ++i) {
      if (result.reasons[0] & (1u << i)) reasons += (reasons.empty() ? "" : ";") + std::string(kReasonCodes[i]);
    }
    return error_reply(422, "RULE_REFUSED", "the month's run of employee '" + id + "' for " + month_text +
                                                " does not pay the row: " + std::string(kFateNames[int(result.fate_of(0))]) +
                                                (reasons.empty() ? "" : " " + reasons));
  }
  JsonWriter after;
  after.begin_object().field("month", month_text).field("bill_id", bill_id).field("ddo", base_->ddo_code[row]);
  after.field("treasury", base_->treasury_code[row]).field("bill_group", "OS");
  after.field("gross", int64_t(result.amount(result.layout.gross, 0)));
  after.field("total_deductions", int64_t(result.amount(result.layout.total_deductions, 0)));
  after.field("net", int64_t(result.amount(result.layout.net, 0)));
  if (!reason.empty()) after.field("reason", reason);
  after.key("amounts").begin_object();
  for (size_t col = 0; col < result.layout.columns; ++col) {
    after.field(result.layout.names[col], int64_t(result.amount(col, 0)));
  }
  after.end_object().end_object();
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(), "other_salary.file", "employee:" + id, "{}",
               after.take()};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("month", month_text).field("audit_seq", e.seq);
  w.key("bill").raw(bill_json(bills_[bill_id], nullptr)).key("payslip").raw(e.after).end_object();
  return Reply{201, w.take()};
}

// Applies an "other_salary.file" event: the bill it made. REQUIRES: state_mutex_ held.
Status Service::apply_other_salary(const AuditEvent& e) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(e.after).get(root)) return Status::invalid_argument("malformed event JSON");
  std::string_view bill_id, month, ddo, treasury, group;
  if (root["bill_id"].get_string().get(bill_id) || root["month"].get_string().get(month) ||
      root["ddo"].get_string().get(ddo) || root["treasury"].get_string().get(treasury) ||
      root["bill_group"].get_string().get(group)) {
    return Status::invalid_argument("other_salary.file without its bill");
  }
  int64_t gross = 0, deductions = 0, net = 0;
  if (root["gross"].get_int64().get(gross) || root["total_deductions"].get_int64().get(deductions) ||
      root["net"].get_int64().get(net)) {
    return Status::invalid_argument("other_salary.file without its amounts");
  }
  BillState& bill = bills_[std::string(bill_id)];
  bill.id = std::string(bill_id);
  bill.month = std::string(month);
  bill.ddo = std::string(ddo);
  bill.treasury = std::string(treasury);
  bill.group = std::string(group);
  bill.state = "GENERATED";
  bill.run_id = 0;  // no run's bill: its totals are the payslip in the event
  bill.employees = 1;
  bill.gross = gross;
  bill.total_deductions = deductions;
  bill.net = net;
  bill.updated_at = e.at;
  return Status();
}

}  // namespace vetan::serve
