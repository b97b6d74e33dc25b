// Other salary requests (issue 3 §3): pay withheld in an earlier month, paid as a separate
// bill. A DDO files a request for one of its employees and a past month whose completed
// run STOPPED the row; the employee must have been released since. The arrears of that
// month are the whole of the month's pay (drawn 0, due the run's pay): the month's run of
// the employee's row as the master holds it now, with the stop lifted. The request becomes
// bill "YYYY-MM/OS/<ddo>/<employee_id>", GENERATED, which then follows the bill cycle
// (confirm with TOTP, pass or object, reject; a rejected request may be filed again, after
// the DDO corrected the master). One audit event holds the request and its
// computed amounts, so replay rebuilds the bill without recomputing it. The cycle refuses a
// request for a month a CONFIRMED or PASSED bill already paid the row in (issue 9 §2),
// unless the row's credit of that month failed at the bank (a pain.002 return,
// payment_routes.cc): then one request pays it again, to the account the master holds now.
#include "api/serve/event_codec.h"
#include "api/serve/master_fields.h"
#include "api/serve/service.h"
#include "core/cycle/calendar.h"
#include "core/fate/fate.h"
#include "core/run/month_run.h"

namespace vetan::serve {

namespace {

std::string other_salary_bill_id(Month month, std::string_view ddo, std::string_view employee_id) {
  return format_month(month) + "/OS/" + std::string(ddo) + "/" + std::string(employee_id);
}

}  // namespace

std::optional<Reply> Service::run_one_row(const std::vector<std::string>& fields, Month month, MonthResult* result,
                                          std::string* not_paid) const {
  EmployeeTable one;
  if (Status s = master_.parse_row(fields, &one); !s.ok() || !one.is_readable(0)) {
    return error_reply(422, "RULE_REFUSED", "the employee's master row is unreadable; correct it first");
  }
  const TableIndex index = build_table_index(one);
  if (Status s = run_month(one, index, profile_, month, result); !s.ok()) {
    return error_reply(422, "RULE_REFUSED", s.message());
  }
  not_paid->clear();
  if (result->fate_of(0) == Fate::kPaid) return std::nullopt;
  *not_paid = kFateNames[int(result->fate_of(0))];
  for (int i = 0, n = 0; i < kReasonCount; ++i) {
    if (!(result->reasons[0] & (1u << i))) continue;
    not_paid->push_back(n++ == 0 ? ' ' : ';');
    not_paid->append(kReasonCodes[i]);
  }
  return std::nullopt;
}

Reply Service::file_other_salary(const Context& c, const Params& p, const std::string& body) {
  const std::string& id = p[0];
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
  if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  if (!may_act_on_row(c, row)) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not file other salary for employee '" + id + "'");
  }
  const CivilDate d = civil_from_days(today());
  if (Status s = cycle::check_window(profile_.calendar, cycle::Window::kOtherSalary, d.day); !s.ok()) {
    return status_reply(s);
  }
  const std::string month_text = format_month(month);
  if (month >= make_month(d.year, d.month)) {
    return error_reply(409, "WRONG_STATE", "month " + month_text + " is not a past month");
  }
  // A row whose credit for the month failed at the bank is paid again (docs/payment.md):
  // the cycle accepts that once.
  const bool repay = cycle_.credit_failed(month, uint32_t(row));
  if (!repay && (!v || v->table->rows <= row || v->result.fate_of(row) != Fate::kStopped)) {
    return error_reply(409, "WRONG_STATE",
                       "employee '" + id + "' was not withheld in " + month_text +
                           (v ? " (its last completed run did not stop the row)" : " (no completed run)"));
  }
  const std::string bill_id = other_salary_bill_id(month, base_->ddo_code[row], id);
  std::vector<std::string> fields = master_.fields(row);
  const int stop_column = master_.column("stop_payment"), reason_column = master_.column("stop_reason");
  const auto field = [&](int column) {
    return column >= 0 && size_t(column) < fields.size() ? fields[size_t(column)] : std::string();
  };
  if (stops_payment(field(stop_column))) {
    return error_reply(409, "WRONG_STATE", "employee '" + id + "' is still stopped; release the payment first");
  }
  if (reason_column >= 0 && size_t(reason_column) < fields.size()) fields[size_t(reason_column)].clear();

  // rules.md: the month's run of this row, the stop lifted.
  MonthResult result;
  std::string not_paid;
  if (auto refused = run_one_row(fields, month, &result, &not_paid)) return *refused;
  if (!not_paid.empty()) {
    return error_reply(422, "RULE_REFUSED", "the month's run of employee '" + id + "' for " + month_text +
                                                " does not pay the row: " + not_paid);
  }
  cycle::OtherSalaryFile request;
  request.bill_id = bill_id;
  request.employee_id = id;
  request.ddo = std::string(base_->ddo_code[row]);
  request.treasury = std::string(base_->treasury_code[row]);
  request.reason = reason;
  request.month = month;
  request.row = uint32_t(row);
  request.amounts = {1, result.amount(result.layout.gross, 0), result.amount(result.layout.total_deductions, 0),
                     result.amount(result.layout.net, 0)};
  for (size_t col = 0; col < result.layout.columns; ++col) {
    request.payslip.emplace_back(result.layout.names[col], result.amount(col, 0));
  }
  // The cycle refuses a second filing and a month the row was already paid in.
  cycle::Event e(cycle::EventKind::kOtherSalaryFile, std::move(request));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  AuditEvent stored;
  encode_event(e, &stored);
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("month", month_text).field("audit_seq", e.header.seq);
  w.key("bill").raw(bill_json(*cycle_.bill(bill_id), false)).key("payslip").raw(stored.after).end_object();
  return Reply{201, w.take()};
}

}  // namespace vetan::serve
