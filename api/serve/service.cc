#include "api/serve/service.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "api/serve/crypto.h"
#include "core/fate/fate.h"
#include "core/profile/month_rules.h"
#include "core/run/month_run.h"
#include "loaders/csv/csv_loader.h"

namespace vetan::serve {

Reply error_reply(int status, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_object().key("error").begin_object().field("code", code).field("message", message).end_object().end_object();
  return Reply{status, w.take()};
}

namespace {

Reply ok_reply(int status, std::string body) { return Reply{status, std::move(body)}; }

Reply bad_request(const Status& s) { return error_reply(400, "INVALID_ARGUMENT", s.message()); }

// The formats.md columns an edit may change: all but the employee's identity and place
// (employee_id, treasury_code, ddo_code) and the stop fields (their own endpoints).
const std::vector<std::string_view> kMasterColumns = {
    "employee_id", "name", "date_of_birth", "date_of_joining", "date_of_retirement", "status",
    "treasury_code", "ddo_code", "bill_group", "department", "budget_head", "fund_type",
    "pay_level", "pay_cell", "basic_pay", "pension_scheme", "gpf_account", "gpf_subscription",
    "pran", "hra_class", "govt_quarters", "npa_eligible", "special_pay", "lwp_days",
    "loan_installment", "loan_balance", "income_tax_declared", "fy_gross_to_date",
    "fy_tds_to_date", "stop_payment", "stop_reason", "bank_account", "ifsc", "pan"};
bool editable(std::string_view column) {
  return column != "employee_id" && column != "treasury_code" && column != "ddo_code" &&
         column != "stop_payment" && column != "stop_reason";
}

bool truthy(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::string upper(value);
  for (char& c : upper) c = char(std::toupper(uint8_t(c)));
  return upper == "1" || upper == "Y" || upper == "TRUE";
}

const char* fund_name(uint8_t fund) { return FundType(fund) == FundType::kCa ? "CA" : "SF"; }

std::string_view text_of(simdjson::simdjson_result<simdjson::dom::element> element) {
  std::string_view value;
  if (element.get_string().get(value)) return std::string_view();
  return value;
}

int64_t int_of(simdjson::simdjson_result<simdjson::dom::element> element) {
  int64_t value = 0;
  if (element.get_int64().get(value)) return 0;
  return value;
}

// A text field of a request body: present, a string, 1..max bytes, no control characters.
Status text_field(const JsonBody& body, std::string_view key, bool required, size_t max,
                  std::string* out) {
  out->clear();
  const JsonValue* v = find_field(body, key);
  if (v == nullptr || v->type == JsonValue::Type::kNull) {
    if (required) return Status::invalid_argument("field '" + std::string(key) + "' is required");
    return Status();
  }
  if (v->type != JsonValue::Type::kString) {
    return Status::invalid_argument("field '" + std::string(key) + "' must be a string");
  }
  if (v->text.empty() && required) return Status::invalid_argument("field '" + std::string(key) + "' is empty");
  if (v->text.size() > max) {
    return Status::invalid_argument("field '" + std::string(key) + "' is longer than " + std::to_string(max) +
                                    " bytes");
  }
  for (char c : v->text) {
    if (uint8_t(c) < 0x20 || c == 0x7f) {
      return Status::invalid_argument("field '" + std::string(key) + "' holds a control character");
    }
  }
  *out = v->text;
  return Status();
}

// The body as JSON; an empty body reads as {}.
Status read_body(const std::string& body, const std::vector<std::string_view>& allowed, JsonBody* out) {
  if (body.empty()) {
    out->clear();
    return Status();
  }
  return parse_body(body, allowed, out);
}

std::string string_map_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  JsonWriter w;
  w.begin_object();
  for (const auto& [k, v] : fields) w.field(k, v);
  w.end_object();
  return w.take();
}

// Reads {"fields": {"column": "value", …}} of an audit event.
Status event_fields(const std::string& json, std::vector<std::pair<std::string, std::string>>* fields) {
  fields->clear();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) return Status::invalid_argument("malformed event JSON");
  simdjson::dom::object object;
  if (root["fields"].get_object().get(object)) return Status();
  for (auto [k, v] : object) {
    std::string_view text;
    if (v.get_string().get(text)) return Status::invalid_argument("field value is not a string");
    fields->emplace_back(std::string(k), std::string(text));
  }
  return Status();
}

}  // namespace

Service::~Service() { shutdown(); }

Status Service::open(const ServiceOptions& options) {
  options_ = options;
  {
    std::ifstream in(options.profile_path, std::ios::binary);
    if (!in) return Status::io_error(options.profile_path + ": cannot read the profile");
    std::ostringstream json;
    json << in.rdbuf();
    profile_json_ = json.str();
    if (Status s = parse_profile(profile_json_, &profile_); !s.ok()) {
      return Status::invalid_argument(options.profile_path + ": " + s.message());
    }
  }
  if (Status s = tokens_.load(options.tokens_path); !s.ok()) return s;
  if (Status s = master_.load(options.employees_path); !s.ok()) return s;
  master_.set_deduction_codes(deduction_codes(profile_));
  {
    auto table = std::make_shared<EmployeeTable>();
    CsvLoadOptions load;
    load.deduction_codes = deduction_codes(profile_);
    if (Status s = parse_employees_csv(master_.snapshot(), options.employees_path, table.get(), load);
        !s.ok()) {
      return s;
    }
    base_ = table;
  }
  rows_by_id_.clear();
  for (size_t r = 0; r < base_->rows; ++r) {
    if (!base_->employee_id[r].empty()) rows_by_id_.push_back(uint32_t(r));
  }
  std::sort(rows_by_id_.begin(), rows_by_id_.end(),
            [&](uint32_t a, uint32_t b) { return base_->employee_id[a] < base_->employee_id[b]; });
  if (Status s = store_.open(options.data_dir, "sha256:" + master_.fingerprint()); !s.ok()) return s;

  // Replay: first find each month's last completed run (its snapshot is rebuilt as the
  // replay passes its start), then apply every event in order.
  std::lock_guard lock(state_mutex_);
  last_completed_run_.clear();
  Status scan = store_.replay([&](const AuditEvent& e) {
    if (e.action == "run.complete") {
      simdjson::dom::parser parser;
      std::string_view month;
      if (parser.parse(e.after)["month"].get_string().get(month)) {
        return Status::invalid_argument("run.complete without a month");
      }
      last_completed_run_[std::string(month)] = std::stoll(e.entity.substr(4));
    }
    return Status();
  });
  if (!scan.ok()) return scan;
  if (Status s = store_.replay([&](const AuditEvent& e) { return apply(e, true); }); !s.ok()) return s;
  for (RunInfo& run : runs_) {
    if (run.state == "RUNNING") {
      AuditEvent e{0, utc_timestamp(options_.clock->now()), "system", "run.interrupted",
                   "run:" + std::to_string(run.id), "{}", "{}"};
      if (Status s = append_and_apply(&e); !s.ok()) return s;
    }
  }
  for (auto& [run_id, snapshot] : replay_snapshots_) {
    Month month = 0;
    for (const RunInfo& run : runs_) {
      if (run.id == run_id) parse_month(run.month, &month);
    }
    std::shared_ptr<RunView> v;
    if (Status s = compute_view(run_id, month, snapshot, &v); !s.ok()) return s;
    std::lock_guard views(views_mutex_);
    views_[month] = std::move(v);
  }
  replay_snapshots_.clear();
  return Status();
}

void Service::wait_for_runs() {
  std::unique_lock lock(state_mutex_);
  run_done_.wait(lock, [&] { return !running_; });
  if (runner_.joinable()) {
    std::thread t = std::move(runner_);
    lock.unlock();
    t.join();
  }
}

void Service::shutdown() {
  wait_for_runs();
  {
    std::lock_guard lock(state_mutex_);
    if (closed_) return;
    closed_ = true;
  }
  store_.close();
}

Date Service::today() const { return ist_date(options_.clock->now()); }

Status Service::append_and_apply(AuditEvent* event) {
  if (Status s = store_.append(event); !s.ok()) return s;
  return apply(*event, false);
}

// Applies one event to the state. REQUIRES: state_mutex_ held.
Status Service::apply(const AuditEvent& e, bool replaying) {
  const std::string& a = e.action;
  if (a == "employee.edit" || a == "employee.stop" || a == "employee.release" ||
      a == "proposal.approve") {
    size_t row;
    Reply ignored;
    if (Status s = find_row(e.entity.substr(9), &row, &ignored); !s.ok()) return s;
    std::vector<std::pair<std::string, std::string>> fields;
    if (Status s = event_fields(e.after, &fields); !s.ok()) return s;
    for (const auto& [column, value] : fields) {
      const int c = master_.column(column);
      if (c < 0) return Status::invalid_argument("unknown column '" + column + "'");
      master_.set_field(row, c, value);
    }
  }
  if (a == "proposal.create" || a == "proposal.approve" || a == "proposal.reject") {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(e.after).get(root)) return Status::invalid_argument("malformed event JSON");
    int64_t id = 0;
    if (root["proposal_id"].get_int64().get(id)) return Status::invalid_argument("no proposal_id");
    Proposal& p = proposals_[id];
    p.id = id;
    std::string_view text;
    if (a == "proposal.create") {
      p.employee_id = e.entity.substr(9);
      text = text_of(root["kind"]);
      p.kind = std::string(text);
      text = text_of(root["month"]);
      p.month = std::string(text);
      p.amount = int_of(root["amount"]);
      size_t row;
      Reply ignored;
      if (find_row(p.employee_id, &row, &ignored).ok()) {
        p.ddo = std::string(base_->ddo_code[row]);
        if (base_->is_readable(row)) p.treasury = std::string(base_->treasury_code[row]);
      }
      p.status = "PENDING";
      p.by = e.actor;
    } else {
      p.status = a == "proposal.approve" ? "APPROVED" : "REJECTED";
      p.decided_by = e.actor;
      if (!root["reason"].get_string().get(text)) p.reason = std::string(text);
    }
  } else if (a.rfind("bill.", 0) == 0) {
    auto it = bills_.find(e.entity.substr(5));
    if (it == bills_.end()) return Status::invalid_argument("unknown bill " + e.entity);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(e.after).get(root)) return Status::invalid_argument("malformed event JSON");
    std::string_view text;
    if (root["state"].get_string().get(text)) return Status::invalid_argument("no state");
    it->second.state = std::string(text);
    it->second.reason = root["reason"].get_string().get(text) ? std::string() : std::string(text);
    it->second.updated_at = e.at;
  } else if (a == "other_salary.file") {
    return apply_other_salary(e);
  } else if (a == "run.start") {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(e.after).get(root)) return Status::invalid_argument("malformed event JSON");
    RunInfo run;
    run.id = std::stoll(e.entity.substr(4));
    std::string_view text;
    text = text_of(root["month"]);
    run.month = std::string(text);
    int64_t day = 0;
    day = int_of(root["day"]);
    run.started_day = Date(day);
    run.state = "RUNNING";
    run.actor = e.actor;
    run.started_at = e.at;
    runs_.push_back(run);
    running_ = !replaying;
    if (replaying) {
      auto last = last_completed_run_.find(run.month);
      if (last != last_completed_run_.end() && last->second == run.id) {
        replay_snapshots_[run.id] = master_.snapshot();
      }
    }
  } else if (a == "run.complete" || a == "run.fail" || a == "run.interrupted") {
    const int64_t id = std::stoll(e.entity.substr(4));
    RunInfo* run = nullptr;
    for (RunInfo& r : runs_) {
      if (r.id == id) run = &r;
    }
    if (run == nullptr) return Status::invalid_argument("unknown run " + e.entity);
    run->finished_at = e.at;
    running_ = false;
    if (a == "run.interrupted") {
      run->state = "INTERRUPTED";
      return Status();
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(e.after).get(root)) return Status::invalid_argument("malformed event JSON");
    run->duration_ms = int_of(root["duration_ms"]);
    std::string_view text;
    if (a == "run.fail") {
      run->state = "FAILED";
      if (!root["error"].get_string().get(text)) run->error = std::string(text);
      return Status();
    }
    run->state = "COMPLETED";
    simdjson::dom::element summary;
    if (!root["summary"].get(summary)) run->summary = simdjson::minify(summary);
    simdjson::dom::array list;
    if (root["bills"].get_array().get(list)) return Status::invalid_argument("no bills");
    for (simdjson::dom::element b : list) {
      std::string_view id_text, treasury, ddo, group;
      id_text = text_of(b["id"]);
      treasury = text_of(b["treasury"]);
      ddo = text_of(b["ddo"]);
      group = text_of(b["group"]);
      BillState& bill = bills_[std::string(id_text)];
      if (bill.state == "CONFIRMED" || bill.state == "PASSED") continue;  // frozen once confirmed
      bill.id = std::string(id_text);
      bill.month = run->month;
      bill.treasury = std::string(treasury);
      bill.ddo = std::string(ddo);
      bill.group = std::string(group);
      bill.state = "GENERATED";
      bill.reason.clear();
      bill.run_id = id;
      bill.employees = int_of(b["employees"]);
      bill.gross = int_of(b["gross"]);
      bill.total_deductions = int_of(b["total_deductions"]);
      bill.net = int_of(b["net"]);
      bill.updated_at = e.at;
    }
  }
  return Status();
}

std::optional<Reply> Service::readable_row(const Context& c, const std::string& id,
                                           size_t* row) const {
  Reply error;
  if (!find_row(id, row, &error).ok()) return error;
  if (!may_read_row(c, *row)) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not read employee '" + id + "'");
  }
  return std::nullopt;
}

Status Service::find_row(const std::string& id, size_t* row, Reply* error) const {
  auto range = std::equal_range(rows_by_id_.begin(), rows_by_id_.end(), id,
                                [&](const auto& a, const auto& b) {
                                  if constexpr (std::is_same_v<std::decay_t<decltype(a)>, uint32_t>) {
                                    return base_->employee_id[a] < std::string_view(b);
                                  } else {
                                    return std::string_view(a) < base_->employee_id[b];
                                  }
                                });
  const size_t n = size_t(range.second - range.first);
  if (n == 0) {
    *error = error_reply(404, "NOT_FOUND", "employee '" + id + "' is not in the master");
    return Status::invalid_argument("employee '" + id + "' is not in the master");
  }
  if (n > 1) {
    *error = error_reply(409, "DUPLICATE_EMPLOYEE_ID",
                         "employee_id '" + id + "' stands on " + std::to_string(n) +
                             " rows of the master (rules §2 step 1); correct the master first");
    return Status::invalid_argument("duplicate employee id '" + id + "'");
  }
  *row = *range.first;
  return Status();
}

bool Service::may_read_row(const Context& c, size_t row) const {
  switch (c.who->role) {
    case Role::kAdmin:
    case Role::kAnalyst: return true;
    case Role::kDdo: return base_->ddo_code[row] == c.who->scope;
    case Role::kTreasury: return base_->is_readable(row) && base_->treasury_code[row] == c.who->scope;
  }
  return false;
}

bool Service::may_act_on_row(const Context& c, size_t row) const {
  return c.who->role == Role::kAdmin ||
         (c.who->role == Role::kDdo && base_->ddo_code[row] == c.who->scope);
}

std::shared_ptr<const RunView> Service::view(Month month) const {
  std::lock_guard lock(views_mutex_);
  auto it = views_.find(month);
  return it == views_.end() ? nullptr : it->second;
}

std::shared_ptr<const RunView> Service::latest_view() const {
  std::lock_guard lock(views_mutex_);
  return views_.empty() ? nullptr : views_.rbegin()->second;
}

Reply forbidden(const std::string& what) { return error_reply(403, "FORBIDDEN", what); }

std::optional<Reply> Service::narrow_to_scope(const Context& c, const std::string& verb,
                                              std::string* ddo, std::string* treasury) {
  if (c.who->role == Role::kDdo) {
    if (!ddo->empty() && *ddo != c.who->scope) {
      return forbidden(c.who->label() + " may not " + verb + " DDO '" + *ddo + "'");
    }
    *ddo = c.who->scope;
  }
  if (c.who->role == Role::kTreasury) {
    if (!treasury->empty() && *treasury != c.who->scope) {
      return forbidden(c.who->label() + " may not " + verb + " treasury '" + *treasury + "'");
    }
    *treasury = c.who->scope;
  }
  return std::nullopt;
}

namespace {
Reply window_closed(const char* what, int first, int last, int day) {
  return error_reply(409, "OUTSIDE_WINDOW",
                     std::string(what) + " is open on days " + std::to_string(first) + "–" +
                         std::to_string(last) + " of the month; today is day " + std::to_string(day));
}
}  // namespace

Reply Service::get_employee(const Context& c, const std::string& id) {
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (auto refused = readable_row(c, id, &row)) return *refused;
  const std::vector<std::string> fields = master_.fields(row);
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("line", int64_t(row + 1));
  w.field("changed", master_.changed(row));
  w.key("fields").begin_object();
  for (size_t i = 0; i < master_.header().size() && i < fields.size(); ++i) {
    w.field(master_.header()[i], fields[i]);
  }
  w.end_object();
  const std::string problems = master_.check_row(fields);
  w.field("readable", problems.empty());
  if (!problems.empty()) w.field("problems", problems);
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::patch_employee(const Context& c, const std::string& id, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, kMasterColumns, &parsed); !s.ok()) return bad_request(s);
  std::lock_guard lock(state_mutex_);
  size_t row;
  Reply error;
  if (!find_row(id, &row, &error).ok()) return error;
  if (!may_act_on_row(c, row)) return forbidden(c.who->label() + " may not edit employee '" + id + "'");
  const CivilDate d = civil_from_days(today());
  const auto& window = profile_.calendar.master_edit;
  if (d.day < window[0] || d.day > window[1]) return window_closed("master-data editing", window[0], window[1], d.day);
  if (parsed.empty()) return error_reply(400, "INVALID_ARGUMENT", "body: no fields to change");
  std::vector<std::string> fields = master_.fields(row);
  std::vector<std::pair<std::string, std::string>> before, after;
  for (const auto& [name, value] : parsed) {
    if (!editable(name)) {
      return error_reply(422, "NOT_EDITABLE",
                         "field '" + name + "' cannot be changed by an edit" +
                             (name.rfind("stop", 0) == 0 ? " (use /stop and /release)" : " (it identifies the employee and their DDO)"));
    }
    const int column = master_.column(name);
    if (column < 0) return error_reply(422, "NOT_EDITABLE", "field '" + name + "': the master file has no such column");
    std::string text;
    switch (value.type) {
      case JsonValue::Type::kString:
        if (value.text.size() > 256) return error_reply(400, "INVALID_ARGUMENT", "field '" + name + "': longer than 256 bytes");
        for (char ch : value.text) {
          if (uint8_t(ch) < 0x20 || ch == 0x7f) {
            return error_reply(400, "INVALID_ARGUMENT", "field '" + name + "': holds a control character");
          }
        }
        text = value.text;
        break;
      case JsonValue::Type::kInteger: text = std::to_string(value.integer); break;
      case JsonValue::Type::kBool: text = value.boolean ? "1" : "0"; break;
      case JsonValue::Type::kNull: text.clear(); break;
    }
    if (size_t(column) >= fields.size()) fields.resize(size_t(column) + 1);
    before.emplace_back(name, fields[size_t(column)]);
    after.emplace_back(name, text);
    fields[size_t(column)] = text;
  }
  // formats.md: the changed row must read as the loader reads the file.
  const std::string problems = master_.check_row(fields);
  if (!problems.empty()) {
    std::string named;
    size_t start = 0;
    while (start < problems.size()) {
      size_t end = problems.find("; ", start);
      if (end == std::string::npos) end = problems.size();
      const std::string part = problems.substr(start, end - start);
      for (const auto& [name, value] : after) {
        if (part.rfind(name + ":", 0) == 0) named += (named.empty() ? "" : "; ") + part;
      }
      start = end + 2;
    }
    if (!named.empty()) return error_reply(400, "INVALID_ARGUMENT", named);
  }
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(), "employee.edit", "employee:" + id,
               "{\"fields\":" + string_map_json(before) + "}", "{\"fields\":" + string_map_json(after) + "}"};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("audit_seq", e.seq).key("changed").raw(string_map_json(after));
  w.field("applies_from", "the next run").end_object();
  return ok_reply(200, w.take());
}

Reply Service::stop_employee(const Context& c, const std::string& id, const std::string& body, bool stop) {
  JsonBody parsed;
  if (Status s = read_body(body, {"reason"}, &parsed); !s.ok()) return bad_request(s);
  std::string reason;
  if (Status s = text_field(parsed, "reason", stop, 200, &reason); !s.ok()) return bad_request(s);
  std::lock_guard lock(state_mutex_);
  size_t row;
  Reply error;
  if (!find_row(id, &row, &error).ok()) return error;
  if (!may_act_on_row(c, row)) return forbidden(c.who->label() + " may not stop or release employee '" + id + "'");
  const CivilDate d = civil_from_days(today());
  if (stop && d.day > profile_.calendar.stop_payment_until) {
    return window_closed("stopping payment", 1, profile_.calendar.stop_payment_until, d.day);
  }
  const int stop_column = master_.column("stop_payment"), reason_column = master_.column("stop_reason");
  if (stop_column < 0 || reason_column < 0) {
    return error_reply(422, "NOT_EDITABLE", "the master file has no stop_payment and stop_reason columns");
  }
  const std::vector<std::string> fields = master_.fields(row);
  const std::string old_stop = size_t(stop_column) < fields.size() ? fields[size_t(stop_column)] : "";
  const std::string old_reason = size_t(reason_column) < fields.size() ? fields[size_t(reason_column)] : "";
  if (truthy(old_stop) == stop) {
    return error_reply(409, "WRONG_STATE", "employee '" + id + "' is " + (stop ? "already stopped" : "not stopped"));
  }
  std::vector<std::pair<std::string, std::string>> before = {{"stop_payment", old_stop}, {"stop_reason", old_reason}};
  std::vector<std::pair<std::string, std::string>> after = {{"stop_payment", stop ? "1" : "0"},
                                                            {"stop_reason", stop ? reason : ""}};
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(), stop ? "employee.stop" : "employee.release",
               "employee:" + id, "{\"fields\":" + string_map_json(before) + "}",
               "{\"fields\":" + string_map_json(after) + "}"};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("stopped", stop).field("audit_seq", e.seq).end_object();
  return ok_reply(200, w.take());
}

Reply Service::audit_list(const Context& c, const std::string& entity) {
  int64_t after = 0, limit = 100;
  const std::string a = c.param("after"), l = c.param("limit");
  if (!a.empty() && (a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'after' must be an audit sequence number");
  }
  if (!a.empty()) after = std::stoll(a);
  if (!l.empty()) {
    if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos || std::stoll(l) < 1 ||
        std::stoll(l) > 1000) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'limit' must be 1..1000");
    }
    limit = std::stoll(l);
  }
  std::vector<AuditEvent> events;
  if (Status s = store_.list(entity, after, int(limit), &events); !s.ok()) {
    return error_reply(500, "STORE_FAILED", s.message());
  }
  JsonWriter w;
  w.begin_object().field("entity", entity).key("events").begin_array();
  for (const AuditEvent& e : events) {
    w.begin_object().field("seq", e.seq).field("at", e.at).field("who", e.actor).field("action", e.action);
    w.key("before").raw(e.before).key("after").raw(e.after.size() > 4096 ? "{\"omitted\":\"large\"}" : e.after);
    w.end_object();
  }
  w.end_array().end_object();
  return ok_reply(200, w.take());
}

Reply Service::employee_audit(const Context& c, const std::string& id) {
  {
    std::lock_guard lock(state_mutex_);
    size_t row;
    if (auto refused = readable_row(c, id, &row)) return *refused;
  }
  return audit_list(c, "employee:" + id);
}

Reply Service::get_payslip(const Context& c, const std::string& id, const std::string& month_text) {
  Month month;
  if (!parse_month(month_text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "month '" + month_text + "' is not YYYY-MM");
  }
  size_t row;
  {
    std::lock_guard lock(state_mutex_);
    if (auto refused = readable_row(c, id, &row)) return *refused;
  }
  const auto v = view(month);
  if (!v) return error_reply(404, "NOT_FOUND", "no completed run for " + month_text);
  const MonthResult& r = v->result;
  if (r.fate_of(row) != Fate::kPaid) {
    std::string reasons;
    for (int i = 0; i < kReasonCount; ++i) {
      if (r.reasons[row] & (1u << i)) reasons += (reasons.empty() ? "" : ";") + std::string(kReasonCodes[i]);
    }
    return error_reply(404, "NOT_PAID",
                       "employee '" + id + "' has no payslip for " + month_text + ": " +
                           (r.fate_of(row) == Fate::kStopped ? "payment stopped" : "mismatch " + reasons));
  }
  const EmployeeTable& t = *v->table;
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("month", month_text).field("run_id", v->run_id);
  w.field("line", int64_t(row + 1));
  w.field("bill_id", month_text + "/" + v->index.bills[v->index.bill_of_row[row]].id_suffix);
  w.field("treasury_code", t.treasury_code[row]).field("ddo_code", t.ddo_code[row]);
  w.field("bill_group", t.bill_group[row]).field("budget_head", t.budget_head[row]);
  w.field("fund_type", fund_name(t.fund_type[row])).field("payable_days", int64_t(r.payable_days[row]));
  w.key("amounts").begin_object();
  for (size_t col = 0; col < r.layout.columns; ++col) w.field(r.layout.names[col], int64_t(r.amount(col, row)));
  w.end_object().end_object();
  return ok_reply(200, w.take());
}

Reply Service::create_proposal(const Context& c, const std::string& id, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, {"kind", "amount"}, &parsed); !s.ok()) return bad_request(s);
  std::string kind;
  if (Status s = text_field(parsed, "kind", true, 32, &kind); !s.ok()) return bad_request(s);
  if (kind != "GPF_SUBSCRIPTION" && kind != "INCOME_TAX") {
    return error_reply(400, "INVALID_ARGUMENT", "field 'kind' must be GPF_SUBSCRIPTION or INCOME_TAX");
  }
  const JsonValue* amount = find_field(parsed, "amount");
  if (amount == nullptr || amount->type != JsonValue::Type::kInteger || amount->integer < 0 ||
      amount->integer > 999999999999) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'amount' must be a whole number of rupees 0..999999999999");
  }
  std::lock_guard lock(state_mutex_);
  size_t row;
  Reply error;
  if (!find_row(id, &row, &error).ok()) return error;
  if (!may_act_on_row(c, row)) return forbidden(c.who->label() + " may not propose for employee '" + id + "'");
  const Date now = today();
  const CivilDate d = civil_from_days(now);
  const auto& window = profile_.calendar.employee_proposals;
  if (d.day < window[0] || d.day > window[1]) return window_closed("deduction proposals", window[0], window[1], d.day);
  const int64_t proposal_id = proposals_.empty() ? 1 : proposals_.rbegin()->first + 1;
  JsonWriter after;
  after.begin_object().field("proposal_id", proposal_id).field("kind", kind).field("amount", amount->integer);
  after.field("month", format_month(make_month(d.year, d.month))).end_object();
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(), "proposal.create", "employee:" + id, "{}",
               after.take()};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter w;
  w.begin_object().field("proposal_id", proposal_id).field("status", "PENDING").field("audit_seq", e.seq).end_object();
  return ok_reply(201, w.take());
}

Reply Service::list_proposals(const Context& c) {
  const std::string status = c.param("status");
  std::lock_guard lock(state_mutex_);
  JsonWriter w;
  w.begin_object().key("proposals").begin_array();
  for (const auto& [id, p] : proposals_) {
    if (c.who->role == Role::kDdo && p.ddo != c.who->scope) continue;
    if (c.who->role == Role::kTreasury && p.treasury != c.who->scope) continue;
    if (!status.empty() && p.status != status) continue;
    w.begin_object().field("proposal_id", id).field("employee_id", p.employee_id).field("ddo_code", p.ddo);
    w.field("kind", p.kind).field("amount", p.amount).field("month", p.month).field("status", p.status);
    w.field("proposed_by", p.by).field("decided_by", p.decided_by).field("reason", p.reason).end_object();
  }
  w.end_array().end_object();
  return ok_reply(200, w.take());
}

Reply Service::decide_proposal(const Context& c, const std::string& id_text, const std::string& verb,
                               const std::string& body) {
  JsonBody parsed;
  if (Status s = read_body(body, {"reason"}, &parsed); !s.ok()) return bad_request(s);
  std::string reason;
  if (Status s = text_field(parsed, "reason", false, 200, &reason); !s.ok()) return bad_request(s);
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos) {
    return error_reply(400, "INVALID_ARGUMENT", "proposal id '" + id_text + "' is not a number");
  }
  std::lock_guard lock(state_mutex_);
  auto it = proposals_.find(std::stoll(id_text));
  if (it == proposals_.end()) return error_reply(404, "NOT_FOUND", "no proposal " + id_text);
  const Proposal p = it->second;
  if (!(c.who->role == Role::kAdmin || (c.who->role == Role::kDdo && c.who->scope == p.ddo))) {
    return forbidden(c.who->label() + " may not decide proposal " + id_text);
  }
  const CivilDate d = civil_from_days(today());
  const auto& window = profile_.calendar.ddo_approval;
  if (d.day < window[0] || d.day > window[1]) return window_closed("DDO approval", window[0], window[1], d.day);
  if (p.status != "PENDING") return error_reply(409, "WRONG_STATE", "proposal " + id_text + " is " + p.status);
  size_t row;
  Reply error;
  if (!find_row(p.employee_id, &row, &error).ok()) return error;
  const std::string column = p.kind == "GPF_SUBSCRIPTION" ? "gpf_subscription" : "income_tax_declared";
  const int col = master_.column(column);
  if (col < 0) return error_reply(422, "NOT_EDITABLE", "the master file has no column '" + column + "'");
  std::vector<std::pair<std::string, std::string>> before, after;
  if (verb == "approve") {
    // rules §2 step 4, §5.1, §6: run the employee's row alone for this month to find the
    // GPF limits and the month's computed TDS.
    std::vector<std::string> fields = master_.fields(row);
    if (size_t(col) >= fields.size()) fields.resize(size_t(col) + 1);
    before.emplace_back(column, fields[size_t(col)]);
    fields[size_t(col)] = p.kind == "INCOME_TAX" ? "0" : std::to_string(p.amount);
    EmployeeTable one;
    if (Status s = master_.parse_row(fields, &one); !s.ok() || !one.is_readable(0)) {
      return error_reply(422, "RULE_REFUSED", "the employee's master row is unreadable; correct it first");
    }
    const TableIndex index = build_table_index(one);
    MonthResult result;
    if (Status s = run_month(one, index, profile_, make_month(d.year, d.month), &result); !s.ok()) {
      return error_reply(422, "RULE_REFUSED", s.message());
    }
    if (p.kind == "GPF_SUBSCRIPTION") {
      if (result.reasons[0] & kGpfBelowMinimum) {
        return error_reply(422, "RULE_REFUSED", "GPF subscription " + std::to_string(p.amount) +
                                                    " is below the GPF minimum (rules §5.1)");
      }
      if (result.reasons[0] & kGpfAboveMaximum) {
        return error_reply(422, "RULE_REFUSED", "GPF subscription " + std::to_string(p.amount) +
                                                    " is above the full-month basic pay");
      }
    } else {
      const Money tds = result.fate_of(0) == Fate::kPaid ? result.amount(result.layout.income_tax, 0) : 0;
      if (p.amount < tds) {
        return error_reply(422, "RULE_REFUSED", "income tax " + std::to_string(p.amount) +
                                                    " is below the month's computed TDS of " + std::to_string(tds) +
                                                    " (rules §6)");
      }
    }
    after.emplace_back(column, std::to_string(p.amount));
  }
  JsonWriter w;
  w.begin_object().field("proposal_id", p.id).field("status", verb == "approve" ? "APPROVED" : "REJECTED");
  if (!reason.empty()) w.field("reason", reason);
  if (verb == "approve") w.key("fields").raw(string_map_json(after));
  w.end_object();
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(),
               verb == "approve" ? "proposal.approve" : "proposal.reject", "employee:" + p.employee_id,
               "{\"proposal_id\":" + std::to_string(p.id) + ",\"status\":\"PENDING\",\"fields\":" + string_map_json(before) + "}",
               w.take()};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter reply;
  reply.begin_object().field("proposal_id", p.id).field("status", proposals_[p.id].status).field("audit_seq", e.seq).end_object();
  return ok_reply(200, reply.take());
}

std::string Service::bill_json(const BillState& b, const RunView* v) const {
  JsonWriter w;
  w.begin_object().field("bill_id", b.id).field("month", b.month).field("treasury_code", b.treasury);
  w.field("ddo_code", b.ddo).field("bill_group", b.group).field("state", b.state).field("run_id", b.run_id);
  w.field("employees", b.employees).field("gross", b.gross).field("total_deductions", b.total_deductions);
  w.field("net", b.net).field("updated_at", b.updated_at);
  if (!b.reason.empty()) w.field("reason", b.reason);
  if (v != nullptr && v->run_id == b.run_id) {
    const MonthResult& r = v->result;
    const std::string suffix = b.id.substr(b.month.size() + 1);
    for (const BillTotals& t : r.bills) {
      if (v->index.bills[t.bill].id_suffix != suffix) continue;
      w.key("totals").begin_object();
      for (size_t col = 0; col < r.layout.columns; ++col) w.field(r.layout.names[col], int64_t(t.amounts[col]));
      w.end_object();
      w.key("budget_heads").begin_array();
      for (const BillHeadTotals& h : r.bill_heads) {
        if (h.bill != t.bill) continue;
        w.begin_object().field("budget_head", v->table->budget_head.dictionary.value(h.budget_head));
        w.field("fund_type", fund_name(h.fund_type)).field("employees", h.employees).field("gross", int64_t(h.gross));
        w.field("total_deductions", int64_t(h.total_deductions)).field("net", int64_t(h.net)).end_object();
      }
      w.end_array();
    }
  }
  w.end_object();
  return w.take();
}

Status page_size_of(const std::string& text, size_t* size) {
  *size = 100;
  if (text.empty()) return Status();
  if (text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
      std::stoi(text) > 1000) {
    return Status::invalid_argument("query 'page_size' must be 1..1000");
  }
  *size = size_t(std::stoi(text));
  return Status();
}

Reply Service::list_bills(const Context& c) {
  std::string ddo = c.param("ddo"), treasury = c.param("treasury");
  const std::string month = c.param("month"), state = c.param("state"), token = c.param("page_token");
  if (auto refused = narrow_to_scope(c, "list bills of", &ddo, &treasury)) return *refused;
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s);
  std::lock_guard lock(state_mutex_);
  JsonWriter w;
  w.begin_object().key("bills").begin_array();
  size_t n = 0;
  std::string last;
  bool more = false;
  for (auto it = token.empty() ? bills_.begin() : bills_.upper_bound(token); it != bills_.end(); ++it) {
    const BillState& b = it->second;
    if ((!ddo.empty() && b.ddo != ddo) || (!treasury.empty() && b.treasury != treasury) ||
        (!month.empty() && b.month != month) || (!state.empty() && b.state != state)) {
      continue;
    }
    if (n == page_size) {
      more = true;
      break;
    }
    w.raw(bill_json(b, nullptr));
    last = b.id;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", last);
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::get_bill(const Context& c, const std::string& bill_id) {
  BillState bill;
  {
    std::lock_guard lock(state_mutex_);
    auto it = bills_.find(bill_id);
    if (it == bills_.end()) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
    bill = it->second;
  }
  if ((c.who->role == Role::kDdo && bill.ddo != c.who->scope) ||
      (c.who->role == Role::kTreasury && bill.treasury != c.who->scope)) {
    return forbidden(c.who->label() + " may not read bill '" + bill_id + "'");
  }
  Month month;
  parse_month(bill.month, &month);
  const auto v = view(month);
  return ok_reply(200, bill_json(bill, v.get()));
}

Reply Service::bill_audit(const Context& c, const std::string& bill_id) {
  {
    std::lock_guard lock(state_mutex_);
    auto it = bills_.find(bill_id);
    if (it == bills_.end()) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
    if ((c.who->role == Role::kDdo && it->second.ddo != c.who->scope) ||
        (c.who->role == Role::kTreasury && it->second.treasury != c.who->scope)) {
      return forbidden(c.who->label() + " may not read bill '" + bill_id + "'");
    }
  }
  return audit_list(c, "bill:" + bill_id);
}

Reply Service::bill_action(const Context& c, const std::string& bill_id, const std::string& verb,
                           const std::string& body) {
  JsonBody parsed;
  const std::vector<std::string_view> allowed =
      verb == "confirm" ? std::vector<std::string_view>{"otp"} : std::vector<std::string_view>{"reason"};
  if (Status s = read_body(body, allowed, &parsed); !s.ok()) return bad_request(s);
  std::string otp, reason;
  if (verb == "confirm") {
    if (Status s = text_field(parsed, "otp", true, 16, &otp); !s.ok()) return bad_request(s);
  } else if (Status s = text_field(parsed, "reason", verb == "object" || verb == "reject", 200, &reason); !s.ok()) {
    return bad_request(s);
  }
  std::lock_guard lock(state_mutex_);
  auto it = bills_.find(bill_id);
  if (it == bills_.end()) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
  BillState& bill = it->second;
  const bool ddo_verb = verb == "confirm" || verb == "reject";
  const bool allowed_role = ddo_verb ? (c.who->role == Role::kDdo && c.who->scope == bill.ddo)
                                     : (c.who->role == Role::kTreasury && c.who->scope == bill.treasury);
  if (!allowed_role) {
    return forbidden(c.who->label() + " may not " + verb + " bill '" + bill_id + "' (" +
                     (ddo_verb ? "its DDO " + bill.ddo : "its treasury " + bill.treasury) + " does)");
  }
  std::string next;
  if (verb == "confirm" && bill.state == "GENERATED") next = "CONFIRMED";
  if (verb == "reject" && (bill.state == "GENERATED" || bill.state == "OBJECTED")) next = "REJECTED";
  if (verb == "pass" && bill.state == "CONFIRMED") next = "PASSED";
  if (verb == "object" && bill.state == "CONFIRMED") next = "OBJECTED";
  if (next.empty()) {
    return error_reply(409, "WRONG_STATE", "bill '" + bill_id + "' is " + bill.state + "; cannot " + verb + " it");
  }
  if (verb == "confirm") {
    const std::string* secret = tokens_.totp_secret(bill.ddo);
    if (secret == nullptr) {
      return error_reply(422, "RULE_REFUSED", "DDO '" + bill.ddo + "' has no registered TOTP secret");
    }
    if (!totp_verify(*secret, otp, options_.clock->now())) {
      return error_reply(422, "RULE_REFUSED", "field 'otp': the one-time password does not match");
    }
  }
  JsonWriter after;
  after.begin_object().field("state", next);
  if (!reason.empty()) after.field("reason", reason);
  after.end_object();
  AuditEvent e{0, utc_timestamp(options_.clock->now()), c.who->label(), "bill." + verb, "bill:" + bill_id,
               "{\"state\":\"" + bill.state + "\"}", after.take()};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  JsonWriter w;
  w.begin_object().field("bill_id", bill_id).field("state", next).field("audit_seq", e.seq).end_object();
  return ok_reply(200, w.take());
}

Reply Service::report(const Context& c, bool mismatches) {
  std::string ddo = c.param("ddo"), treasury = c.param("treasury");
  const std::string month_text = c.param("month"), reason = c.param("reason"), token = c.param("page_token");
  if (auto refused = narrow_to_scope(c, "read", &ddo, &treasury)) return *refused;
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s);
  uint32_t reason_bit = 0;
  if (!reason.empty()) {
    for (int i = 0; i < kReasonCount; ++i) {
      if (reason == kReasonCodes[i]) reason_bit = 1u << i;
    }
    if (reason_bit == 0 || !mismatches) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'reason': '" + reason + "' is not a mismatch reason code");
    }
  }
  size_t start = 0;
  if (!token.empty()) {
    if (token.size() > 10 || token.find_first_not_of("0123456789") != std::string::npos) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'page_token' must be a line number");
    }
    start = size_t(std::stoll(token));
  }
  std::shared_ptr<const RunView> v;
  if (month_text.empty()) {
    v = latest_view();
  } else {
    Month month;
    if (!parse_month(month_text, &month)) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'month': '" + month_text + "' is not YYYY-MM");
    }
    v = view(month);
  }
  if (!v) return error_reply(404, "NOT_FOUND", "no completed run" + (month_text.empty() ? "" : " for " + month_text));
  const EmployeeTable& t = *v->table;
  const MonthResult& r = v->result;
  const Fate want = mismatches ? Fate::kMismatch : Fate::kStopped;
  JsonWriter w;
  w.begin_object().field("month", format_month(v->month)).field("run_id", v->run_id);
  w.key(mismatches ? "mismatches" : "stopped").begin_array();
  size_t n = 0, last = 0;
  bool more = false;
  for (size_t row = start; row < t.rows; ++row) {
    if (r.fate_of(row) != want) continue;
    if (!ddo.empty() && t.ddo_code[row] != ddo) continue;
    if (!treasury.empty() && (!t.is_readable(row) || t.treasury_code[row] != treasury)) continue;
    if (reason_bit && !(r.reasons[row] & reason_bit)) continue;
    if (n == page_size) {
      more = true;
      break;
    }
    w.begin_object().field("line", int64_t(row + 1)).field("employee_id", t.employee_id[row]);
    w.field("ddo_code", t.ddo_code[row]);
    if (mismatches) {
      w.key("reasons").begin_array();
      for (int i = 0; i < kReasonCount; ++i) {
        if (r.reasons[row] & (1u << i)) w.value(kReasonCodes[i]);
      }
      w.end_array().field("detail", mismatch_detail(t, r, row));
    } else {
      w.field("stop_reason", t.stop_reason[row]);
    }
    w.end_object();
    last = row + 1;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", std::to_string(last));
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::list_runs(const Context&) {
  std::lock_guard lock(state_mutex_);
  JsonWriter w;
  w.begin_object().key("runs").begin_array();
  for (const RunInfo& run : runs_) {
    w.begin_object().field("run_id", run.id).field("month", run.month).field("state", run.state);
    w.field("started_by", run.actor).field("started_at", run.started_at).field("finished_at", run.finished_at);
    w.field("duration_ms", run.duration_ms);
    if (!run.summary.empty()) w.key("summary").raw(run.summary);
    if (!run.error.empty()) w.field("error", run.error);
    w.end_object();
  }
  w.end_array().end_object();
  return ok_reply(200, w.take());
}

Reply Service::get_run(const Context&, const std::string& id) {
  std::lock_guard lock(state_mutex_);
  for (const RunInfo& run : runs_) {
    if (std::to_string(run.id) != id) continue;
    JsonWriter w;
    w.begin_object().field("run_id", run.id).field("month", run.month).field("state", run.state);
    w.field("started_by", run.actor).field("started_at", run.started_at).field("finished_at", run.finished_at);
    w.field("duration_ms", run.duration_ms);
    if (!run.summary.empty()) w.key("summary").raw(run.summary);
    if (!run.error.empty()) w.field("error", run.error);
    w.end_object();
    return ok_reply(200, w.take());
  }
  return error_reply(404, "NOT_FOUND", "no run '" + id + "'");
}

Reply Service::create_run(const Context& c, const std::string& body) {
  JsonBody parsed;
  if (Status s = read_body(body, {"month", "wait"}, &parsed); !s.ok()) return bad_request(s);
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not start a run (admin only)");
  std::string month_text;
  if (Status s = text_field(parsed, "month", false, 7, &month_text); !s.ok()) return bad_request(s);
  Month month;
  if (month_text.empty()) {
    const CivilDate d = civil_from_days(today());
    month = make_month(d.year, d.month);
  } else if (!parse_month(month_text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'month': '" + month_text + "' is not YYYY-MM");
  }
  const JsonValue* wait = find_field(parsed, "wait");
  if (wait && wait->type != JsonValue::Type::kBool) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'wait' must be true or false");
  }
  return start_run(c.who->label(), month, wait && wait->boolean);
}

Reply Service::start_run(const std::string& actor, Month month, bool wait) {
  {
    MonthRules probe;
    if (Status s = resolve_month_rules(profile_, month, Dictionary(), Dictionary(), &probe); !s.ok()) {
      return error_reply(422, "RULE_REFUSED", "profile: " + s.message());
    }
  }
  std::unique_lock lock(state_mutex_);
  if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  if (running_) return error_reply(409, "RUN_IN_PROGRESS", "a run is in progress; try again when it completes");
  if (runner_.joinable()) runner_.join();  // the previous run has finished
  const int64_t run_id = runs_.empty() ? 1 : runs_.back().id + 1;
  JsonWriter after;
  after.begin_object().field("month", format_month(month)).field("day", int64_t(today())).end_object();
  AuditEvent e{0, utc_timestamp(options_.clock->now()), actor, "run.start", "run:" + std::to_string(run_id), "{}",
               after.take()};
  if (Status s = append_and_apply(&e); !s.ok()) return error_reply(500, "STORE_FAILED", s.message());
  std::string snapshot = master_.snapshot();
  runner_ = std::thread([this, run_id, month, snapshot = std::move(snapshot)]() mutable {
    execute_run(run_id, month, std::move(snapshot));
  });
  if (wait) run_done_.wait(lock, [&] { return !running_; });
  lock.unlock();
  Context none;
  Reply reply = get_run(none, std::to_string(run_id));
  reply.status = wait ? 201 : 202;
  return reply;
}

Status Service::compute_view(int64_t run_id, Month month, const std::string& snapshot,
                             std::shared_ptr<RunView>* out) const {
  auto v = std::make_shared<RunView>();
  v->run_id = run_id;
  v->month = month;
  auto table = std::make_shared<EmployeeTable>();
  CsvLoadOptions load;
  load.deduction_codes = deduction_codes(profile_);
  if (Status s = parse_employees_csv(snapshot, options_.employees_path, table.get(), load); !s.ok()) {
    return s;
  }
  v->table = table;
  v->index = build_table_index(*table);
  if (Status s = run_month(*table, v->index, profile_, month, &v->result); !s.ok()) return s;
  *out = std::move(v);
  return Status();
}

void Service::execute_run(int64_t run_id, Month month, std::string snapshot) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<RunView> v;
  const Status computed = compute_view(run_id, month, snapshot, &v);
  snapshot.clear();
  snapshot.shrink_to_fit();
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  JsonWriter after;
  after.begin_object().field("month", format_month(month)).field("duration_ms", millis);
  if (computed.ok()) {
    const RunSummary& s = v->result.summary;
    after.key("summary").begin_object().field("month", format_month(month)).field("rows", s.rows).field("paid", s.paid);
    after.field("stopped", s.stopped).field("mismatched", s.mismatched).field("bills", s.bills);
    after.field("gross", int64_t(s.gross)).field("total_deductions", int64_t(s.total_deductions));
    after.field("net", int64_t(s.net)).field("employer_nps", int64_t(s.employer_nps));
    after.key("reasons").begin_object();
    for (int i = 0; i < kReasonCount; ++i) {
      if (s.reasons[size_t(i)]) after.field(kReasonCodes[i], s.reasons[size_t(i)]);
    }
    after.end_object().end_object();
    after.key("bills").begin_array();
    const MonthResult& r = v->result;
    for (const BillTotals& b : r.bills) {
      const BillKey& key = v->index.bills[b.bill];
      after.begin_object().field("id", format_month(month) + "/" + key.id_suffix);
      after.field("treasury", v->table->treasury_code.dictionary.value(key.treasury_code));
      after.field("ddo", v->table->ddo_code.dictionary.value(key.ddo_code));
      after.field("group", v->table->bill_group.dictionary.value(key.bill_group));
      after.field("employees", b.employees).field("gross", int64_t(b.amounts[r.layout.gross]));
      after.field("total_deductions", int64_t(b.amounts[r.layout.total_deductions]));
      after.field("net", int64_t(b.amounts[r.layout.net])).end_object();
    }
    after.end_array();
  } else {
    after.field("error", computed.message());
  }
  after.end_object();
  std::lock_guard lock(state_mutex_);
  AuditEvent e{0, utc_timestamp(options_.clock->now()), "system", computed.ok() ? "run.complete" : "run.fail",
               "run:" + std::to_string(run_id), "{}", after.take()};
  Status stored = append_and_apply(&e);
  if (!stored.ok()) running_ = false;
  if (computed.ok() && stored.ok()) {
    std::lock_guard views(views_mutex_);
    views_[month] = std::move(v);
  }
  metrics_.record_run(double(millis) / 1e3, computed.ok() && stored.ok());
  run_done_.notify_all();
}

bool Service::tick() {
  const Date now = today();
  const CivilDate d = civil_from_days(now);
  const auto& window = profile_.calendar.auto_run;
  if (d.day < window[0] || d.day > window[1]) return false;
  const Month month = make_month(d.year, d.month);
  const Date window_start = first_day(month) + window[0] - 1;
  {
    std::lock_guard lock(state_mutex_);
    if (closed_ || running_) return false;
    for (const RunInfo& run : runs_) {
      if (run.month == format_month(month) && run.started_day >= window_start && run.state != "FAILED") return false;
    }
  }
  return start_run("system:auto-run", month, false).status == 202;
}

Reply Service::render_metrics() {
  std::string out;
  metrics_.render(&out);
  out += "# HELP vetan_run_rows Rows of each month's last completed run, by fate.\n# TYPE vetan_run_rows gauge\n";
  std::lock_guard lock(views_mutex_);
  for (const auto& [month, v] : views_) {
    const RunSummary& s = v->result.summary;
    const std::string m = format_month(month);
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"PAID\"} " + std::to_string(s.paid) + "\n";
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"STOPPED\"} " + std::to_string(s.stopped) + "\n";
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"MISMATCH\"} " + std::to_string(s.mismatched) + "\n";
  }
  return Reply{200, out, "text/plain; version=0.0.4"};
}

}  // namespace vetan::serve
